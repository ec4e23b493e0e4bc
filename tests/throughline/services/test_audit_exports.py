"""Exports written a chunk at a time: CSV with a header row and one row per event, or a
JSON array built element by element; both read back to the events stored, and an export
that matches nothing is empty, not an error: throughline/services/audit_exports.py."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import GENESIS_HASH, AuditEvent, chain_event
from models.read.audit_pages import EXPORT_COLUMNS, ExportFilter, ExportFormat
from models.tables import AuditEventRow
from tests.factories import T0
from throughline.services.audit_exports import export_text


async def _log(sessions: async_sessionmaker[AsyncSession], count: int) -> list[AuditEvent]:
    change_id, prev, events = f"exp-{uuid.uuid4().hex[:12]}", GENESIS_HASH, []
    for seq in range(1, count + 1):
        event = chain_event(
            log_id=change_id,
            seq=seq,
            prev_hash=prev,
            at=T0 + timedelta(minutes=seq),
            actor="pol-a",
            role=None if seq == 2 else "policy",
            kind="signed_off",
            payload={"comment": 'Fine, "as agreed",\nwith a new line', "score": 4.5},
        )
        events.append(event)
        prev = event.hash
    async with sessions() as session, session.begin():
        session.add_all(AuditEventRow(**event.model_dump()) for event in events)
    return events


async def _pieces(
    sessions: async_sessionmaker[AsyncSession], where: ExportFilter, as_format: ExportFormat
) -> list[str]:
    return [piece async for piece in await export_text(sessions, where, as_format, chunk=2)]


async def test_a_csv_export_has_a_header_and_a_row_per_event_chunk_by_chunk(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    events = await _log(sessions, 5)
    where = ExportFilter(change_id=events[0].change_id)

    pieces = await _pieces(sessions, where, ExportFormat.CSV)

    assert len(pieces) == 4  # the header, then chunks of 2, 2 and 1
    header, *rows = list(csv.reader(io.StringIO("".join(pieces))))
    assert header == list(EXPORT_COLUMNS)
    assert [row[:2] for row in rows] == [[events[0].change_id, str(n)] for n in range(1, 6)]
    for row, event in zip(rows, events, strict=True):
        cells = dict(zip(header, row, strict=True))
        assert json.loads(cells["payload"]) == event.payload
        assert (
            AuditEvent.model_validate(
                {**cells, "payload": event.payload, "role": cells["role"] or None}
            )
            == event
        )
    assert rows[1][header.index("role")] == ""


async def test_a_json_export_is_an_array_of_the_events(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    events = await _log(sessions, 4)
    where = ExportFilter(change_id=events[0].change_id)

    pieces = await _pieces(sessions, where, ExportFormat.JSON)

    assert len(pieces) == 4  # the opening bracket, two chunks, the closing bracket
    exported = json.loads("".join(pieces))
    assert [AuditEvent.model_validate(item) for item in exported] == events


async def test_an_export_that_matches_nothing_is_empty(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    where = ExportFilter(service=f"no such service {uuid.uuid4().hex}")

    as_json = "".join(await _pieces(sessions, where, ExportFormat.JSON))
    as_csv = "".join(await _pieces(sessions, where, ExportFormat.CSV))

    assert json.loads(as_json) == []
    assert as_csv == ",".join(EXPORT_COLUMNS) + "\r\n"
