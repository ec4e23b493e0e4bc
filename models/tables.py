"""SQLModel tables: the directory, the read model and the audit log.

Timestamps are stored in UTC and always come back timezone-aware, whichever database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, TypeDecorator
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


def _at(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _json() -> Any:
    return Field(sa_column=Column(JSON, nullable=False))


class Person(SQLModel, table=True):
    """A projection of the directory workflow, like every directory table."""

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = _at()
    tokens_valid_after: datetime | None = _at(nullable=True)


class RoleGrant(SQLModel, table=True):
    __tablename__ = "role_grant"
    __table_args__ = (Index("ix_role_grant_person_role", "person_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", max_length=64)
    role: str = Field(max_length=32)
    granted_at: datetime = _at()
    granted_by: str | None = Field(default=None, max_length=64)
    revoked_at: datetime | None = _at(nullable=True)
    revoked_by: str | None = Field(default=None, max_length=64)


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
    waiting_since: datetime | None = _at(nullable=True)
    waiting_reason: str
    created_at: datetime = _at(index=True)
    updated_at: datetime = _at()
    closed_at: datetime | None = _at(nullable=True)
    last_seq: int
    last_hash: str = Field(max_length=64)
    snapshot: dict[str, Any] = _json()


class ChangeWaiting(SQLModel, table=True):
    """Who a change waits on right now: one row per person and role. Feeds the inbox."""

    __tablename__ = "change_waiting"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    person_id: str = Field(primary_key=True, max_length=64, index=True)
    role: str = Field(primary_key=True, max_length=32, index=True)
    kind: str = Field(max_length=32)
    since: datetime = _at()


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
    opened_at: datetime = _at()
    closed_at: datetime | None = _at(nullable=True)


class SubmissionRow(SQLModel, table=True):
    __tablename__ = "submission"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    revision: int = Field(primary_key=True)
    gate_id: str = Field(max_length=100)
    stage: str = Field(max_length=64)
    summary: str
    submitted_by: str = Field(max_length=64)
    submitted_at: datetime = _at()
    evidence: list[dict[str, Any]] = _json()


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
    at: datetime = _at()
    counts: bool
    not_counted_reason: str | None = None


class MeasurementRow(SQLModel, table=True):
    __tablename__ = "measurement"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    iteration: int = Field(primary_key=True)
    metric: str = Field(primary_key=True, max_length=200)
    value: float
    note: str | None = None
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = _at()


class HandoffRow(SQLModel, table=True):
    __tablename__ = "handoff"

    change_id: str = Field(primary_key=True, foreign_key="change.id", max_length=64)
    seq: int = Field(primary_key=True)
    kind: str = Field(default="flow", max_length=32)
    from_party: str
    to_party: str
    roles: list[str] = _json()
    reason: str
    opened_at: datetime = _at()
    closed_at: datetime | None = _at(nullable=True)


class AuditEventRow(SQLModel, table=True):
    """Append-only. Nothing updates or deletes these rows; verification detects any edit."""

    __tablename__ = "audit_event"

    change_id: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)
    at: datetime = _at()
    actor: str = Field(max_length=64)
    role: str | None = Field(default=None, max_length=32)
    kind: str = Field(max_length=64)
    payload: dict[str, Any] = _json()
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class CommandReceiptRow(SQLModel, table=True):
    """What a keyed command answered, kept for the life of its change (or directory), so a
    retry with the same Idempotency-Key gets the same answer however much happened since.
    Written by the projection in the transaction that records the command's events."""

    __tablename__ = "command_receipt"

    log_id: str = Field(primary_key=True, max_length=100)
    key: str = Field(primary_key=True, max_length=400)
    fingerprint: str = Field(max_length=64)
    seq: int
    result: dict[str, Any] = _json()
    recorded_at: datetime = _at()


class DirectoryEventRow(SQLModel, table=True):
    """Append-only, chained like the audit log: every change to the directory."""

    __tablename__ = "directory_event"
    __table_args__ = (
        Index("ix_directory_event_subject", "subject"),
        Index("ix_directory_event_other", "other"),
    )

    log_id: str = Field(primary_key=True, max_length=100)
    seq: int = Field(primary_key=True)
    at: datetime = _at()
    actor: str = Field(max_length=64)
    role: str | None = Field(default=None, max_length=32)
    kind: str = Field(max_length=64)
    payload: dict[str, Any] = _json()
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    subject: str | None = Field(default=None, max_length=64, description="The person it is about.")
    other: str | None = Field(default=None, max_length=64, description="A second person, if any.")


class DirectoryLogRow(SQLModel, table=True):
    """Where the directory's chain has got to in SQL: the projection's own bookmark."""

    __tablename__ = "directory_log"

    log_id: str = Field(primary_key=True, max_length=100)
    last_seq: int
    last_hash: str = Field(max_length=64)
    updated_at: datetime = _at()


class TokenRevocationRow(SQLModel, table=True):
    __tablename__ = "token_revocation"

    token_id: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(max_length=64, index=True)
    revoked_at: datetime = _at()
    expires_at: datetime = _at()


class IdempotentRequest(SQLModel, table=True):
    """Responses to POSTs that do not go through a workflow, kept for their retries."""

    __tablename__ = "idempotent_request"

    caller: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=200)
    fingerprint: str = Field(max_length=64)
    response: dict[str, Any] = _json()
    created_at: datetime = _at()


class DelegationRow(SQLModel, table=True):
    """A role holder lets someone act for them in one role, for a bounded period."""

    __tablename__ = "delegation"
    __table_args__ = (Index("ix_delegation_delegate_role", "delegate", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    delegator: str = Field(foreign_key="person.id", max_length=64, index=True)
    delegate: str = Field(foreign_key="person.id", max_length=64)
    role: str = Field(max_length=32)
    change_id: str | None = Field(default=None, max_length=64)
    starts_at: datetime = _at()
    ends_at: datetime = _at()
    reason: str | None = None
    created_at: datetime = _at()
    revoked_at: datetime | None = _at(nullable=True)
    revoked_by: str | None = Field(default=None, max_length=64)


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
    raised_at: datetime = _at()
    closed_by: str | None = Field(default=None, max_length=64)
    closed_at: datetime | None = _at(nullable=True)
