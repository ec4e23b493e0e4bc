"""Handoff analytics: the facts one change gives, and the report's shape."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from pydantic import AwareDatetime, Field, model_validator

from models.base import Strict
from models.calendar import CalendarQuery, working_calendar
from models.change import ChangeState
from models.handoff import HandoffKind
from models.working_time import WorkingCalendar

HOUR = timedelta(hours=1)


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
        for role in handoff.roles:
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
                    "waited_hours": (closed - handoff.opened_at) / HOUR if closed else None,
                    "waited_working_days": (
                        calendar.working_days_between(handoff.opened_at, closed) if closed else None
                    ),
                    "overdue": handoff.overdue_at is not None,
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
        rows.append(
            {
                "change_id": state.change_id,
                "iteration": cycle.iteration,
                "service": state.intake.service,
                "outcome": cycle.outcome.value,
                "started_at": started,
                "decided_at": cycle.decided_at,
                "hours": (cycle.decided_at - started) / HOUR,
                "working_days": calendar.working_days_between(started, cycle.decided_at),
            }
        )
    return rows


class AnalyticsQuery(Strict):
    service: str | None = Field(default=None, max_length=200)
    since: AwareDatetime | None = Field(
        default=None,
        description="From this moment (with its UTC offset): handoffs and gates "
        "opened, cycles decided.",
    )
    until: AwareDatetime | None = Field(default=None, description="Before this moment.")

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
    role: str


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
