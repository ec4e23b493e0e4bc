"""The live outcome data tables: the sources a success measure is fed from, and the
points they gave. Unlike the read model, these are no projection of a workflow: they
are the data itself, kept here only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from models.tables.columns import UTCDateTime, utc_column


class MeasureSourceRow(SQLModel, table=True):
    """One source of one measure: pushed with a key of its own (kept as its sha256), or
    pulled from a Prometheus query API on a schedule."""

    __tablename__ = "measure_source"

    id: str = Field(primary_key=True, max_length=40)
    change_id: str = Field(max_length=64, index=True)
    metric: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    key_sha256: str | None = Field(default=None, max_length=64)
    url: str | None = Field(default=None, max_length=2000)
    query: str | None = Field(default=None, max_length=4000)
    interval_seconds: int | None = None
    created_by: str = Field(max_length=64)
    created_at: datetime = utc_column()
    active: bool = True
    last_polled_at: datetime | None = utc_column(nullable=True)
    last_error: str | None = Field(default=None, max_length=2000)
    last_error_at: datetime | None = utc_column(nullable=True)


class MeasurePointRow(SQLModel, table=True):
    """One observation. Its key is the change, the measure, the moment and the origin, so
    sending the same point again stores nothing new."""

    __tablename__ = "measure_point"

    change_id: str = Field(primary_key=True, max_length=64)
    metric: str = Field(primary_key=True, max_length=200)
    observed_at: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    origin: str = Field(primary_key=True, max_length=16)
    value: float
    source_id: str | None = Field(
        default=None, foreign_key="measure_source.id", max_length=40, index=True
    )
    received_at: datetime = utc_column()
