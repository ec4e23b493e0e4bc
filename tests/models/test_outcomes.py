"""Portfolio outcomes count the decisions made in a range, and only those: models/outcomes.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from models.change import ChangeState
from models.gate import ActOutcome
from models.outcomes import OutcomesQuery, Shares, outcomes
from tests.factories import T0, decide, fresh_state, pass_gate

DAY = timedelta(days=1)


def _to_act(state: ChangeState, at: datetime) -> None:
    while state.stage != "act":
        pass_gate(state, at)


def _decided(*decisions: tuple[ActOutcome, int], created: datetime = T0) -> ChangeState:
    """A change created then, decided as given, each decision that many days after it
    was created; each cycle measures take-up at 55 (target 60) and days at 4 (target 5)."""
    state = fresh_state(created)
    for outcome, days in decisions:
        _to_act(state, created + days * DAY)
        decide(state, outcome, created + days * DAY, comment=f"{outcome} after review")
    return state


def _shares(found: Shares) -> dict[str, int]:
    return {s.outcome.value: s.count for s in found.by_outcome}


def test_outcomes_of_changes_adopted_adapted_and_abandoned() -> None:
    adopted = _decided((ActOutcome.ADOPT, 10))
    adapted_then_adopted = _decided((ActOutcome.ADAPT, 4), (ActOutcome.ADOPT, 20))
    abandoned = _decided((ActOutcome.ABANDON, 2))

    found = outcomes([adopted, adapted_then_adopted, abandoned], OutcomesQuery())

    assert found.changes == 3
    assert found.cycles_per_change.mean == pytest.approx(4 / 3, abs=0.01)
    assert [(c.cycles, c.changes) for c in found.cycles_per_change.distribution] == [
        (1, 2),
        (2, 1),
    ]
    assert found.decisions.total == 4
    assert _shares(found.decisions) == {"adopt": 2, "adapt": 1, "abandon": 1}
    assert [s.share for s in found.decisions.by_outcome] == [0.5, 0.25, 0.25]
    assert _shares(found.changes_by_latest_decision) == {
        "adopt": 2,
        "adapt": 0,
        "abandon": 1,
    }
    assert (found.targets.targets, found.targets.measured, found.targets.met) == (8, 8, 4)
    assert found.targets.share_met == 0.5
    assert found.intent_to_outcome.changes == 3
    assert (found.intent_to_outcome.median_days, found.intent_to_outcome.mean_days) == (4, 5.33)


def test_only_decisions_in_the_range_count_and_earlier_cycles_still_count_as_cycles() -> None:
    adapted_then_adopted = _decided((ActOutcome.ADAPT, 4), (ActOutcome.ADOPT, 20))
    decided_too_late = _decided((ActOutcome.ADOPT, 40))
    query = OutcomesQuery(since=T0 + 10 * DAY, until=T0 + 30 * DAY)

    found = outcomes([adapted_then_adopted, decided_too_late], query)

    assert found.changes == 1
    assert [(c.cycles, c.changes) for c in found.cycles_per_change.distribution] == [(2, 1)]
    assert _shares(found.decisions) == {"adopt": 1, "adapt": 0, "abandon": 0}
    assert found.targets.targets == 2
    assert found.intent_to_outcome.changes == 0
    assert found.intent_to_outcome.median_days is None


def test_cycles_decided_after_the_range_are_not_counted() -> None:
    adapted_then_adopted = _decided((ActOutcome.ADAPT, 4), (ActOutcome.ADOPT, 20))

    found = outcomes([adapted_then_adopted], OutcomesQuery(until=T0 + 10 * DAY))

    assert [(c.cycles, c.changes) for c in found.cycles_per_change.distribution] == [(1, 1)]
    assert _shares(found.changes_by_latest_decision)["adapt"] == 1
    assert found.intent_to_outcome.median_days == 4


def test_a_target_its_cycle_never_measured_counts_as_unmet() -> None:
    state = _decided((ActOutcome.ADOPT, 3))
    state.cycles[0].measurements = state.cycles[0].measurements[:1]

    found = outcomes([state], OutcomesQuery())

    assert (found.targets.targets, found.targets.measured, found.targets.met) == (2, 1, 1)
    assert found.targets.share_met == 0.5


def test_only_the_service_asked_for_counts() -> None:
    theirs = _decided((ActOutcome.ADOPT, 3))
    theirs.intake.service = "Another service"
    ours = _decided((ActOutcome.ABANDON, 3))

    found = outcomes([theirs, ours], OutcomesQuery(service=ours.intake.service))

    assert found.changes == 1
    assert _shares(found.decisions)["abandon"] == 1


def test_with_nothing_decided_every_figure_is_empty_not_zero() -> None:
    found = outcomes([fresh_state()], OutcomesQuery())

    assert (found.changes, found.cycles_per_change.mean) == (0, None)
    assert [s.share for s in found.decisions.by_outcome] == [None, None, None]
    assert found.targets.share_met is None


def test_a_range_must_run_forwards() -> None:
    with pytest.raises(ValidationError, match="until must come after since"):
        OutcomesQuery(
            since=datetime(2026, 5, 1, tzinfo=UTC), until=datetime(2026, 4, 1, tzinfo=UTC)
        )
