"""Directory I/O for workflows: authority reads for changes, and the directory's own
projection into SQL."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from activities.news import tell_the_stuck
from activities.notifications import wake_the_dispatcher
from models.authority import Authorities, AuthorityQuery
from models.directory.projection import DirectoryBatch
from models.notifications import MessageStyle
from models.read.stuck import DirectoryReading
from throughline.store import directory, outbox
from throughline.store.directory_projection import project_directory

log = logging.getLogger(__name__)


class DirectoryActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], style: MessageStyle) -> None:
        self._sessions = sessions
        self._style = style

    @activity.defn(name="read_authorities")
    async def read_authorities(self, query: AuthorityQuery) -> Authorities:
        """The roles each person holds as of the workflow's own clock."""
        async with self._sessions() as session:
            return await directory.authorities(session, query.people, query.as_of, query.change_id)

    @activity.defn(name="read_directory")
    async def read_directory(self, query: AuthorityQuery) -> DirectoryReading:
        """Today's directory for the people a change names, and the admins to ask."""
        async with self._sessions() as session:
            found = await directory.authorities(session, query.people, query.as_of, query.change_id)
            return DirectoryReading(
                authorities=found, admins=await directory.active_admins(session)
            )

    @activity.defn(name="project_directory")
    async def project_directory(self, batch: DirectoryBatch) -> int:
        """Write the directory's tables and event log; returns how many events were new."""
        due = 0
        async with self._sessions() as session, session.begin():
            projected = await project_directory(session, batch, datetime.now(UTC))
            due = await outbox.enqueue_directory(session, batch.events, self._style)
        if due:
            await wake_the_dispatcher()
        await tell_the_stuck((r.workflow_id, r.state, r.kind) for r in projected.rewritten)
        log.info(
            "projected directory",
            extra={
                "directory_id": batch.directory_id,
                "events": len(batch.events),
                "new": projected.new_events,
            },
        )
        return projected.new_events
