"""The portfolio: changes ranked by need, not reach, each with its reasons, and the
outcomes a service's changes reached. Anyone who may list changes may read them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import examples
from api.deps import ANY_ROLE, PortfolioDep
from api.errors import error_responses
from models.outcomes import OutcomesQuery, PortfolioOutcomes
from models.portfolio import FORMULA, Portfolio, PortfolioQuery

router = APIRouter(prefix="/portfolio", tags=["portfolio"], dependencies=[ANY_ROLE])


def _example(value: Any) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": value}}}}


RANKING_EXAMPLE = {
    "items": [examples.PORTFOLIO_ENTRY],
    "total": 1,
    "limit": 50,
    "offset": 0,
    "formula": FORMULA,
}


@router.get(
    "",
    summary="Changes ranked by need",
    response_model=Portfolio,
    responses={**_example(RANKING_EXAMPLE), **error_responses(401, 403, 422)},
)
async def rank_portfolio(
    *, query: Annotated[PortfolioQuery, Query()], portfolio: PortfolioDep
) -> Portfolio:
    """Changes of one service or all, active ones unless another status is asked for,
    ranked by the need of the groups they serve before their reach: each with its score,
    the explanation in plain words, what must be done before it can go ahead, and the
    areas not yet ready. The formula is in the answer and in docs/portfolio.md."""
    return await portfolio.ranking(query)


@router.get(
    "/outcomes",
    summary="Outcomes of a service's changes",
    response_model=PortfolioOutcomes,
    responses={**_example(examples.OUTCOMES), **error_responses(401, 403, 422)},
)
async def portfolio_outcomes(
    *, query: Annotated[OutcomesQuery, Query()], portfolio: PortfolioDep
) -> PortfolioOutcomes:
    """For the changes of one service (or all) with an act decision in the range: cycles
    per change, the share of decisions to adopt, adapt and abandon, the share of outcome
    targets met, and the days from intent to the first decision."""
    return await portfolio.outcomes(query)
