"""Signing in to the pages: one-time links for the embedded stack (only a fingerprint of
each is kept, and the first sign-in that uses one spends it), and the page sessions
people signed out of."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.tables.columns import utc_column


class SignInLink(SQLModel, table=True):
    """Not a projection of a workflow, like EndedPageSession: it records no decision."""

    __tablename__ = "sign_in_link"

    fingerprint: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", max_length=64)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)


class EndedPageSession(SQLModel, table=True):
    """A page session someone signed out of: its cookie is refused from then on, even a
    copy. Kept only as long as a session can live."""

    __tablename__ = "ended_page_session"

    session_id: str = Field(primary_key=True, max_length=64)
    ended_at: datetime = utc_column(index=True)
