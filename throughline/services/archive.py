"""The archive of closed Temporal histories, for admins and auditors: archived runs read
back as Temporal histories, listed page by page, and purged once past retention.

A purge is audited: the directory records every run it is about to delete, with its
fingerprint, before a single row goes, so nothing is deleted without a record.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import WorkflowHistory

from models.archive import (
    PURGE_BATCH,
    ArchivedRun,
    ArchiveListing,
    ArchivePurge,
    ArchivePurgeRequest,
    PurgedRun,
)
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.store import archive

log = logging.getLogger(__name__)


def read_history(workflow_id: str, gzipped: bytes) -> WorkflowHistory:
    """An archived history as Temporal's own type, ready to read or to replay."""
    return WorkflowHistory.from_json(workflow_id, gzip.decompress(gzipped).decode("utf-8"))


async def archived_runs(
    sessions: async_sessionmaker[AsyncSession], workflow_id: str
) -> list[ArchivedRun]:
    """Every archived run of a workflow, oldest first."""
    async with sessions() as session:
        return await archive.runs_of(session, workflow_id)


async def archived_history(
    sessions: async_sessionmaker[AsyncSession], run: ArchivedRun
) -> WorkflowHistory:
    """One archived run's whole history."""
    async with sessions() as session:
        gzipped = await archive.history_of(session, run.workflow_id, run.run_id)
    if gzipped is None:
        # Purged since it was listed: as if it had never been archived.
        return WorkflowHistory(run.workflow_id, [])
    return await asyncio.to_thread(read_history, run.workflow_id, gzipped)


class ArchiveService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        directory: DirectoryService,
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._directory = directory

    async def listing(self, after: int, limit: int) -> ArchiveListing:
        """Archived runs in the order they were archived, a page at a time."""
        async with self._sessions() as session:
            runs = await archive.listing(session, after, limit)
        next_after = runs[-1].id if len(runs) == limit else None
        return ArchiveListing(runs=runs, next_after=next_after)

    def cutoff(self) -> datetime:
        """Runs closed before this are past retention."""
        return datetime.now(UTC) - timedelta(days=self._settings.archive_retention_days)

    async def purge(self, actor: str, request: ArchivePurgeRequest) -> ArchivePurge:
        """Delete every archived run past retention, a batch at a time, each batch put on
        the directory's record first; with nothing past retention, nothing is recorded."""
        cutoff = self.cutoff()
        purged: list[str] = []
        while batch := await self._expired(cutoff):
            await self._directory.purge_archives(actor, cutoff, request.reason, batch)
            async with self._sessions() as session, session.begin():
                await archive.delete_runs(session, [(r.workflow_id, r.run_id) for r in batch])
            purged += [run.run_id for run in batch]
        if purged:
            log.info("purged archived runs", extra={"count": len(purged), "actor": actor})
        return ArchivePurge(count=len(purged), cutoff=cutoff, run_ids=purged)

    async def _expired(self, cutoff: datetime) -> list[PurgedRun]:
        async with self._sessions() as session:
            return await archive.expired(session, cutoff, PURGE_BATCH)
