"""Changes: every change, filtered, ordered and a page at a time, each showing where it
waits, on whom and since when."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from api.deps import ReadsDep
from models.change import ChangeStatus
from models.playbooks import published_playbooks
from models.read.reports import ChangeOrder, ChangeQuery
from models.roles import Role
from web.deps import ANY_ROLE, PagePerson
from web.render import render

router = APIRouter(dependencies=[ANY_ROLE])
PAGE_SIZE = 25


class ChangeFilters(BaseModel):
    """The list's form, as a browser sends it: an empty field means any."""

    service: str = Field(default="", max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")
    stage: str = Field(default="", max_length=64, pattern=r"^[a-z_]*$")
    status: ChangeStatus | None = None
    waiting_on: Role | None = None
    person: str = Field(default="", max_length=64, pattern=r"^[a-z0-9._-]*$")
    order: ChangeOrder = ChangeOrder.URGENT
    page: int = Field(default=1, ge=1, le=40_000)

    def query(self) -> ChangeQuery:
        return ChangeQuery(
            service=self.service.strip() or None,
            stage=self.stage.strip() or None,
            status=self.status,
            waiting_on=self.waiting_on,
            waiting_on_person=self.person.strip() or None,
            order=self.order,
            limit=PAGE_SIZE,
            offset=(self.page - 1) * PAGE_SIZE,
            count=True,
        )


def stages() -> list[str]:
    """Every stage of every published playbook, in playbook order, once each."""
    return list(dict.fromkeys(s.name for p in published_playbooks() for s in p.stages))


@router.get("/changes", summary="Every change")
async def changes_page(
    request: Request,
    _caller: PagePerson,
    reads: ReadsDep,
    filters: Annotated[ChangeFilters, Query()],
) -> Response:
    found = await reads.changes(filters.query())
    context = {
        "title": "Changes",
        "found": found,
        "filters": filters,
        "stages": stages(),
        "statuses": list(ChangeStatus),
        "roles": list(Role),
        "orders": list(ChangeOrder),
        "pagination": pagination(request, filters.page, -(-(found.total or 0) // PAGE_SIZE)),
    }
    return render(request, "changes.html", context)


def pagination(request: Request, page: int, pages: int) -> dict[str, object]:
    """The GOV.UK pagination component's links, keeping the filters."""

    def link(number: int) -> str:
        return str(request.url.include_query_params(page=number))

    items = [
        {"number": n, "href": link(n), "current": n == page}
        for n in range(max(1, page - 2), min(pages, page + 2) + 1)
    ]
    return {
        "items": items if pages > 1 else [],
        "previous": {"href": link(page - 1)} if page > 1 else None,
        "next": {"href": link(page + 1)} if page < pages else None,
    }
