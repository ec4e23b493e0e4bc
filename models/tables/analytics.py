"""Facts for handoff analytics, written with each projection: how long each handoff
waited, in hours and in working days, and how long each cycle took from intent to
outcome. Durations are worked out in Python, so the reports' SQL is the same on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.tables.columns import utc_column


class HandoffFact(SQLModel, table=True):
    """One row per handoff of the main line and role it went to."""

    __tablename__ = "handoff_fact"
    __table_args__ = (Index("ix_handoff_fact_service_opened", "service", "opened_at"),)

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    seq: int = Field(primary_key=True)
    role: str = Field(primary_key=True, max_length=32)
    service: str = Field(max_length=200)
    stage: str | None = Field(default=None, max_length=64)
    gate: str | None = Field(default=None, max_length=200)
    opened_at: datetime = utc_column(index=True)
    closed_at: datetime | None = utc_column(nullable=True)
    waited_hours: float | None = None
    waited_working_days: float | None = None
    hours_bucket: int | None = Field(default=None, description="The wait in 6-minute steps.")
    days_bucket: int | None = Field(default=None, description="In 0.01 working-day steps.")
    overdue: bool = False
    per_handoff: bool = Field(
        default=True,
        description="True on one row of each handoff, so per-gate figures count it once.",
    )


class CycleFact(SQLModel, table=True):
    """One row per decided cycle: from its first gate opening to the act decision."""

    __tablename__ = "cycle_fact"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    iteration: int = Field(primary_key=True)
    service: str = Field(max_length=200, index=True)
    outcome: str = Field(max_length=32)
    started_at: datetime = utc_column()
    decided_at: datetime = utc_column(index=True)
    hours: float
    working_days: float
    hours_bucket: int
    days_bucket: int
