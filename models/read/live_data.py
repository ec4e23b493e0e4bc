"""Live outcome data as people read it: each success measure with its sources, its recent
points, its latest value against the target, and when it was first observed."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.base import Strict
from models.intake import SuccessMeasure
from models.live_data import MeasurePoint, SourceKind

SERIES_LIMIT = 100
"""Points a measure shows by default, newest first."""
MOST_POINTS_SHOWN = 1000
PAGE_POINTS = 5
"""Points a change's page shows for each measure."""


class MeasureSource(Strict):
    """Where a measure's points come from; a push source's key is never shown again."""

    id: str
    change_id: str
    metric: str
    kind: SourceKind
    url: str | None = Field(description="For a Prometheus source: its base URL.")
    query: str | None = Field(description="For a Prometheus source: its PromQL expression.")
    interval_seconds: int | None = Field(description="For a Prometheus source: how often.")
    created_by: str
    created_at: datetime
    active: bool
    last_polled_at: datetime | None = Field(description="The last poll that gave a number.")
    last_error: str | None = Field(description="Why the last poll that failed failed.")
    last_error_at: datetime | None


class SourceCreated(Strict):
    source: MeasureSource
    key: str | None = Field(
        description="For a push source: its key, shown this once. Send it as "
        "`Authorization: Bearer <key>` to POST /sources/{id}/points."
    )


class LiveMeasure(Strict):
    metric: str
    unit: str
    baseline: float
    target: float
    higher_is_better: bool
    sources: list[MeasureSource]
    points: list[MeasurePoint] = Field(description="The newest points, newest first.")
    latest: MeasurePoint | None = Field(description="The newest point of all, however old.")
    met: bool | None = Field(description="Whether the latest value meets the target.")
    first_observed_at: datetime | None


class LiveMeasures(Strict):
    change_id: str
    measures: list[LiveMeasure]


class PointsStored(Strict):
    """What a push or an upload did: points already stored at the same moment are kept."""

    change_id: str
    metric: str
    received: int
    stored: int = Field(description="How many were new; a repeat of a stored point is not.")
    latest: MeasurePoint | None
    met: bool | None


def live_measure(
    measure: SuccessMeasure,
    sources: list[MeasureSource],
    points: list[MeasurePoint],
    latest: MeasurePoint | None,
    first_observed_at: datetime | None,
) -> LiveMeasure:
    """One measure with its data, judged by its latest value."""
    return LiveMeasure(
        metric=measure.metric,
        unit=measure.unit,
        baseline=measure.baseline,
        target=measure.target,
        higher_is_better=measure.higher_is_better,
        sources=sources,
        points=points,
        latest=latest,
        met=measure.is_met_by(latest.value) if latest is not None else None,
        first_observed_at=first_observed_at,
    )
