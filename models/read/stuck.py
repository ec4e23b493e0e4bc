"""A change is stuck when what it waits on is a role that nobody left may take: every
person named for it has lost the role, left the directory, or is barred by a rule. It
then waits on the people who can fix that, the service owner and the admins, and says so.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.authority import Authorities
from models.base import Strict
from models.change import ChangeState
from models.handoff import HandoffKind
from models.read.progress import role_progress
from models.read.waiting import WaitingOn, WaitKind, waiting_on
from models.roles import Role


class DirectoryReading(Strict):
    """Today's directory, as far as one change needs it."""

    authorities: Authorities
    admins: list[str] = Field(default_factory=list, description="Active admins, to ask.")


def stuck_wait(
    state: ChangeState, plain: WaitingOn, directory: DirectoryReading
) -> WaitingOn | None:
    """The wait restated as stuck, when nobody left can act on it; None otherwise."""
    blocked = _blocked_roles(state, plain, directory.authorities)
    if not blocked:
        return None
    roles = list(blocked)
    ask = _whom_to_ask(state, directory, roles)
    return plain.model_copy(
        update={
            "kind": WaitKind.STUCK,
            "roles": roles,
            "people": ask,
            "reason": _reason(state, blocked, ask),
        }
    )


def _blocked_roles(
    state: ChangeState, plain: WaitingOn, authorities: Authorities
) -> dict[Role, str]:
    """Each role the change waits on that nobody may take, with why."""
    if plain.kind is WaitKind.SIGN_OFF:
        return {
            p.role: "; ".join(e.reason for e in p.cannot_sign) or f"nobody is named for {p.role}"
            for p in role_progress(state, state.gate, authorities)
            if p.given < p.required and not p.not_yet_signed
        }
    if plain.kind in {WaitKind.SUBMISSION, WaitKind.DECISION, WaitKind.CHALLENGE}:
        role = plain.roles[0]
        if any(authorities.of(person).holds(role) for person in plain.people):
            return {}
        return {role: _why_nobody(plain.people, role, authorities)}
    return {}


def _why_nobody(people: list[str], role: Role, authorities: Authorities) -> str:
    if not people:
        return f"nobody is named for {role}"
    reasons = []
    for person in people:
        authority = authorities.of(person)
        state = "is not active" if not authority.active else f"does not hold the {role} role"
        reasons.append(f"{person} {state} in the directory")
    return "; ".join(reasons)


def _whom_to_ask(state: ChangeState, directory: DirectoryReading, roles: list[Role]) -> list[str]:
    owners = [] if Role.SERVICE_OWNER in roles else state.intake.people.service_owner
    able = [p for p in owners if directory.authorities.of(p).holds(Role.SERVICE_OWNER)]
    return list(dict.fromkeys([*able, *directory.admins]))


def _reason(state: ChangeState, blocked: dict[Role, str], ask: list[str]) -> str:
    gate = state.gate.name
    lines = [
        f"no {role} person is left who may act at {gate!r}: {why}" for role, why in blocked.items()
    ]
    who = ", ".join(ask) if ask else "nobody (no admin is active)"
    return f"stuck: {'; '.join(lines)}. Ask {who} to name someone who holds the role"


def waiting_today(
    state: ChangeState, now: datetime, directory: DirectoryReading | None
) -> WaitingOn:
    """What the change waits on, checked against today's directory when there is one: a
    handoff nobody can take is reported as stuck, never as a normal wait."""
    plain = waiting_on(state, now)
    if directory is None or plain.kind is WaitKind.NOTHING:
        return plain
    return stuck_wait(state, plain, directory) or plain


def needs_directory_look(state: ChangeState, kind: WaitKind) -> bool:
    """Whether a change that keeps time should look at the directory: SQL finds it stuck
    and it has not escalated that, or it escalated and SQL no longer finds it stuck."""
    if state.playbook.governance.service_levels is None or state.calendar is None:
        return False
    about = f"gate {state.gate.id}"
    escalated = any(
        h.kind is HandoffKind.STUCK and h.closed_at is None and h.about == about
        for h in state.handoffs
    )
    return (kind is WaitKind.STUCK) != escalated
