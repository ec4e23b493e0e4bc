"""Rule 7: authority re-checked when the quorum would complete."""

from __future__ import annotations

from models.authority import Authority
from models.change import ChangeState
from models.gate import GateStatus
from models.read.views import describe_gate
from models.roles import Role
from models.rules.quorum import gate_ready
from models.transitions.completion import complete_gate
from models.transitions.sign_off import apply_sign_off
from tests.factories import T0, authority, everyone_at, fresh_state, later, sign_command, submit


def _quorum_reached_without_completing() -> ChangeState:
    state = fresh_state()
    submit(state)
    for person, role in [
        ("pol-a", Role.POLICY),
        ("dig-lead", Role.DIGITAL),
        ("ops-a", Role.OPERATIONS),
    ]:
        apply_sign_off(state, sign_command(state, person, role), authority(person), T0)
    return state


def test_a_revoked_approver_stops_counting_and_the_gate_stays_open() -> None:
    state = _quorum_reached_without_completing()
    assert gate_ready(state)
    revoked = everyone_at(later(5), **{"pol-a": Authority(person="pol-a", active=True, roles=[])})
    events = complete_gate(state, later(5), "ops-a", Role.OPERATIONS, revoked)
    assert [e.kind for e in events] == ["approval_lapsed"]
    assert state.gate.status is GateStatus.IN_REVIEW
    unmet = describe_gate(state, state.gate, revoked).unmet
    assert "needs 1 more policy approval (eligible: pol-b)" in unmet
    assert any(line.startswith("pol-a's policy approval no longer counts") for line in unmet)
    assert "pol-a may not approve as policy: pol-a does not hold the policy role" in " ".join(unmet)


def test_when_everyone_still_holds_their_role_the_gate_passes() -> None:
    state = _quorum_reached_without_completing()
    events = complete_gate(state, later(5), "ops-a", Role.OPERATIONS, everyone_at(later(5)))
    assert [e.kind for e in events][:2] == ["gate_passed", "stage_entered"]
    assert state.stage == "design"


def test_completion_does_nothing_before_the_quorum() -> None:
    state = fresh_state()
    submit(state)
    assert complete_gate(state, T0, "ops-a", Role.OPERATIONS, everyone_at(T0)) == []
