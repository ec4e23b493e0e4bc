"""Published playbook versions: a projection of the directory's playbook_published events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.tables.columns import json_column, utc_column


class PlaybookVersionRow(SQLModel, table=True):
    """One published version, as immutable as the event that published it."""

    __tablename__ = "playbook_version"

    name: str = Field(primary_key=True, max_length=64)
    version: int = Field(primary_key=True)
    document: dict[str, Any] = json_column()
    fingerprint: str = Field(max_length=64)
    published_by: str = Field(max_length=64)
    published_at: datetime = utc_column()
    directory_seq: int = Field(description="The directory event that published it.")
