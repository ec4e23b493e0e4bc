"""What the history keeps of each local projection, and reading it back: a change moved
through its gates is recorded whole once, then as patches that replay to every state;
records that do not add up are refused by name: models/projection.py."""

from __future__ import annotations

import json

import pytest

from models.change import ChangeState
from models.projection import LocalProjection, ProjectionRecord, RecordProblem, Replayed
from models.roles import Role
from tests.factories import SIGNERS, fresh_state, pass_gate, sign, submit


def _projection(state: ChangeState, recorded: str | None) -> LocalProjection:
    return LocalProjection(
        workflow_id=f"change-{state.change_id}",
        state=state.model_dump_json(),
        events=[],
        recorded=recorded,
    )


def _records_of_a_change_through_three_gates() -> tuple[list[ProjectionRecord], list[ChangeState]]:
    state = fresh_state()
    records, states, recorded = [], [], None
    for _ in range(3):
        projection = _projection(state, recorded)
        records.append(projection.record(projection.batch()))
        states.append(state.model_copy(deep=True))
        recorded = projection.state
        pass_gate(state)
    return records, states


def test_a_run_is_recorded_whole_once_then_as_patches_that_replay_to_each_state() -> None:
    records, states = _records_of_a_change_through_three_gates()
    assert records[0].state is not None
    assert records[0].patch is None
    assert all(r.state is None and r.patch for r in records[1:])
    assert [r.previous_seq for r in records[1:]] == [s.seq for s in states[:-1]]
    run = Replayed()
    assert [run.batch(r).state for r in records] == states


def test_one_sign_off_is_recorded_in_a_small_part_of_the_state() -> None:
    state = fresh_state()
    submit(state)
    before = _projection(state, None)
    sign(state, SIGNERS[Role.POLICY], Role.POLICY)
    after = _projection(state, before.state)
    patch = json.dumps(after.record(after.batch()).patch)
    assert len(patch) < len(after.state) / 5


def test_a_patch_with_nothing_before_it_is_refused() -> None:
    records, _ = _records_of_a_change_through_three_gates()
    with pytest.raises(RecordProblem, match="no state to start from"):
        Replayed().batch(records[1])


def test_a_patch_against_another_seq_is_refused() -> None:
    records, _ = _records_of_a_change_through_three_gates()
    run = Replayed()
    run.batch(records[0])
    with pytest.raises(RecordProblem, match=f"patches seq {records[2].previous_seq}, not"):
        run.batch(records[2])


def test_a_patch_that_does_not_fit_or_breaks_the_state_is_refused() -> None:
    records, _ = _records_of_a_change_through_three_gates()
    run = Replayed()
    run.batch(records[0])
    misfit = records[1].model_copy(update={"patch": {"{": {"nothing": {"[": {}}}}})
    with pytest.raises(RecordProblem, match="a member it does not have: nothing"):
        run.batch(misfit)
    broken = records[1].model_copy(update={"patch": {"{": {"seq": {"=": "many"}}}})
    with pytest.raises(RecordProblem, match="not a change's state"):
        run.batch(broken)
