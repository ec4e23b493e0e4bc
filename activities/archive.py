"""Archiving a closed run: its Temporal history, fetched once the run has closed, gzipped
and put in SQL. Idempotent, keyed by workflow id and run id: a run archived already is
left as it is, without asking Temporal again."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.client import (
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowHistory,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from models.archive import RunToArchive
from models.tables import HistoryArchiveRow
from throughline.store import archive

log = logging.getLogger(__name__)
STILL_OPEN = "RunStillOpen"
RUN_GONE = "RunNotFound"
QUICK_LOOKS = 20
QUICK_LOOK_SECONDS = 0.25
"""Five seconds of looks before an attempt gives up: a run closes within a second of
starting its archiving, unless its worker is in trouble."""


class ArchiveActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], quick_looks: int = QUICK_LOOKS
    ) -> None:
        self._sessions = sessions
        self._quick_looks = quick_looks

    @activity.defn(name="archive_history")
    async def archive_history(self, run: RunToArchive) -> bool:
        """Put the run's history in the archive once it has closed; True if it was new.
        A workflow starts its archiving just before its run ends, so the first attempt
        may find the run still open: that is retried, with backoff, until it closes."""
        async with self._sessions() as session:
            if await archive.find(session, run.workflow_id, run.run_id) is not None:
                return False
        handle = activity.client().get_workflow_handle(run.workflow_id, run_id=run.run_id)
        closed_at, workflow_type = await _closed(handle, self._quick_looks)
        history = await handle.fetch_history()
        row = await asyncio.to_thread(_row, run, history, closed_at, workflow_type)
        async with self._sessions() as session, session.begin():
            new = await archive.put(session, row)
        log.info(
            "archived a run",
            extra={
                "workflow_id": run.workflow_id,
                "change_id": run.change_id,
                "run_id": run.run_id,
                "events": row.event_count,
                "new": new,
            },
        )
        return new


async def _closed(handle: WorkflowHandle[Any, Any], looks: int) -> tuple[datetime, str]:
    """When the run closed, and its workflow type. A run about to close is waited for a
    few seconds, the usual case, so it needs no retry; one still open after that is
    raised, to be retried with backoff."""
    for _ in range(looks):
        described = await _describe(handle)
        if described.status is not WorkflowExecutionStatus.RUNNING and described.close_time:
            return described.close_time, described.workflow_type
        await asyncio.sleep(QUICK_LOOK_SECONDS)
    raise ApplicationError(
        "the run has not closed yet; it is archived once it has", type=STILL_OPEN
    )


async def _describe(handle: WorkflowHandle[Any, Any]) -> WorkflowExecutionDescription:
    try:
        return await handle.describe()
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        raise ApplicationError(
            "Temporal no longer has this run, so it cannot be archived",
            type=RUN_GONE,
            non_retryable=True,
        ) from None


def _row(
    run: RunToArchive, history: WorkflowHistory, closed_at: datetime, workflow_type: str
) -> HistoryArchiveRow:
    """The archive's row: the history's JSON, exactly as `WorkflowHistory.to_json()` writes
    it, so `WorkflowHistory.from_json` reads it back; its sha256 is of those bytes."""
    text = history.to_json().encode("utf-8")
    return HistoryArchiveRow(
        workflow_id=run.workflow_id,
        run_id=run.run_id,
        change_id=run.change_id,
        workflow_type=workflow_type,
        closed_at=closed_at,
        archived_at=datetime.now(UTC),
        event_count=len(history.events),
        sha256=hashlib.sha256(text).hexdigest(),
        history=gzip.compress(text),
    )
