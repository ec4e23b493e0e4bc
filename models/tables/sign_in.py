"""One-time sign-in links for the embedded stack: only a fingerprint of each link is kept,
and a link is spent by the first sign-in that uses it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.tables.columns import utc_column


class SignInLink(SQLModel, table=True):
    """The one table that is not a projection of a workflow: it records no decision."""

    __tablename__ = "sign_in_link"

    fingerprint: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", max_length=64)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)
