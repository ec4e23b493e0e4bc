"""Directory reads for the workflow: who holds which role at the moment they act."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from models.authority import Authorities, AuthorityQuery
from throughline.store import directory


class DirectoryActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="read_authorities")
    async def read_authorities(self, query: AuthorityQuery) -> Authorities:
        """The roles each person holds as of the workflow's own clock."""
        async with self._sessions() as session:
            return await directory.authorities(session, query.people, query.as_of, query.change_id)
