"""The whole plan-do-check-act lifecycle, as pure transitions."""

from __future__ import annotations

import pytest

from models import errors
from models.change import ChangeState, ChangeStatus
from models.commands import Decide, RecordMeasurement
from models.gate import ActOutcome, Decision, GateStatus
from models.read.views import describe_change, describe_gate
from models.read.waiting import WaitKind
from models.roles import Role
from models.transitions.decision import apply_decide, carry_into_new_run
from models.transitions.measurement import apply_record_measurement
from tests.factories import (
    OWNER,
    PROPOSER,
    authority,
    decide,
    fresh_state,
    later,
    pass_gate,
    record_all_measurements,
    sign,
    submit,
)


def _to_act() -> ChangeState:
    state = fresh_state()
    for _ in ["intent", "design", "delivery", "check"]:
        pass_gate(state)
    return state


def test_stages_follow_the_pdca_playbook() -> None:
    state = fresh_state()
    seen = [state.stage]
    for _ in range(4):
        pass_gate(state)
        seen.append(state.stage)
    assert seen == ["intent", "design", "delivery", "check", "act"]
    assert state.gate.status is GateStatus.IN_REVIEW
    assert describe_change(state, later(1)).waiting.kind is WaitKind.DECISION


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


def test_adapt_may_restart_at_intent_but_nowhere_else() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    with pytest.raises(errors.RejectTargetNotAllowed, match="design, intent"):
        decide(state, ActOutcome.ADAPT, comment="x", restart_at="check")
    decide(state, ActOutcome.ADAPT, comment="rethink", restart_at="intent")
    assert (state.iteration, state.stage) == (2, "intent")


@pytest.mark.parametrize("outcome", [ActOutcome.ADAPT, ActOutcome.ABANDON])
def test_adapt_and_abandon_need_a_comment(outcome: ActOutcome) -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    with pytest.raises(errors.CommentRequired):
        decide(state, outcome)


def test_only_the_named_service_owner_decides() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    with pytest.raises(errors.NotEligible, match="service owner"):
        apply_decide(
            state, Decide(actor="pol-a", outcome=ActOutcome.ADOPT), authority("pol-a"), later(1)
        )


def test_decision_before_the_act_gate_is_refused() -> None:
    state = fresh_state()
    with pytest.raises(errors.WrongStage, match="act gate"):
        decide(state, ActOutcome.ADOPT)


def test_act_gate_takes_no_submission() -> None:
    state = fresh_state()
    for _ in range(4):
        pass_gate(state)
    with pytest.raises(errors.WrongStage, match="not a submission"):
        submit(state)


def test_request_changes_sends_work_back_to_the_team() -> None:
    state = fresh_state()
    submit(state)
    sign(state, "pol-a", Role.POLICY, Decision.REQUEST_CHANGES, comment="cite the regulation")
    waiting = describe_change(state, later(1)).waiting
    assert waiting.kind is WaitKind.SUBMISSION
    assert "cite the regulation" in waiting.reason
    submit(state, text="cites the regulation")
    assert state.gate.status is GateStatus.IN_REVIEW


def test_check_gate_shows_each_target_against_its_actual() -> None:
    state = fresh_state()
    for _ in range(3):
        pass_gate(state)
    record_all_measurements(state)
    submit(state)
    measures = {m.metric: m for m in describe_gate(state, state.gate).measures}
    days = measures["median days to decision"]
    assert (days.baseline, days.target, days.actual, days.met) == (30, 5, 4.0, True)
    uptake = measures["online take-up"]
    assert (uptake.target, uptake.actual, uptake.met) == (60, 55.0, False)


def test_check_cannot_be_submitted_without_every_measurement() -> None:
    state = fresh_state()
    for _ in range(3):
        pass_gate(state)
    cmd = RecordMeasurement(actor=PROPOSER, metric="online take-up", value=40)
    apply_record_measurement(state, cmd, authority(PROPOSER), later(1))
    with pytest.raises(errors.MeasurementsMissing, match="median days to decision"):
        submit(state)


def test_measurements_only_at_the_check_stage_and_for_known_measures() -> None:
    state = fresh_state()
    cmd = RecordMeasurement(actor=PROPOSER, metric="online take-up", value=40)
    with pytest.raises(errors.WrongStage, match="check stage"):
        apply_record_measurement(state, cmd, authority(PROPOSER), later(1))
    for _ in range(3):
        pass_gate(state)
    unknown = RecordMeasurement(actor=PROPOSER, metric="smiles", value=1)
    with pytest.raises(errors.UnknownMeasure, match="online take-up"):
        apply_record_measurement(state, unknown, authority(PROPOSER), later(1))


def test_handoffs_record_who_holds_the_change_and_since_when() -> None:
    state = fresh_state()
    submit(state, at=later(10))
    handoff = state.open_handoff
    assert handoff is not None
    assert (handoff.from_party, handoff.to_party) == ("digital team", "gate 'intent agreed'")
    assert handoff.opened_at == later(10)
    assert state.handoffs[0].closed_at == later(10)
    waiting = describe_change(state, later(70)).waiting
    assert waiting.since == later(10)
    assert waiting.waiting_seconds == 3600
    assert set(waiting.roles) == {Role.POLICY, Role.DIGITAL, Role.OPERATIONS}


def test_waiting_on_names_eligible_people_but_not_the_submitter() -> None:
    state = fresh_state()
    submit(state, actor="dig-lead")
    waiting = describe_change(state, later(1)).waiting
    assert "dig-lead" not in waiting.people
    assert {"pol-a", "pol-b", "dig-b", "ops-a", "ops-b"} <= set(waiting.people)


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
