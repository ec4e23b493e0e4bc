"""What a change waits on right now: which kind of act, on whom, since when and why."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.base import Strict
from models.change import ChangeState
from models.gate import GateStatus
from models.handoff import Chase, Handoff
from models.playbook import GateKind
from models.read.progress import role_progress
from models.roles import Role
from models.rules.conditions import blocking_conditions
from models.rules.quorum import quorum_met


class WaitKind(StrEnum):
    SUBMISSION = "submission"
    SIGN_OFF = "sign_off"
    DECISION = "decision"
    CHALLENGE = "challenge"
    CONDITION = "condition"
    STUCK = "stuck"
    """Nobody left may take the role it waits on; it waits on whoever can fix that."""
    ESCALATED = "escalated"
    """A turn or condition long overdue, escalated to the service owner or the admins."""
    NOTHING = "nothing"


class WaitingOn(Strict):
    kind: WaitKind
    roles: list[Role]
    people: list[str]
    since: datetime | None
    waiting_seconds: float | None
    reason: str
    escalation: str | None = Field(
        default=None, description="A side question waiting too, such as a challenge."
    )
    due_at: datetime | None = Field(
        default=None, description="When this turn is due, by the playbook's service level."
    )
    overdue: bool = False
    escalated_at: datetime | None = Field(
        default=None, description="When the overdue turn was escalated, if it was."
    )
    working_days_left: int | None = Field(
        default=None, description="Working days to the due time, today included; 0 once due."
    )


def with_due(wait: WaitingOn, state: ChangeState, chase: Chase | None, now: datetime) -> WaitingOn:
    """The wait with the due time of what it waits for, when that has one."""
    if chase is None or chase.due_at is None:
        return wait
    due = chase.due_at
    left = state.calendar.working_days_left(now, due) if state.calendar else None
    return wait.model_copy(
        update={
            "due_at": due,
            "overdue": now > due,
            "escalated_at": chase.escalated_at,
            "working_days_left": left,
        }
    )


def waiting_on(state: ChangeState, now: datetime) -> WaitingOn:
    """What the change waits on right now, on whom, since when and why."""
    escalation = state.open_escalation
    side = escalation.reason if escalation else None
    if state.status.is_closed:
        return _closed_wait(state, now, side)
    handoff = state.open_handoff
    since = handoff.opened_at if handoff else state.updated_at
    kind, roles, people = _who_acts_next(state)
    reason = handoff.reason if handoff else "waiting"
    wait = WaitingOn(
        kind=kind,
        roles=roles,
        people=people,
        since=since,
        waiting_seconds=max(0.0, (now - since).total_seconds()),
        reason=why_held(state) if kind is WaitKind.CONDITION else reason,
        escalation=side,
    )
    return with_due(wait, state, _chased(state, kind, handoff), now)


def _chased(state: ChangeState, kind: WaitKind, handoff: Handoff | None) -> Chase | None:
    """What the wait is due by: the earliest holding condition, or the open turn."""
    if kind is WaitKind.CONDITION:
        dated = [c for c in blocking_conditions(state) if c.due_at is not None]
        return min(dated, key=lambda c: c.due_at or c.raised_at, default=None)
    return handoff


def why_held(state: ChangeState) -> str:
    """Why a gate with every approval it needs still waits: the conditions holding it."""
    held = "; ".join(
        f"condition {c.id} from {c.gate_name!r}: {c.description} "
        f"(owner {c.owner}, due {c.due.isoformat()})"
        for c in blocking_conditions(state)
    )
    return f"gate {state.gate.name!r} has the approvals it needs but is held by {held}"


def roles_waited_on(state: ChangeState) -> list[Role]:
    """The roles a change waits on now, by its own rules alone: those of its main line of
    responsibility and, while a challenge waits, the service owner's."""
    wait = waiting_on(state, state.updated_at)
    roles = [*wait.roles, *([Role.SERVICE_OWNER] if state.open_escalation else [])]
    return sorted(set(roles), key=lambda role: role.value)


def _closed_wait(state: ChangeState, now: datetime, side: str | None) -> WaitingOn:
    escalation = state.open_escalation
    if escalation is None:
        return WaitingOn(
            kind=WaitKind.NOTHING,
            roles=[],
            people=[],
            since=None,
            waiting_seconds=None,
            reason=f"nothing: the change is {state.status}",
        )
    wait = WaitingOn(
        kind=WaitKind.CHALLENGE,
        roles=[Role.SERVICE_OWNER],
        people=state.intake.people.service_owner,
        since=escalation.opened_at,
        waiting_seconds=max(0.0, (now - escalation.opened_at).total_seconds()),
        reason=escalation.reason,
        escalation=side,
    )
    return with_due(wait, state, escalation, now)


def _who_acts_next(state: ChangeState) -> tuple[WaitKind, list[Role], list[str]]:
    holding = blocking_conditions(state)
    if holding and quorum_met(state.gate) and state.gate.status is GateStatus.IN_REVIEW:
        return WaitKind.CONDITION, [], list(dict.fromkeys(c.owner for c in holding))
    actors = [a for a in next_actors(state) if a[0] is not WaitKind.CHALLENGE]
    kind = actors[0][0] if actors else _main_kind(state)
    roles = list(dict.fromkeys(role for _, role, _ in actors))
    if kind is WaitKind.SIGN_OFF:
        roles = [p.role for p in role_progress(state, state.gate) if p.given < p.required]
    elif not roles:
        roles = [_acting_role(state)]
    return kind, roles, list(dict.fromkeys(person for _, _, person in actors))


def _main_kind(state: ChangeState) -> WaitKind:
    if state.gate.kind is GateKind.DECISION:
        return WaitKind.DECISION
    in_review = state.gate.status is GateStatus.IN_REVIEW
    return WaitKind.SIGN_OFF if in_review else WaitKind.SUBMISSION


def _acting_role(state: ChangeState) -> Role:
    if state.gate.kind is GateKind.DECISION:
        return Role.SERVICE_OWNER
    return state.playbook.stage(state.gate.stage).owner


def next_actors(state: ChangeState) -> list[tuple[WaitKind, Role, str]]:
    """Who can move the change on now, as (kind, role, person); feeds each inbox."""
    challenge = (
        [(WaitKind.CHALLENGE, Role.SERVICE_OWNER, p) for p in state.intake.people.service_owner]
        if state.open_escalation
        else []
    )
    if state.status.is_closed:
        return challenge
    gate = state.gate
    if gate.kind is GateKind.DECISION:
        owners = state.intake.people.service_owner
        return [(WaitKind.DECISION, Role.SERVICE_OWNER, p) for p in owners] + challenge
    if gate.status is not GateStatus.IN_REVIEW:
        owner = state.playbook.stage(gate.stage).owner
        return [(WaitKind.SUBMISSION, owner, p) for p in state.team_members()] + challenge
    signers = [
        (WaitKind.SIGN_OFF, p.role, person)
        for p in role_progress(state, gate)
        if p.given < p.required
        for person in p.not_yet_signed
    ]
    return signers + challenge
