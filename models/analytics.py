"""Handoff analytics: the facts one change gives, and the report's shape."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from pydantic import AwareDatetime, Field, field_validator, model_validator

from models.base import ShortText, Strict
from models.calendar import CalendarQuery, working_calendar
from models.change import ChangeState
from models.handoff import HandoffKind
from models.roles import Role
from models.working_time import WorkingCalendar

HOUR = timedelta(hours=1)
HOURS_PER_BUCKET = 0.1
"""Waits are counted in buckets of 6 minutes, and working days in buckets of 0.01 (about
15 minutes): the report's percentiles come from one grouping pass, exact to a bucket."""
DAYS_PER_BUCKET = 0.01


def bucket(value: float | None, width: float) -> int | None:
    """The bucket a duration falls in, rounded down (SQL casts round differently)."""
    return None if value is None else math.floor(value / width + 1e-9)


def facts_of(state: ChangeState) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The handoff and cycle fact rows a change's state gives."""
    calendar = state.calendar or _default_calendar(
        state.playbook.governance.holiday_calendar, state.created_at.year
    )
    return _handoff_facts(state, calendar), _cycle_facts(state, calendar)


@lru_cache(maxsize=16)
def _default_calendar(name: str, year: int) -> WorkingCalendar:
    return working_calendar(CalendarQuery(calendar=name, first_day=date(year, 1, 1), years=6))


def _handoff_facts(state: ChangeState, calendar: WorkingCalendar) -> list[dict[str, Any]]:
    rows = []
    for handoff in state.handoffs:
        if handoff.kind is not HandoffKind.FLOW:
            continue
        stage = handoff.gate_id.split(".")[1] if handoff.gate_id else None
        closed = handoff.closed_at
        hours = (closed - handoff.opened_at) / HOUR if closed else None
        days = calendar.working_days_between(handoff.opened_at, closed) if closed else None
        for index, role in enumerate(handoff.roles):
            rows.append(
                {
                    "change_id": state.change_id,
                    "seq": handoff.seq,
                    "role": role.value,
                    "service": state.intake.service,
                    "stage": stage,
                    "gate": _gate_name(state, stage),
                    "opened_at": handoff.opened_at,
                    "closed_at": closed,
                    "waited_hours": hours,
                    "waited_working_days": days,
                    "hours_bucket": bucket(hours, HOURS_PER_BUCKET),
                    "days_bucket": bucket(days, DAYS_PER_BUCKET),
                    "overdue": handoff.overdue_at is not None,
                    "per_handoff": index == 0,
                }
            )
    return rows


def _gate_name(state: ChangeState, stage: str | None) -> str | None:
    known = {s.name: s.gate.name for s in state.playbook.stages}
    return known.get(stage) if stage else None


def _cycle_facts(state: ChangeState, calendar: WorkingCalendar) -> list[dict[str, Any]]:
    rows = []
    for cycle in state.cycles:
        if not cycle.gates:
            continue
        started = min(g.opened_at for g in cycle.gates)
        hours = (cycle.decided_at - started) / HOUR
        days = calendar.working_days_between(started, cycle.decided_at)
        rows.append(
            {
                "change_id": state.change_id,
                "iteration": cycle.iteration,
                "service": state.intake.service,
                "outcome": cycle.outcome.value,
                "started_at": started,
                "decided_at": cycle.decided_at,
                "hours": hours,
                "working_days": days,
                "hours_bucket": bucket(hours, HOURS_PER_BUCKET),
                "days_bucket": bucket(days, DAYS_PER_BUCKET),
            }
        )
    return rows


EARLIEST, LATEST = datetime(1970, 1, 2, tzinfo=UTC), datetime(9998, 12, 31, tzinfo=UTC)


class AnalyticsQuery(Strict):
    service: ShortText | None = None
    since: AwareDatetime | None = Field(
        default=None,
        description="From this moment (with its UTC offset): handoffs and gates "
        "opened, cycles decided.",
    )
    until: AwareDatetime | None = Field(default=None, description="Before this moment.")

    @field_validator("since", "until")
    @classmethod
    def _in_range(cls, moment: datetime | None) -> datetime | None:
        if moment is not None and not EARLIEST <= moment <= LATEST:
            raise ValueError("give a moment between 1970 and 9998")
        return moment

    @model_validator(mode="after")
    def _in_order(self) -> AnalyticsQuery:
        if self.since and self.until and self.until <= self.since:
            raise ValueError("until must come after since")
        return self


class Spread(Strict):
    """The median and the 90th percentile (nearest rank) of finished waits."""

    median: float | None
    p90: float | None


class WaitStats(Strict):
    handoffs: int = Field(description="Handoffs opened in the range.")
    still_open: int
    hours: Spread
    working_days: Spread
    overdue_share: float = Field(description="The share of handoffs that went overdue, 0 to 1.")


class RoleStats(WaitStats):
    role: Role


class GateStats(WaitStats):
    stage: str
    gate: str | None
    gates_opened: int
    request_changes: int = Field(description="Request changes and rejects at these gates.")
    rework_rate: float | None = Field(description="Request changes and rejects per gate opened.")


class CycleStats(Strict):
    cycles: int = Field(description="Cycles decided in the range.")
    hours: Spread
    working_days: Spread


class HandoffAnalytics(Strict):
    query: AnalyticsQuery
    by_role: list[RoleStats]
    by_gate: list[GateStats]
    intent_to_outcome: CycleStats
