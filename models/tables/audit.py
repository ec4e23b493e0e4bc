"""The append-only audit log of changes, and the answers of keyed commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.tables.columns import ChainedEvent, json_column, utc_column


class AuditEventRow(ChainedEvent, table=True):
    """Append-only. Nothing updates or deletes these rows; verification detects any edit."""

    __tablename__ = "audit_event"

    change_id: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)


class CommandReceiptRow(SQLModel, table=True):
    """What a keyed command answered, kept for the life of its change (or directory), so a
    retry with the same Idempotency-Key gets the same answer however much happened since.
    Written by the projection in the transaction that records the command's events."""

    __tablename__ = "command_receipt"

    log_id: str = Field(primary_key=True, max_length=100)
    key: str = Field(primary_key=True, max_length=400)
    fingerprint: str = Field(max_length=64)
    seq: int
    result: dict[str, Any] = json_column()
    recorded_at: datetime = utc_column()
