"""The archive of closed Temporal histories in SQL: put a run once, read a workflow's runs
and one run's history, list runs page by page, find those past retention and delete them.

Rows are written once and never changed; only an audited purge deletes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.archive import ArchivedRun, PurgedRun
from models.tables import HistoryArchiveRow
from throughline.store.sql import insert_missing

_ROW = HistoryArchiveRow
_SUMMARY: tuple[Any, ...] = (
    _ROW.id,
    _ROW.workflow_id,
    _ROW.run_id,
    _ROW.change_id,
    _ROW.workflow_type,
    _ROW.closed_at,
    _ROW.archived_at,
    _ROW.event_count,
    _ROW.sha256,
)
"""Every column but the history itself, which only a reader of that one run needs."""


def _summary(row: Sequence[Any]) -> ArchivedRun:
    names = [column.key for column in _SUMMARY]
    return ArchivedRun.model_validate(dict(zip(names, row, strict=True)))


async def put(session: AsyncSession, row: HistoryArchiveRow) -> bool:
    """Archive one run; True if it was new. The same run archived again changes nothing:
    a closed history never changes, so the first copy stands."""
    values = row.model_dump(exclude={"id"})
    return await insert_missing(session, HistoryArchiveRow, [values]) == 1


async def find(session: AsyncSession, workflow_id: str, run_id: str) -> ArchivedRun | None:
    statement = select(*_SUMMARY).where(
        col(_ROW.workflow_id) == workflow_id, col(_ROW.run_id) == run_id
    )
    row = (await session.exec(statement)).first()
    return _summary(row) if row is not None else None


async def runs_of(session: AsyncSession, workflow_id: str) -> list[ArchivedRun]:
    """Every archived run of a workflow, oldest first: runs of one workflow close in the
    order they started, each continuing as the next."""
    statement = (
        select(*_SUMMARY)
        .where(col(_ROW.workflow_id) == workflow_id)
        .order_by(col(_ROW.closed_at), col(_ROW.id))
    )
    return [_summary(row) for row in (await session.exec(statement)).all()]


async def history_of(session: AsyncSession, workflow_id: str, run_id: str) -> bytes | None:
    """One run's history, gzipped, as archived."""
    statement = select(_ROW.history).where(
        col(_ROW.workflow_id) == workflow_id, col(_ROW.run_id) == run_id
    )
    found: bytes | None = (await session.exec(statement)).first()
    return found


async def listing(session: AsyncSession, after: int, limit: int) -> list[ArchivedRun]:
    """Archived runs in the order they were archived, from just after `after`."""
    statement = select(*_SUMMARY).where(col(_ROW.id) > after).order_by(col(_ROW.id)).limit(limit)
    return [_summary(row) for row in (await session.exec(statement)).all()]


async def change_ids(session: AsyncSession) -> list[str]:
    """Every change with at least one archived run."""
    statement = select(_ROW.change_id).where(col(_ROW.change_id).is_not(None)).distinct()
    return sorted(c for c in (await session.exec(statement)).all() if c is not None)


async def expired(session: AsyncSession, cutoff: datetime, limit: int) -> list[PurgedRun]:
    """Up to `limit` runs closed before the cutoff, oldest first."""
    statement = (
        select(_ROW.workflow_id, _ROW.run_id, _ROW.sha256, _ROW.closed_at)
        .where(col(_ROW.closed_at) < cutoff)
        .order_by(col(_ROW.closed_at), col(_ROW.id))
        .limit(limit)
    )
    return [
        PurgedRun(workflow_id=w, run_id=r, sha256=s, closed_at=c)
        for w, r, s, c in (await session.exec(statement)).all()
    ]


async def delete_runs(session: AsyncSession, runs: Sequence[tuple[str, str]]) -> int:
    """Delete these (workflow id, run id) runs; returns how many there were."""
    if not runs:
        return 0
    statement = (
        delete(_ROW)
        .where(tuple_(col(_ROW.workflow_id), col(_ROW.run_id)).in_(list(runs)))
        .returning(col(_ROW.id))
    )
    return len((await session.exec(statement)).all())
