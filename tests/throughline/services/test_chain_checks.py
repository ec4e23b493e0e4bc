"""A log checked as the store streams it, in chunks, gets the verdict verify_chain gives
the whole log, on SQLite and PostgreSQL, for the audit log and the refusals log:
throughline/services/chain_checks.py."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import (
    GENESIS_HASH,
    AuditEvent,
    ChainAnchor,
    HashScheme,
    chain_event,
    verify_chain,
)
from models.refusals import Refusal
from models.tables import AuditEventRow, RefusalRow
from tests.factories import T0
from throughline.services.chain_checks import stream_verdict
from throughline.store import readmodel, refusals


async def _log(
    sessions: async_sessionmaker[AsyncSession], count: int, scheme: HashScheme
) -> list[AuditEvent]:
    change_id, prev, events = f"chk-{uuid.uuid4().hex[:12]}", GENESIS_HASH, []
    for seq in range(1, count + 1):
        event = chain_event(
            log_id=change_id,
            seq=seq,
            prev_hash=prev,
            at=T0 + timedelta(seconds=seq),
            actor="pol-a",
            role="policy",
            kind="signed_off",
            payload={"revision": seq, "score": 4.0},
            scheme=scheme,
        )
        events.append(event)
        prev = event.hash
    async with sessions() as session, session.begin():
        session.add_all(AuditEventRow(**event.model_dump()) for event in events)
    return events


async def _stored(sessions: async_sessionmaker[AsyncSession], change_id: str) -> list[AuditEvent]:
    async with sessions() as session:
        return await readmodel.audit_events(session, change_id)


@pytest.mark.parametrize("scheme", list(HashScheme))
async def test_an_intact_log_read_in_chunks_checks_as_the_whole_does(
    sessions: async_sessionmaker[AsyncSession], scheme: HashScheme
) -> None:
    events = await _log(sessions, 25, scheme)
    change_id = events[0].change_id
    anchor = ChainAnchor(seq=25, hash=events[-1].hash, source="read_model")

    streamed = await stream_verdict(
        sessions, AuditEventRow, change_id, anchor, scheme=scheme, chunk=4
    )

    assert streamed == verify_chain(change_id, events, anchor, scheme=scheme)
    assert (streamed.intact, streamed.events_checked, streamed.anchored_to) == (
        True,
        25,
        "read_model",
    )


async def test_an_edited_row_is_found_where_the_whole_check_finds_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    events = await _log(sessions, 12, HashScheme.JCS)
    change_id = events[0].change_id
    async with sessions() as session, session.begin():
        await session.exec(
            update(AuditEventRow)
            .where(col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq) == 10)
            .values(payload={"revision": 10, "score": 5})
        )
    anchor = ChainAnchor(seq=12, hash=events[-1].hash, source="temporal")

    streamed = await stream_verdict(
        sessions, AuditEventRow, change_id, anchor, scheme=HashScheme.JCS, chunk=3
    )

    whole = verify_chain(
        change_id, await _stored(sessions, change_id), anchor, scheme=HashScheme.JCS
    )
    assert streamed == whole
    assert (streamed.first_bad_seq, streamed.problem) == (
        10,
        "event 10 was altered after it was written",
    )


async def test_a_log_cut_short_on_a_chunk_boundary_is_missing_its_end(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    events = await _log(sessions, 8, HashScheme.SORTED_JSON)
    anchor = ChainAnchor(seq=9, hash="not-yet-written", source="temporal")

    streamed = await stream_verdict(sessions, AuditEventRow, events[0].change_id, anchor, chunk=4)

    assert streamed == verify_chain(events[0].change_id, events, anchor)
    assert streamed.first_bad_seq == 9


async def test_the_refusals_log_streams_the_same_way(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    change_id = f"chk-{uuid.uuid4().hex[:12]}"
    for n in range(5):
        refusal = Refusal(
            change_id=change_id,
            actor=f"person-{n}",
            role="policy",
            command="sign_off",
            code="separation_of_duties",
            reason="the submitter cannot approve their own work",
        )
        async with sessions() as session:
            await refusals.put_on_record(session, refusal, T0 + timedelta(minutes=n))
    async with sessions() as session:
        logged = [event for event, _ in await refusals.log_of(session, change_id)]

    streamed = await stream_verdict(sessions, RefusalRow, change_id, chunk=2)

    assert streamed == verify_chain(change_id, logged)
    assert (streamed.intact, streamed.events_checked) == (True, 5)
