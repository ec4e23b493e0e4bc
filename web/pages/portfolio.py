"""The portfolio: changes ranked by the need of the groups they serve before their reach,
each with its score explained, what to do before it can go ahead, and the areas not yet
ready."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from api.deps import PortfolioDep
from models.change import ChangeStatus
from models.portfolio import PortfolioQuery
from web.deps import ANY_ROLE, PagePerson
from web.pages.changes import pagination
from web.render import render

router = APIRouter(dependencies=[ANY_ROLE])
PAGE_SIZE = 25


class PortfolioFilters(BaseModel):
    """The portfolio's form, as a browser sends it: an empty service means every one."""

    service: str = Field(default="", max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")
    status: ChangeStatus = ChangeStatus.ACTIVE
    page: int = Field(default=1, ge=1, le=40_000)

    def query(self) -> PortfolioQuery:
        return PortfolioQuery(
            service=self.service.strip() or None,
            status=self.status,
            limit=PAGE_SIZE,
            offset=(self.page - 1) * PAGE_SIZE,
        )


@router.get("/portfolio", summary="Changes ranked by need")
async def portfolio_page(
    request: Request,
    _caller: PagePerson,
    portfolio: PortfolioDep,
    filters: Annotated[PortfolioFilters, Query()],
) -> Response:
    found = await portfolio.ranking(filters.query())
    context = {
        "title": "Portfolio",
        "found": found,
        "filters": filters,
        "statuses": list(ChangeStatus),
        "pagination": pagination(request, filters.page, -(-found.total // PAGE_SIZE)),
    }
    return render(request, "portfolio.html", context)
