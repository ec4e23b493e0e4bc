"""Checking a chained log without holding it: the store reads it in keyset chunks and a
ChainChecker keeps only the last hash, so the memory a check takes does not grow with
the log, and the verdict is the one models.audit.verify_chain gives the whole log."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import ChainAnchor, ChainVerdict, HashScheme
from models.audit_stream import ChainChecker
from models.tables import AuditEventRow, RefusalRow
from throughline.store import chain_reads


async def stream_verdict(
    sessions: async_sessionmaker[AsyncSession],
    table: type[AuditEventRow] | type[RefusalRow],
    change_id: str,
    anchor: ChainAnchor | None = None,
    *,
    scheme: HashScheme = HashScheme.SORTED_JSON,
    chunk: int = chain_reads.CHUNK,
) -> ChainVerdict:
    """The verdict on one change's log in `table`, read `chunk` events at a time and
    no further than its first broken link."""
    checker = ChainChecker(change_id, anchor, scheme=scheme)
    after = 0
    async with sessions() as session:
        while not checker.settled:
            links = await chain_reads.links(session, table, change_id, after, chunk)
            checker.feed(links)
            if len(links) < chunk:
                break
            after = links[-1].seq
    return checker.verdict()
