"""The read model of changes: one row per change, and its gates, submissions,
sign-offs, measurements, handoffs, conditions, and who it waits on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel, col

from models.tables.columns import json_column, utc_column


class ChangeRow(SQLModel, table=True):
    __tablename__ = "change"
    id: str = Field(primary_key=True, max_length=64)
    workflow_id: str = Field(max_length=100)
    title: str
    service: str = Field(index=True)
    playbook: str = Field(max_length=64)
    playbook_version: int
    iteration: int
    stage: str = Field(index=True, max_length=64)
    gate_id: str = Field(max_length=100)
    gate_status: str = Field(max_length=32)
    status: str = Field(index=True, max_length=32)
    proposer: str = Field(max_length=64)
    waiting_kind: str = Field(max_length=32)
    waiting_since: datetime | None = utc_column(nullable=True)
    waiting_reason: str
    waiting_roles: str = Field(
        default="",
        sa_column_kwargs={"server_default": ""},
        description="The roles of the change's change_waiting rows, each between spaces "
        "(throughline.store.waiting.roles_text): `waiting_on` filters read it on the row.",
    )
    due_at: datetime | None = utc_column(nullable=True, index=True)
    overdue_since: datetime | None = utc_column(nullable=True, index=True)
    calendar: str | None = Field(default=None, max_length=16)
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
    closed_at: datetime | None = utc_column(nullable=True)
    last_seq: int
    last_hash: str = Field(max_length=64)
    hash_scheme: str = Field(
        default="sorted-json",
        max_length=16,
        sa_column_kwargs={"server_default": "sorted-json"},
        description="How the audit events are written out to be hashed (models.audit.HashScheme).",
    )
    snapshot: dict[str, Any] = json_column()


Index(
    "ix_change_created_at_id",
    col(ChangeRow.created_at).desc(),
    col(ChangeRow.id),
    postgresql_include=["waiting_roles", "overdue_since", "due_at"],
)
"""Newest-first lists, the default order's second part, and their keyset pages walk this
in its order. Oldest-first ones walk it backwards, sorting only the rare ties of a
creation time by id. On PostgreSQL it also holds what the filters most often read, so a
page deep by offset skips its rows in the index alone."""


class ChangeWaiting(SQLModel, table=True):
    """Who a change waits on right now: one row per person and role. Feeds the inbox."""

    __tablename__ = "change_waiting"
    # A person's inbox is ordered from their index alone on PostgreSQL; only its page's
    # changes are read.
    __table_args__ = (
        Index("ix_change_waiting_role_change_id", "role", "change_id"),
        Index(
            "ix_change_waiting_person_id",
            "person_id",
            postgresql_include=["change_id", "role", "kind", "since", "due_at", "overdue_at"],
        ),
    )

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    person_id: str = Field(primary_key=True, max_length=64)
    role: str = Field(primary_key=True, max_length=32, index=True)
    kind: str = Field(max_length=32)
    since: datetime = utc_column()
    due_at: datetime | None = utc_column(nullable=True)
    overdue_at: datetime | None = utc_column(nullable=True)


class ChangePerson(SQLModel, table=True):
    """Everyone a change names, and its proposer: whose changes to look at again when
    the directory changes for a person."""

    __tablename__ = "change_person"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    person_id: str = Field(primary_key=True, max_length=64, index=True)


class GateRow(SQLModel, table=True):
    __tablename__ = "gate"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    gate_id: str = Field(primary_key=True, max_length=100)
    iteration: int
    stage: str = Field(max_length=64)
    name: str
    status: str = Field(max_length=32)
    revision: int | None = None
    opened_at: datetime = utc_column()
    closed_at: datetime | None = utc_column(nullable=True)


class SubmissionRow(SQLModel, table=True):
    __tablename__ = "submission"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    revision: int = Field(primary_key=True)
    gate_id: str = Field(max_length=100)
    stage: str = Field(max_length=64)
    summary: str
    submitted_by: str = Field(max_length=64)
    submitted_at: datetime = utc_column()
    evidence: list[dict[str, Any]] = json_column()


class SignOffRow(SQLModel, table=True):
    __tablename__ = "sign_off"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    seq: int = Field(primary_key=True)
    gate_id: str = Field(max_length=100)
    revision: int
    person_id: str = Field(max_length=64, index=True)
    acting_for: str | None = Field(default=None, max_length=64)
    role: str = Field(max_length=32)
    decision: str = Field(max_length=32)
    comment: str | None = None
    reject_to: str | None = Field(default=None, max_length=64)
    at: datetime = utc_column()
    counts: bool
    not_counted_reason: str | None = None
    condition_ids: list[str] = json_column(empty_list=True)
    lapsed_at_revision: int | None = None


class MeasurementRow(SQLModel, table=True):
    __tablename__ = "measurement"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    iteration: int = Field(primary_key=True)
    metric: str = Field(primary_key=True, max_length=200)
    value: float
    note: str | None = None
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = utc_column()


class HandoffRow(SQLModel, table=True):
    __tablename__ = "handoff"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    seq: int = Field(primary_key=True)
    kind: str = Field(default="flow", max_length=32)
    from_party: str
    to_party: str
    roles: list[str] = json_column()
    reason: str
    opened_at: datetime = utc_column()
    closed_at: datetime | None = utc_column(nullable=True)
    gate_id: str | None = Field(default=None, max_length=100)
    about: str | None = Field(default=None, max_length=100)
    due_at: datetime | None = utc_column(nullable=True)
    reminded_at: datetime | None = utc_column(nullable=True)
    overdue_at: datetime | None = utc_column(nullable=True)
    escalated_at: datetime | None = utc_column(nullable=True)


class ConditionRow(SQLModel, table=True):
    """Conditions raised by amber approvals; feeds the owner's inbox."""

    __tablename__ = "gate_condition"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    condition_id: str = Field(primary_key=True, max_length=64)
    gate_id: str = Field(max_length=100)
    gate_name: str
    description: str
    owner: str = Field(max_length=64, index=True)
    due: date
    status: str = Field(max_length=32)
    binding: bool
    raised_by: str = Field(max_length=64)
    raised_role: str = Field(max_length=32)
    raised_at: datetime = utc_column()
    closed_by: str | None = Field(default=None, max_length=64)
    closed_at: datetime | None = utc_column(nullable=True)
    due_at: datetime | None = utc_column(nullable=True)
    reminded_at: datetime | None = utc_column(nullable=True)
    overdue_at: datetime | None = utc_column(nullable=True)
    escalated_at: datetime | None = utc_column(nullable=True)
