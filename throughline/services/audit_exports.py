"""Exports of audit events for auditors, as CSV or a JSON array, written a chunk at a
time as the store reads them: an export of any size takes the memory of one chunk.

Each chunk is read in a session of its own, so a slow reader of the stream holds no
database connection while it reads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.read.audit_pages import EXPORT_COLUMNS, ExportFilter, ExportFormat, export_row
from throughline.store import chain_reads


async def export_text(
    sessions: async_sessionmaker[AsyncSession],
    where: ExportFilter,
    as_format: ExportFormat,
    chunk: int = chain_reads.CHUNK,
) -> AsyncIterator[str]:
    """The export's text in pieces. The first chunk is read before anything is sent, so
    a store that cannot answer gives an error response, not an export that looks empty."""
    async with sessions() as session:
        first = await chain_reads.export_chunk(session, where, None, chunk)
    return _pieces(sessions, where, as_format, chunk, first)


async def _pieces(
    sessions: async_sessionmaker[AsyncSession],
    where: ExportFilter,
    as_format: ExportFormat,
    chunk: int,
    events: list[AuditEvent],
) -> AsyncIterator[str]:
    """A header, then one piece per chunk of events, reading each next chunk as it goes.
    A JSON export cut short by a failure is left without its closing bracket, so it does
    not parse: a reader cannot take it for the whole."""
    csv_format = as_format is ExportFormat.CSV
    yield _csv_text([list(EXPORT_COLUMNS)]) if csv_format else "["
    wrote = False
    while True:
        if events:
            yield _csv_rows(events) if csv_format else _json_elements(events, first=not wrote)
            wrote = True
        if len(events) < chunk:
            break
        after = (events[-1].change_id, events[-1].seq)
        async with sessions() as session:
            events = await chain_reads.export_chunk(session, where, after, chunk)
    if not csv_format:
        yield "\n]\n" if wrote else "]\n"


def _csv_rows(events: list[AuditEvent]) -> str:
    return _csv_text([export_row(event) for event in events])


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _json_elements(events: list[AuditEvent], *, first: bool) -> str:
    """Elements of the array, each on a line of its own; a comma before every one but
    the first of the export."""
    elements = ",\n".join(event.model_dump_json() for event in events)
    return ("\n" if first else ",\n") + elements
