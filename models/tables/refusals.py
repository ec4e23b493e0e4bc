"""The refusals log: one hash-chained, append-only log per change of commands refused by
a rule. Only `repeats` and `last_at` change after a row is written, and neither is
hashed: they count the same refusal coming again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from models.tables.columns import ChainedEvent, utc_column


class RefusalRow(ChainedEvent, table=True):
    __tablename__ = "refusal_event"
    __table_args__ = (UniqueConstraint("change_id", "repeat_key"),)

    change_id: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)
    repeat_key: str = Field(max_length=64)
    repeats: int = 0
    last_at: datetime = utc_column()
