"""Adopt, abandon or adapt at the act gate: models/transitions/decision.py."""

from __future__ import annotations

from models.change import ChangeStatus
from models.gate import ActOutcome
from models.read.views import describe_change
from models.read.waiting import WaitKind
from models.roles import Role
from models.transitions.decision import carry_into_new_run
from tests.factories import OWNER, decide, fresh_state, later, pass_gate


def test_adopt_completes_the_change() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    decide(state, ActOutcome.ADOPT)
    assert state.status is ChangeStatus.COMPLETED
    assert state.cycles[-1].outcome is ActOutcome.ADOPT
    assert describe_change(state, later(1)).waiting.kind is WaitKind.NOTHING


def test_abandon_closes_the_change_with_its_reason() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    decide(state, ActOutcome.ABANDON, comment="outcome not achievable")
    assert state.status is ChangeStatus.ABANDONED
    assert state.closing_comment == "outcome not achievable"


def test_adapt_starts_a_new_cycle_at_design_by_default() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    decide(state, ActOutcome.ADAPT, comment="take-up below target")
    assert (state.iteration, state.stage, state.gate.id) == (2, "design", "2.design.1")
    assert state.measurements == []
    assert state.cycles[0].measurements


def test_a_new_run_keeps_earlier_cycles_compactly_and_every_handoff() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    decide(state, ActOutcome.ADAPT, comment="again")
    carried = carry_into_new_run(state)
    assert all(g.iteration == 2 for g in carried.past_gates)
    first_cycle = carried.cycles[0].gates
    assert [g.status for g in first_cycle] == ["passed"] * 4 + ["decided"]
    assert first_cycle[0].approvers[Role.POLICY] == ["pol-a"]
    assert carried.handoffs == state.handoffs
    assert (carried.seq, carried.last_hash) == (state.seq, state.last_hash)
    assert carried.next_revision == state.next_revision
    assert OWNER in carried.intake.people.service_owner
