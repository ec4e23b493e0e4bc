"""Column types the tables share: timestamps stored in UTC that always come back
timezone-aware, and JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, TypeDecorator, text
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def json_column(*, empty_list: bool = False) -> Any:
    """A JSON column; with empty_list, rows written before it existed hold []."""
    if empty_list:
        column = Column(JSON, nullable=False, server_default=text("'[]'"))
        return Field(default_factory=list, sa_column=column)
    return Field(sa_column=Column(JSON, nullable=False))


class ChainedEvent(SQLModel):
    """The columns of an event in a hash-chained log, after the log's own key: the
    change audit log and the directory's log hold the same fields."""

    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    actor: str = Field(max_length=64)
    role: str | None = Field(default=None, max_length=32)
    kind: str = Field(max_length=64)
    payload: dict[str, Any] = Field(sa_type=JSON, nullable=False)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
