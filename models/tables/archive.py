"""The archive of closed Temporal histories: one row per run, its history as gzipped JSON
(exactly what `WorkflowHistory.to_json()` gives), kept after Temporal forgets the run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables.columns import utc_column


class HistoryArchiveRow(SQLModel, table=True):
    __tablename__ = "history_archive"
    __table_args__ = (UniqueConstraint("workflow_id", "run_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workflow_id: str = Field(max_length=200)
    run_id: str = Field(max_length=64)
    change_id: str | None = Field(default=None, max_length=64, index=True)
    workflow_type: str = Field(max_length=100)
    closed_at: datetime = utc_column(index=True)
    archived_at: datetime = utc_column()
    event_count: int
    sha256: str = Field(max_length=64)
    history: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
