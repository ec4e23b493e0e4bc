"""Builders for changes on the GOV.UK service phases playbook, for the domain tests: a
change with a seated panel, the panel's ratings and actions, and the lead assessor's
assessment applied the way the workflow applies it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from models.assessment import AssessmentAction, PointRating, Rag
from models.audit import AuditEvent
from models.authority import Authorities, Authority
from models.change import ChangeState
from models.commands import Assess, NewChange
from models.playbook import Playbook
from models.playbooks import PLAYBOOKS
from models.roles import Role
from models.transitions.assessment import apply_assess
from models.transitions.opening import open_change
from tests.factories import PROPOSER, T0, everyone_at, intake, intake_data, pass_gate, submit

PHASES = PLAYBOOKS[("govuk-phases", 1)]
PANEL = ["assessor-lead", "assessor-research", "assessor-design", "assessor-tech"]
LEAD = PANEL[0]
DUE = date(2026, 4, 1)


def phases_people() -> dict[str, list[str]]:
    return {**intake_data()["people"], "assessor": list(PANEL)}


def phases_state(at: datetime = T0, playbook: Playbook = PHASES, **overrides: Any) -> ChangeState:
    """A new change on the GOV.UK phases playbook, at discovery, with its panel named."""
    named = intake(**{"people": phases_people(), "playbook": playbook.name, **overrides})
    new = NewChange(change_id=str(uuid.uuid4()), intake=named, proposer=PROPOSER, playbook=playbook)
    state, _ = open_change(new, at)
    return state


def at_alpha_assessment(
    at: datetime = T0, playbook: Playbook = PHASES, **overrides: Any
) -> ChangeState:
    """Discovery reviewed, and the alpha work submitted to its assessment."""
    state = phases_state(at, playbook, **overrides)
    pass_gate(state, at)
    submit(state, text="alpha prototypes", at=at)
    return state


def panel_directory(at: datetime = T0, **overrides: Authority) -> Authorities:
    """Everybody holds every signing role; the panel hold the assessor role."""
    seated = {p: Authority(person=p, active=True, roles=[Role.ASSESSOR]) for p in PANEL}
    return everyone_at(at, **{**seated, **overrides})


def ratings(
    red: tuple[int, ...] = (), amber: tuple[int, ...] = (), points: tuple[int, ...] | None = None
) -> list[PointRating]:
    """The given points (all 14 unless named), green unless named red or amber."""

    def rag(point: int) -> Rag:
        return Rag.RED if point in red else Rag.AMBER if point in amber else Rag.GREEN

    chosen = points if points is not None else tuple(range(1, 15))
    return [PointRating(point=n, rating=rag(n), comment=f"Point {n}: {rag(n)}.") for n in chosen]


def action(point: int, owner: str = "dig-b", due: date = DUE) -> AssessmentAction:
    return AssessmentAction(point=point, description=f"Answer point {point}", owner=owner, due=due)


def assess_command(
    state: ChangeState,
    rated: list[PointRating],
    actions: list[AssessmentAction] | None = None,
    **extra: Any,
) -> Assess:
    fields: dict[str, Any] = {"actor": LEAD, "revision": state.gate.revision, **extra}
    return Assess(ratings=rated, actions=actions or [], **fields)


def assess(
    state: ChangeState,
    rated: list[PointRating],
    actions: list[AssessmentAction] | None = None,
    at: datetime = T0,
    **extra: Any,
) -> list[AuditEvent]:
    """The lead assessor records the panel's ratings of the current revision."""
    cmd = assess_command(state, rated, actions, **extra)
    return apply_assess(state, cmd, panel_directory(at), at)
