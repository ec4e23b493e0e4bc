"""A change moving through the stages of its playbook: models/transitions/stages.py."""

from __future__ import annotations

from models.gate import Decision, GateStatus
from models.read.views import describe_change
from models.read.waiting import WaitKind
from models.roles import Role
from tests.factories import fresh_state, later, pass_gate, sign, submit


def test_stages_follow_the_pdca_playbook() -> None:
    state = fresh_state()
    seen = [state.stage]
    for _ in range(4):
        pass_gate(state)
        seen.append(state.stage)
    assert seen == ["intent", "design", "delivery", "check", "act"]
    assert state.gate.status is GateStatus.IN_REVIEW
    assert describe_change(state, later(1)).waiting.kind is WaitKind.DECISION


def test_request_changes_sends_work_back_to_the_team() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REQUEST_CHANGES, comment="cite the regulation")
    waiting = describe_change(state, later(1)).waiting
    assert waiting.kind is WaitKind.SUBMISSION
    assert "cite the regulation" in waiting.reason
    submit(state, text="cites the regulation")
    assert state.gate.status is GateStatus.IN_REVIEW
