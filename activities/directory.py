"""Directory I/O for workflows: authority reads for changes, and the directory's own
projection into SQL."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from models.authority import Authorities, AuthorityQuery
from models.directory.projection import DirectoryBatch
from throughline.store import directory
from throughline.store.directory_projection import project_directory

log = logging.getLogger(__name__)


class DirectoryActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="read_authorities")
    async def read_authorities(self, query: AuthorityQuery) -> Authorities:
        """The roles each person holds as of the workflow's own clock."""
        async with self._sessions() as session:
            return await directory.authorities(session, query.people, query.as_of, query.change_id)

    @activity.defn(name="project_directory")
    async def project_directory(self, batch: DirectoryBatch) -> int:
        """Write the directory's tables and event log; returns how many events were new."""
        async with self._sessions() as session, session.begin():
            applied = await project_directory(session, batch, datetime.now(UTC))
        log.info(
            "projected directory",
            extra={"directory_id": batch.directory_id, "events": len(batch.events), "new": applied},
        )
        return applied
