"""Keyset reads of the chained logs, on SQLite and on PostgreSQL: pages that follow on
from the last seq, filters, chunks of links, and export chunks across changes:
throughline/store/chain_reads.py."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import GENESIS_HASH, AuditEvent, chain_event
from models.read.audit_pages import EventFilter, ExportFilter
from models.roles import Role
from models.tables import AuditEventRow, ChangeRow
from throughline.store import chain_reads

ACTORS = ["pol-a", "ops-b", "dev"]
ROLES = ["policy", "operations", None]


def _t0() -> datetime:
    """A moment no other test writes near, so a time range picks only this test's events."""
    return datetime(2040 + random.randrange(60), 1, 5, 9, tzinfo=UTC)


def _events(change_id: str, count: int, t0: datetime) -> list[AuditEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        event = chain_event(
            log_id=change_id,
            seq=seq,
            prev_hash=prev,
            at=t0 + timedelta(hours=seq),
            actor=ACTORS[seq % 3],
            role=ROLES[seq % 3],
            kind="handoff" if seq % 2 else "signed_off",
            payload={"seq": seq, "note": "à propos"},
        )
        events.append(event)
        prev = event.hash
    return events


def _change(change_id: str, service: str, t0: datetime) -> ChangeRow:
    return ChangeRow(
        id=change_id,
        workflow_id=f"change-{change_id}",
        title="A change",
        service=service,
        playbook="pdca",
        playbook_version=3,
        iteration=1,
        stage="intent",
        gate_id="1.intent.1",
        gate_status="open",
        status="open",
        proposer="dev",
        waiting_kind="submission",
        waiting_reason="work",
        created_at=t0,
        updated_at=t0,
        last_seq=0,
        last_hash=GENESIS_HASH,
        snapshot={},
    )


async def _stored(
    session: AsyncSession, count: int, service: str = "", t0: datetime | None = None
) -> list[AuditEvent]:
    change_id = uuid.uuid4().hex[:12]
    t0 = t0 or _t0()
    session.add(_change(change_id, service or f"service {change_id}", t0))
    events = _events(change_id, count, t0)
    session.add_all(AuditEventRow(**event.model_dump()) for event in events)
    await session.flush()
    return events


async def _pages(session: AsyncSession, change_id: str, where: EventFilter) -> list[list[int]]:
    """The seqs of every page, following next_after as a client does."""
    pages: list[list[int]] = []
    after: int | None = 0
    while after is not None:
        where = where.model_copy(update={"after": after})
        rows, after = await chain_reads.page(session, AuditEventRow, change_id, where)
        pages.append([row.seq for row in rows])
    return pages


async def test_pages_follow_on_from_the_last_seq_to_the_last_page(
    rollback_session: AsyncSession,
) -> None:
    events = await _stored(rollback_session, 7)
    change_id = events[0].change_id

    assert await _pages(rollback_session, change_id, EventFilter(limit=3)) == [
        [1, 2, 3],
        [4, 5, 6],
        [7],
    ]
    assert await _pages(rollback_session, change_id, EventFilter(limit=7)) == [list(range(1, 8))]
    assert await _pages(rollback_session, change_id, EventFilter()) == [list(range(1, 8))]


async def test_a_page_is_the_events_as_written(rollback_session: AsyncSession) -> None:
    events = await _stored(rollback_session, 3)

    rows, _ = await chain_reads.page(
        rollback_session, AuditEventRow, events[0].change_id, EventFilter()
    )

    assert [chain_reads.as_event(row) for row in rows] == events


async def test_filters_narrow_every_page_and_paging_follows_the_matches(
    rollback_session: AsyncSession,
) -> None:
    events = await _stored(rollback_session, 12)
    change_id, t0 = events[0].change_id, events[0].at

    by_actor = await _pages(rollback_session, change_id, EventFilter(actors=["pol-a"], limit=2))
    by_roles = await _pages(
        rollback_session, change_id, EventFilter(roles=[Role.POLICY, Role.OPERATIONS])
    )
    by_kind = await _pages(rollback_session, change_id, EventFilter(kinds=["signed_off"]))
    in_range = EventFilter(since=t0 + timedelta(hours=2), until=t0 + timedelta(hours=5))
    by_time = await _pages(rollback_session, change_id, in_range)
    everything = EventFilter(actors=["pol-a"], kinds=["handoff"], since=t0)
    combined = await _pages(rollback_session, change_id, everything)

    assert by_actor == [[3, 6], [9, 12]]
    assert by_roles == [[1, 3, 4, 6, 7, 9, 10, 12]]
    assert by_kind == [[2, 4, 6, 8, 10, 12]]
    assert by_time == [[3, 4, 5]]
    assert combined == [[3, 9]]


async def test_a_filter_that_matches_nothing_is_one_empty_last_page(
    rollback_session: AsyncSession,
) -> None:
    events = await _stored(rollback_session, 3)
    where = EventFilter(actors=["nobody"])

    assert await _pages(rollback_session, events[0].change_id, where) == [[]]
    assert await _pages(rollback_session, "no-such-change", EventFilter()) == [[]]


async def test_links_come_in_chunks_as_bare_tuples_of_the_stored_fields(
    rollback_session: AsyncSession,
) -> None:
    events = await _stored(rollback_session, 5)
    change_id = events[0].change_id

    first = await chain_reads.links(rollback_session, AuditEventRow, change_id, 0, 3)
    rest = await chain_reads.links(rollback_session, AuditEventRow, change_id, first[-1].seq, 3)

    assert [link.seq for link in first] == [1, 2, 3]
    assert [link.seq for link in rest] == [4, 5]
    assert [tuple(link) for link in first + rest] == [
        tuple(event.model_dump().values()) for event in events
    ]
    assert all(link.at.tzinfo is UTC for link in first)


async def _export(session: AsyncSession, where: ExportFilter, chunk: int) -> list[AuditEvent]:
    found: list[AuditEvent] = []
    after: tuple[str, int] | None = None
    while True:
        events = await chain_reads.export_chunk(session, where, after, chunk)
        found += events
        if len(events) < chunk:
            return found
        after = (events[-1].change_id, events[-1].seq)


async def test_an_export_goes_change_by_change_in_seq_order_across_chunks(
    rollback_session: AsyncSession,
) -> None:
    service, t0 = f"service {uuid.uuid4().hex[:8]}", _t0()
    first = await _stored(rollback_session, 4, service, t0)
    second = await _stored(rollback_session, 3, service, t0)
    other = await _stored(rollback_session, 2, t0=t0)
    ours = sorted(first + second, key=lambda e: (e.change_id, e.seq))

    by_service = await _export(rollback_session, ExportFilter(service=service), 2)
    by_change = await _export(rollback_session, ExportFilter(change_id=other[0].change_id), 5)
    in_range = ExportFilter(since=t0 + timedelta(hours=2), until=t0 + timedelta(hours=4))
    by_time = await _export(rollback_session, in_range, 1)

    assert by_service == ours
    assert by_change == other
    assert {(e.change_id, e.seq) for e in by_time} == {
        (e.change_id, e.seq) for e in first + second + other if e.seq in (2, 3)
    }
    assert [(e.change_id, e.seq) for e in by_time] == sorted((e.change_id, e.seq) for e in by_time)


async def test_an_export_of_an_unknown_service_is_empty(rollback_session: AsyncSession) -> None:
    await _stored(rollback_session, 2)
    where = ExportFilter(service=f"no such service {uuid.uuid4().hex}")
    assert await chain_reads.export_chunk(rollback_session, where, None) == []
