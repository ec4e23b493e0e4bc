"""Only commands that grow a change's record are refused at its size budget, with a way
forward that fits where the change stands."""

from __future__ import annotations

import pytest

from models.change import ChangeState
from models.commands import (
    Challenge,
    CloseCondition,
    Command,
    Decide,
    RecordMeasurement,
    SignOffCommand,
    SubmitWork,
    Withdraw,
)
from models.errors import ChangeTooLarge
from models.gate import ActOutcome, Decision
from models.roles import Role
from models.rules.budget import STATE_BUDGET_BYTES, check_room_to_grow
from tests.factories import evidence, fresh_state, submit


def _full(state: ChangeState) -> ChangeState:
    state.closing_comment = "x" * STATE_BUDGET_BYTES
    return state


GROWING: list[Command] = [
    SubmitWork(actor="dev", summary="more", evidence=[evidence("more")]),
    RecordMeasurement(actor="dev", metric="online take-up", value=1.0),
    Challenge(actor="dev", reason="please"),
]
MOVING_ON: list[Command] = [
    SignOffCommand(actor="pol-a", role=Role.POLICY, decision=Decision.APPROVE, revision=1),
    Decide(actor="owner", outcome=ActOutcome.ADOPT),
    Withdraw(actor="dev", reason="stop"),
    CloseCondition(actor="ops-a", condition_id="c1-1", note="done", evidence=[evidence()]),
]


@pytest.mark.parametrize("cmd", GROWING, ids=lambda c: type(c).__name__)
def test_growth_is_refused_at_the_budget(cmd: Command) -> None:
    with pytest.raises(ChangeTooLarge, match="over the 1000 kB it may hold in one cycle"):
        check_room_to_grow(_full(fresh_state()), cmd)


@pytest.mark.parametrize("cmd", MOVING_ON, ids=lambda c: type(c).__name__)
def test_whatever_moves_the_change_on_is_never_refused_for_size(cmd: Command) -> None:
    check_room_to_grow(_full(fresh_state()), cmd)


def test_the_way_forward_fits_where_the_change_stands() -> None:
    state = fresh_state()
    with pytest.raises(ChangeTooLarge, match="can still be withdrawn"):
        check_room_to_grow(_full(state), GROWING[0])
    revision = submit(state)
    with pytest.raises(ChangeTooLarge, match=f"decide on revision {revision} at 'intent agreed'"):
        check_room_to_grow(_full(state), GROWING[0])


def test_superseded_revisions_are_trimmed_in_the_state() -> None:
    state = fresh_state()
    revisions = [submit(state, text=f"draft {n}") for n in range(4)]
    kept = {s.revision: s.compacted for s in state.gate.submissions}
    assert kept == {
        revisions[0]: True,
        revisions[1]: True,
        revisions[2]: False,
        revisions[3]: False,
    }
    assert [s.evidence for s in state.gate.submissions if s.compacted] == [[], []]
