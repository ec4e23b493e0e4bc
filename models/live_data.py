"""Live outcome data: the sources a success measure is fed from, the points they give,
and the rules over them: the latest value, crossing a target, and how long a measure
has been observed. Reading a Prometheus answer and a CSV file is in
models/live_data_parsing.py; the views the API and pages show are in
models/read/live_data.py.

Pure: the service, the store and the poll activity call these with what they read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AwareDatetime, Field, HttpUrl, UrlConstraints, field_validator

from models.base import Number, Strict, Text, WholeNumber
from models.change import ChangeState
from models.errors import InvalidRequest, NotEligible
from models.intake import SuccessMeasure
from models.notifications import Notice, Topic

MAX_POINTS = 5000
"""The most points one push or upload may carry."""
FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far ahead of our clock a point may be stamped: clocks differ a little, no more."""
SOURCE_KEY_PREFIX = "tlm_"


class SourceKind(StrEnum):
    PUSH = "push"
    PROMETHEUS = "prometheus"


class PointOrigin(StrEnum):
    PUSH = "push"
    CSV = "csv"
    PROMETHEUS = "prometheus"


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


class PointIn(Strict):
    """One observation of a measure: when it was true, and the value."""

    observed_at: AwareDatetime = Field(description="When the value held, with a time zone.")
    value: Number

    @field_validator("observed_at")
    @classmethod
    def _in_utc_since_1970(cls, moment: datetime) -> datetime:
        try:
            utc = moment.astimezone(UTC)
        except OverflowError:
            raise ValueError("is out of range") from None
        if utc < EARLIEST:
            raise ValueError("must be in 1970 or later")
        return utc


PointBatch = Annotated[list[PointIn], Field(min_length=1, max_length=MAX_POINTS)]


class PushSourceRequest(Strict):
    """A source a service posts points to, with a key of its own."""

    kind: Literal[SourceKind.PUSH]


class PrometheusSourceRequest(Strict):
    """A source polled on a schedule: a Prometheus-compatible query API and a PromQL
    expression that gives one number."""

    kind: Literal[SourceKind.PROMETHEUS]
    url: Annotated[HttpUrl, UrlConstraints(max_length=1900)] = Field(
        description="The base URL; /api/v1/query is added to it."
    )
    query: Text = Field(description="A PromQL expression returning one series or a scalar.")
    interval_seconds: WholeNumber = Field(
        default=60, ge=1, le=86_400, description="How often to poll; at least 15 in production."
    )

    @field_validator("url")
    @classmethod
    def _no_credentials(cls, url: HttpUrl) -> HttpUrl:
        """A URL is shown to everyone who reads the change, so it carries no secrets."""
        if url.username or url.password:
            raise ValueError("must not carry a user name or password")
        return url


SourceRequest = Annotated[PushSourceRequest | PrometheusSourceRequest, Field(discriminator="kind")]


class MeasurePoint(Strict):
    """A stored point: when it held, its value, where it came from and when it came."""

    observed_at: datetime
    value: float
    origin: PointOrigin
    source_id: str | None = Field(default=None, description="None for a CSV upload.")
    received_at: datetime


class Crossing(StrEnum):
    MET = "met"
    """The latest value now meets the target, and the one before did not."""
    MISSED = "missed"
    """The latest value no longer meets the target."""


class MeasurePoll(Strict):
    """What a source's schedule starts its poll with: the source, read afresh each time."""

    source_id: str


def poll_schedule_id(source_id: str) -> str:
    """The Temporal Schedule that polls one source."""
    return f"measure-poll-{source_id}"


def host_allowed(url: str, allowed: Sequence[str]) -> bool:
    """Whether a source's URL names a host the settings allow; no list allows any."""
    if not allowed:
        return True
    host = (urlsplit(url).hostname or "").lower()
    return host in {name.strip().lower() for name in allowed}


def may_feed(state: ChangeState, person: str) -> None:
    """The change's team (its proposer and named digital people) and its service owners
    bind sources and upload points; nobody else."""
    if person in state.team_members() or person in state.intake.people.service_owner:
        return
    raise NotEligible(
        "only the change's proposer, its named digital people or its service owner may "
        f"feed its measures; {person} is none of them"
    )


def measure_of(state: ChangeState, metric: str) -> SuccessMeasure:
    """The success measure a metric names, or a refusal that lists the ones there are."""
    found = state.intake.measure(metric)
    if found is None:
        known = ", ".join(m.metric for m in state.intake.success_measures)
        raise InvalidRequest(f"{metric!r} is not a success measure of this change: {known}")
    return found


def check_points(points: Sequence[PointIn], now: datetime) -> list[PointIn]:
    """The points to store: none stamped in the future, at most one per moment (the
    first given wins, as a repeat of a stored point does)."""
    if len(points) > MAX_POINTS:
        raise InvalidRequest(f"send at most {MAX_POINTS} points at a time; this has {len(points)}")
    ahead = [i for i, p in enumerate(points) if p.observed_at > now + FUTURE_TOLERANCE]
    if ahead:
        first = points[ahead[0]].observed_at.isoformat()
        raise InvalidRequest(
            f"point {ahead[0] + 1} is observed in the future ({first}); "
            f"{len(ahead)} point(s) are ahead of now"
        )
    seen: dict[datetime, PointIn] = {}
    for point in points:
        seen.setdefault(point.observed_at, point)
    return list(seen.values())


def latest_of(points: Iterable[MeasurePoint | None]) -> MeasurePoint | None:
    """The newest point: the latest observed, then the latest received, then by origin,
    so every reader picks the same one."""
    present = [p for p in points if p is not None]
    if not present:
        return None
    return max(present, key=lambda p: (p.observed_at, p.received_at, p.origin.value))


def crossing(
    measure: SuccessMeasure, before: MeasurePoint | None, after: MeasurePoint | None
) -> Crossing | None:
    """Whether the latest value crossed the target: met where it was not (no value at
    all counts as not met), or no longer met where it was."""
    if after is None or after == before:
        return None
    was_met = before is not None and measure.is_met_by(before.value)
    now_met = measure.is_met_by(after.value)
    if now_met and not was_met:
        return Crossing.MET
    if was_met and not now_met:
        return Crossing.MISSED
    return None


def crossing_key(
    change_id: str, metric: str, crossed: Crossing, before: MeasurePoint | None
) -> str:
    """One crossing's identity: the measure, the direction and the point it crossed from.
    Two writers who see the same latest point and cross the same way make one crossing."""
    since = before.observed_at.isoformat() if before is not None else "first"
    return f"{change_id}|{metric}|{crossed.value}|{since}"


def crossing_notice(
    state: ChangeState,
    measure: SuccessMeasure,
    crossed: Crossing,
    points: tuple[MeasurePoint | None, MeasurePoint],
) -> Notice:
    """The team's news of a crossing, once per crossing: the key names it."""
    before, after = points
    value = f"{after.value:g} {measure.unit}"
    target = f"the target of {measure.target:g} {measure.unit}"
    if crossed is Crossing.MET:
        topic, ask = Topic.TARGET_MET, f"{measure.metric!r} now meets {target}: it is {value}"
    else:
        topic, ask = Topic.TARGET_MISSED, f"{measure.metric!r} no longer meets {target}: {value}"
    return Notice(
        log="measure",
        change_id=state.change_id,
        seq=0,
        event_kind=f"measure_{crossed.value}",
        topic=topic,
        recipients=sorted(set(state.team_members())),
        title=state.intake.title,
        ask=f"{ask}, observed {after.observed_at:%d %B %Y at %H:%M} UTC",
        at=after.received_at,
        key=crossing_key(state.change_id, measure.metric, crossed, before),
    )


def observation_shortfalls(
    metrics: Sequence[str],
    first_observed: Mapping[str, datetime],
    min_observation_days: int | None,
    now: datetime,
) -> list[str]:
    """Each measure observed for less time than the gate needs, in plain words; nothing
    when the gate needs no observation period."""
    if not min_observation_days:
        return []
    needs = f"the gate needs {min_observation_days}"
    shortfalls = []
    for metric in metrics:
        first = first_observed.get(metric)
        if first is None:
            shortfalls.append(f"{metric!r} has not been observed yet; {needs} days")
            continue
        days = max(0, (now - first) // timedelta(days=1))
        if days < min_observation_days:
            shortfalls.append(f"{metric!r} has been observed for {_days(days)}; {needs}")
    return shortfalls


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
