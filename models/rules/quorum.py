"""Whether a gate has its quorum: enough distinct people per role whose approval
still counts, and no open condition from an earlier gate holding it."""

from __future__ import annotations

from models.change import ChangeState, ChangeStatus
from models.gate import GateState, GateStatus
from models.playbook import GateKind
from models.roles import Role
from models.rules.conditions import blocking_conditions
from models.rules.practice import why_gate_may_not_pass


def counted_approvers(gate: GateState) -> dict[Role, list[str]]:
    """The distinct people whose approval counts, per role; a person counts once only."""
    seen: set[str] = set()
    counted: dict[Role, list[str]] = {role: [] for role in gate.quorum}
    for signoff in sorted(gate.counting_approvals(), key=lambda s: s.seq):
        if signoff.people & seen or signoff.role not in counted:
            continue
        seen |= signoff.people
        counted[signoff.role].append(signoff.counted_as)
    return counted


def unmet_roles(gate: GateState) -> dict[Role, int]:
    """How many more approvals each role still needs."""
    counted = counted_approvers(gate)
    return {
        role: need - len(counted[role])
        for role, need in gate.quorum.items()
        if len(counted[role]) < need
    }


def quorum_met(gate: GateState) -> bool:
    return not unmet_roles(gate)


def _approvals_in(state: ChangeState) -> bool:
    """An open change whose sign-off gate, in review, has every approval it needs."""
    gate = state.gate
    return (
        state.status is ChangeStatus.ACTIVE
        and gate.kind is GateKind.SIGN_OFF
        and gate.status is GateStatus.IN_REVIEW
        and quorum_met(gate)
    )


def gate_ready(state: ChangeState) -> bool:
    """Quorum met, no open condition from an earlier gate holds it, and what the playbook
    asks before the gate passes (the ground prepared, areas ready) holds still."""
    return (
        _approvals_in(state)
        and not blocking_conditions(state)
        and why_gate_may_not_pass(state) is None
    )


def held_by_conditions(state: ChangeState) -> bool:
    """Every approval is in, but an open condition from an earlier gate holds the gate."""
    return _approvals_in(state) and bool(blocking_conditions(state))


def people_to_recheck(state: ChangeState) -> list[str]:
    people = {p for s in state.gate.counting_approvals() for p in s.people}
    return sorted(people)
