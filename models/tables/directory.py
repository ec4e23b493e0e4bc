"""The directory's tables: a projection of the directory workflow's events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.tables.columns import ChainedEvent, utc_column


class Person(SQLModel, table=True):
    """A projection of the directory workflow, like every directory table."""

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = utc_column()
    tokens_valid_after: datetime | None = utc_column(nullable=True)


class RoleGrant(SQLModel, table=True):
    __tablename__ = "role_grant"
    __table_args__ = (Index("ix_role_grant_person_role", "person_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", max_length=64)
    role: str = Field(max_length=32)
    granted_at: datetime = utc_column()
    granted_by: str | None = Field(default=None, max_length=64)
    revoked_at: datetime | None = utc_column(nullable=True)
    revoked_by: str | None = Field(default=None, max_length=64)


class DelegationRow(SQLModel, table=True):
    """A role holder lets someone act for them in one role, for a bounded period."""

    __tablename__ = "delegation"
    __table_args__ = (Index("ix_delegation_delegate_role", "delegate", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    delegator: str = Field(foreign_key="person.id", max_length=64, index=True)
    delegate: str = Field(foreign_key="person.id", max_length=64)
    role: str = Field(max_length=32)
    change_id: str | None = Field(default=None, max_length=64)
    starts_at: datetime = utc_column()
    ends_at: datetime = utc_column()
    reason: str | None = None
    created_at: datetime = utc_column()
    revoked_at: datetime | None = utc_column(nullable=True)
    revoked_by: str | None = Field(default=None, max_length=64)


class DirectoryEventRow(ChainedEvent, table=True):
    """Append-only, chained like the audit log: every change to the directory."""

    __tablename__ = "directory_event"
    __table_args__ = (
        Index("ix_directory_event_subject", "subject"),
        Index("ix_directory_event_other", "other"),
    )

    log_id: str = Field(primary_key=True, max_length=100)
    seq: int = Field(primary_key=True)
    subject: str | None = Field(default=None, max_length=64, description="The person it is about.")
    other: str | None = Field(default=None, max_length=64, description="A second person, if any.")


class DirectoryLogRow(SQLModel, table=True):
    """Where the directory's chain has got to in SQL: the projection's own bookmark."""

    __tablename__ = "directory_log"

    log_id: str = Field(primary_key=True, max_length=100)
    last_seq: int
    last_hash: str = Field(max_length=64)
    updated_at: datetime = utc_column()


class TokenRevocationRow(SQLModel, table=True):
    __tablename__ = "token_revocation"

    token_id: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(max_length=64, index=True)
    revoked_at: datetime = utc_column()
    expires_at: datetime = utc_column()
