"""Answers to keyed commands, kept for the life of what they changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models.directory.commands import DirectoryReceipt
from models.results import Receipt
from models.tables import CommandReceiptRow
from throughline.store.sql import insert_missing


async def keep(
    session: AsyncSession,
    log_id: str,
    receipts: Sequence[Receipt | DirectoryReceipt],
    at: datetime,
) -> None:
    """Store each receipt once; a retried or replayed projection changes nothing."""
    rows = [
        {
            "log_id": log_id,
            "key": r.key,
            "fingerprint": r.fingerprint,
            "seq": r.result.seq,
            "result": r.result.model_dump(mode="json"),
            "recorded_at": at,
        }
        for r in receipts
    ]
    await insert_missing(session, CommandReceiptRow, rows)


async def find(session: AsyncSession, log_id: str, key: str) -> CommandReceiptRow | None:
    return await session.get(CommandReceiptRow, (log_id, key))
