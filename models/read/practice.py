"""The improvement practice as people read it: where to start and what would prepare
the ground, and how the five areas stand against each other and against the gate."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.base import Strict
from models.change import ChangeState
from models.focus import MissingCondition, missing_conditions
from models.intake import AlignmentArea, Prioritisation
from models.practice import AREA_NAMES, GroundOverride, ReadinessStatus


class AreaLine(Strict):
    area: AlignmentArea
    name: str
    status: ReadinessStatus | None = Field(description="None when nobody recorded it yet.")
    owner: str | None
    note: str | None
    updated_at: datetime | None
    required_by_this_gate: bool


class PracticeView(Strict):
    prioritisation: Prioritisation | None
    assessed_by: str | None = Field(description="None when the intake's assessment stands.")
    missing: list[MissingCondition] = Field(
        description="Conditions for starting rated missing, each with what creates it."
    )
    ground_override: GroundOverride | None
    alignment: list[AreaLine]
    misaligned: list[str] = Field(description="In plain words: what is out of step.")


def describe_practice(state: ChangeState) -> PracticeView:
    record = state.prioritisation
    return PracticeView(
        prioritisation=state.where_to_start(),
        assessed_by=record.assessed_by if record else None,
        missing=missing_conditions(state.where_to_start()),
        ground_override=state.ground_override,
        alignment=alignment_lines(state),
        misaligned=misalignment(state),
    )


def alignment_lines(state: ChangeState) -> list[AreaLine]:
    required = set(state.playbook.stage(state.gate.stage).gate.requires_ready)
    lines = []
    for area in AlignmentArea:
        readiness = state.readiness.get(area)
        lines.append(
            AreaLine(
                area=area,
                name=AREA_NAMES[area],
                status=readiness.status if readiness else None,
                owner=readiness.owner if readiness else None,
                note=readiness.note if readiness else None,
                updated_at=readiness.updated_at if readiness else None,
                required_by_this_gate=area in required,
            )
        )
    return lines


def misalignment(state: ChangeState) -> list[str]:
    """Areas out of step: a blocked area, areas behind others that are ready, and areas
    the current gate needs that are not ready. Nothing recorded yet says so once."""
    lines = alignment_lines(state)
    if not any(line.status for line in lines):
        return ["no area's readiness is recorded yet"]
    ready = [line.name for line in lines if line.status is ReadinessStatus.READY]
    found = []
    for line in lines:
        if line.status is ReadinessStatus.READY:
            continue
        found.append(_behind(line, ready))
    return [f for f in found if f]


def _behind(line: AreaLine, ready: list[str]) -> str:
    status = line.status.value.replace("_", " ") if line.status else "not recorded"
    owner = f", owned by {line.owner}" if line.owner else ""
    gate = "; the current gate needs it ready" if line.required_by_this_gate else ""
    if line.status is ReadinessStatus.BLOCKED:
        return f"{line.name} is blocked{owner}{gate}"
    if not ready and not gate:
        return ""
    ahead = f" while {', '.join(ready)} {'is' if len(ready) == 1 else 'are'} ready" if ready else ""
    return f"{line.name} is {status}{owner}{ahead}{gate}"
