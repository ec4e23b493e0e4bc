"""The portfolio: changes ranked by need with the reasons in plain words, and the outcomes
a service's changes reached over a time range. Reads only, from the read model; the
formulas are the pure ones in models/portfolio.py and models/outcomes.py."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.outcomes import OutcomesQuery, PortfolioOutcomes, outcomes
from models.portfolio import Portfolio, PortfolioQuery, page_of
from throughline.store import portfolio


class PortfolioService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def ranking(self, query: PortfolioQuery) -> Portfolio:
        """A page of the ranking of every change of the service (or all) with the status
        asked for: the ranks count across pages, so the whole set is ranked each time."""
        async with self._sessions() as session:
            found = await portfolio.candidates(session, query.service, query.status)
        return page_of(found, query)

    async def outcomes(self, query: OutcomesQuery) -> PortfolioOutcomes:
        """Cycles per change, decisions, targets met and time from intent to outcome, for
        the changes with an act decision in the range."""
        async with self._sessions() as session:
            decided = await portfolio.decided_in(session, query)
        return outcomes(decided, query)
