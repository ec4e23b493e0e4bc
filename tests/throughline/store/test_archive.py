"""The archive of closed histories in SQL, on SQLite and PostgreSQL: a run is put once
whatever the retries, read back whole, listed page by page, and only runs closed before
a cutoff are found expired and deleted: throughline/store/archive.py."""

from __future__ import annotations

import gzip
import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from models.tables import HistoryArchiveRow
from throughline.store import archive

LONG_AGO = datetime(1990, 1, 1, tzinfo=UTC)


def _row(workflow_id: str, closed_at: datetime, text: str = '{"events": []}') -> HistoryArchiveRow:
    return HistoryArchiveRow(
        workflow_id=workflow_id,
        run_id=str(uuid.uuid4()),
        change_id=workflow_id.removeprefix("change-"),
        workflow_type="ServiceChangeWorkflow",
        closed_at=closed_at,
        archived_at=closed_at + timedelta(seconds=2),
        event_count=0,
        sha256="0" * 64,
        history=gzip.compress(text.encode()),
    )


async def test_a_run_is_put_once_and_read_back_whole(rollback_session: AsyncSession) -> None:
    workflow_id = f"change-{uuid.uuid4()}"
    first = _row(workflow_id, LONG_AGO, '{"events": [1]}')
    assert await archive.put(rollback_session, first)
    again = first.model_copy(update={"history": gzip.compress(b"other"), "event_count": 9})
    assert not await archive.put(rollback_session, again)

    found = await archive.find(rollback_session, workflow_id, first.run_id)
    assert found is not None
    assert (found.run_id, found.event_count, found.closed_at) == (first.run_id, 0, LONG_AGO)
    stored = await archive.history_of(rollback_session, workflow_id, first.run_id)
    assert stored is not None
    assert gzip.decompress(stored) == b'{"events": [1]}'
    assert await archive.find(rollback_session, workflow_id, "no-such-run") is None
    assert await archive.history_of(rollback_session, workflow_id, "no-such-run") is None


async def test_a_workflows_runs_come_oldest_first(rollback_session: AsyncSession) -> None:
    workflow_id = f"change-{uuid.uuid4()}"
    later = _row(workflow_id, LONG_AGO + timedelta(days=3))
    earlier = _row(workflow_id, LONG_AGO)
    for row in (later, earlier, _row(f"change-{uuid.uuid4()}", LONG_AGO)):
        await archive.put(rollback_session, row)
    runs = await archive.runs_of(rollback_session, workflow_id)
    assert [r.run_id for r in runs] == [earlier.run_id, later.run_id]
    assert workflow_id.removeprefix("change-") in await archive.change_ids(rollback_session)


async def test_the_listing_pages_on_from_where_it_stopped(rollback_session: AsyncSession) -> None:
    workflow_id = f"change-{uuid.uuid4()}"
    rows = [_row(workflow_id, LONG_AGO + timedelta(hours=h)) for h in range(5)]
    for row in rows:
        await archive.put(rollback_session, row)
    first = (await archive.runs_of(rollback_session, workflow_id))[0]
    page = await archive.listing(rollback_session, after=first.id - 1, limit=2)
    assert [r.run_id for r in page] == [rows[0].run_id, rows[1].run_id]
    rest = await archive.listing(rollback_session, after=page[-1].id, limit=10)
    assert [r.run_id for r in rest if r.workflow_id == workflow_id] == [r.run_id for r in rows[2:]]


async def test_only_runs_closed_before_the_cutoff_expire_and_go(
    rollback_session: AsyncSession,
) -> None:
    workflow_id = f"change-{uuid.uuid4()}"
    old = [_row(workflow_id, LONG_AGO + timedelta(days=d)) for d in (2, 0, 1)]
    kept = _row(workflow_id, LONG_AGO + timedelta(days=400))
    for row in [*old, kept]:
        await archive.put(rollback_session, row)
    cutoff = LONG_AGO + timedelta(days=365)
    expired = await archive.expired(rollback_session, cutoff, limit=2)
    assert [r.run_id for r in expired] == [old[1].run_id, old[2].run_id]
    everything = await archive.expired(rollback_session, cutoff, limit=100)
    assert {r.run_id for r in everything} >= {r.run_id for r in old}
    assert kept.run_id not in {r.run_id for r in everything}

    pairs = [(r.workflow_id, r.run_id) for r in expired]
    assert await archive.delete_runs(rollback_session, pairs) == 2
    assert await archive.delete_runs(rollback_session, pairs) == 0
    assert await archive.delete_runs(rollback_session, []) == 0
    left = await archive.runs_of(rollback_session, workflow_id)
    assert [r.run_id for r in left] == [old[0].run_id, kept.run_id]
