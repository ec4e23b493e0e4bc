"""Who may record a service assessment, of what, and what it must carry:
models/rules/assessment.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import errors
from models.rules.assessment import (
    check_assess,
    check_assess_at,
    lead_assessor,
    points_to_rate,
    sittings_at,
)
from tests.factories import T0, fresh_state, submit
from tests.models.phases import (
    LEAD,
    PANEL,
    action,
    assess,
    assess_command,
    at_alpha_assessment,
    phases_state,
    ratings,
)

LOW_CAPABILITY = {
    "senior_interest": {"rating": "high"},
    "operational_capacity": {"rating": "high"},
    "capability": {"rating": "low"},
}


def test_the_lead_assessor_is_the_first_named_assessor() -> None:
    assert lead_assessor(phases_state()) == LEAD
    assert lead_assessor(fresh_state()) is None


def test_a_first_sitting_rates_all_fourteen_points() -> None:
    state = at_alpha_assessment()
    assert points_to_rate(state, state.gate) == list(range(1, 15))
    check_assess(state, assess_command(state, ratings()))
    with pytest.raises(errors.RatingsIncomplete) as refused:
        check_assess(state, assess_command(state, ratings()[:12]))
    assert refused.value.message == "an assessment rates all 14 points; missing: 13, 14"


def test_a_point_rated_twice_is_refused() -> None:
    state = at_alpha_assessment()
    twice = [*ratings(points=tuple(range(1, 14))), *ratings(points=(3,))]
    with pytest.raises(errors.RatingsIncomplete) as refused:
        check_assess(state, assess_command(state, twice))
    assert refused.value.message == "point(s) rated more than once: 3"


def test_a_reassessment_rates_only_the_points_that_were_red() -> None:
    state = at_alpha_assessment()
    assess(state, ratings(red=(1, 5)))
    assert points_to_rate(state, state.gate) == [1, 5]
    with pytest.raises(errors.GateNotInReview):
        check_assess(state, assess_command(state, ratings(points=(1, 5))))
    submit(state, text="alpha reworked")
    check_assess(state, assess_command(state, ratings(points=(1, 5))))
    with pytest.raises(errors.RatingsIncomplete) as everything:
        check_assess(state, assess_command(state, ratings()))
    assert everything.value.message == (
        "a reassessment rates only the points that were red: 1, 5; "
        "not: 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14"
    )
    with pytest.raises(errors.RatingsIncomplete) as part:
        check_assess(state, assess_command(state, ratings(points=(1, 6))))
    assert part.value.message == (
        "a reassessment rates only the points that were red: 1, 5; missing: 5; not: 6"
    )


def test_after_a_second_red_only_the_points_still_red_are_rated_again() -> None:
    state = at_alpha_assessment()
    assess(state, ratings(red=(1, 5)))
    submit(state, text="alpha reworked")
    assess(state, ratings(red=(5,), points=(1, 5)))
    assert [s.passed for s in sittings_at(state, state.gate)] == [False, False]
    assert points_to_rate(state, state.gate) == [5]


def test_each_amber_point_needs_an_action() -> None:
    state = at_alpha_assessment()
    with pytest.raises(errors.RatingsIncomplete) as refused:
        check_assess(state, assess_command(state, ratings(amber=(5, 9)), [action(9)]))
    assert refused.value.message == (
        "each amber point needs at least one action with an owner and a due date; none for: 5"
    )
    check_assess(state, assess_command(state, ratings(amber=(5, 9)), [action(5), action(9)]))


def test_actions_answer_amber_points_only() -> None:
    state = at_alpha_assessment()
    stray = [action(5), action(6), action(1)]
    with pytest.raises(errors.InvalidRequest) as refused:
        check_assess(state, assess_command(state, ratings(amber=(5,)), stray))
    assert refused.value.message == "actions answer amber points only; not: 1, 6"


def test_only_the_lead_assessor_records_the_assessment() -> None:
    state = at_alpha_assessment()
    with pytest.raises(errors.NotEligible) as refused:
        check_assess(state, assess_command(state, ratings(), actor=PANEL[1]))
    assert refused.value.message == (
        f"only the lead assessor, {LEAD}, records the panel's assessment"
    )


def test_a_sign_off_gate_is_not_assessed() -> None:
    state = phases_state()
    submit(state)
    with pytest.raises(errors.WrongGateKind) as refused:
        check_assess(state, assess_command(state, ratings()))
    assert refused.value.message == (
        "gate 'discovery reviewed' is not an assessment: its people sign it off"
    )


def test_a_superseded_revision_is_not_assessed() -> None:
    state = at_alpha_assessment()
    first = state.gate.revision
    assert first is not None
    newer = submit(state, text="alpha, second cut")
    with pytest.raises(errors.RevisionSuperseded) as refused:
        check_assess(state, assess_command(state, ratings(), revision=first))
    assert refused.value.message == (
        f"revision {first} was superseded by revision {newer}; assess the new revision"
    )


def test_open_actions_from_an_earlier_assessment_hold_the_next_one() -> None:
    state = at_alpha_assessment()
    assess(state, ratings(amber=(2,)), [action(2)])
    [held] = state.binding_conditions()
    submit(state, text="private beta")
    with pytest.raises(errors.ConditionsOpen) as refused:
        check_assess(state, assess_command(state, ratings()))
    assert refused.value.message == (
        f"close the open actions before the next assessment: {held.id} "
        "'point 2, Solve a whole problem for users: Answer point 2' (dig-b, due 2026-04-01)"
    )


def test_a_met_assessment_needs_the_gate_ready_but_a_red_one_does_not() -> None:
    state = at_alpha_assessment(prioritisation=LOW_CAPABILITY)
    with pytest.raises(errors.GroundNotPrepared, match="gate 'alpha assessment' cannot pass"):
        check_assess(state, assess_command(state, ratings(amber=(2,)), [action(2)]))
    check_assess(state, assess_command(state, ratings(red=(4,))))


def test_an_action_is_due_today_or_later() -> None:
    state = at_alpha_assessment()
    today = assess_command(state, ratings(amber=(2,)), [action(2, due=T0.date())])
    check_assess_at(state, today, T0)
    past = action(2, due=T0.date() - timedelta(days=1))
    with pytest.raises(errors.InvalidRequest) as refused:
        check_assess_at(state, assess_command(state, ratings(amber=(2,)), [past]), T0)
    assert refused.value.message == "an action's due date is in the past: 'Answer point 2'"


def test_a_met_assessment_needs_the_measures_observed_for_as_long_as_the_gate_asks() -> None:
    state = at_alpha_assessment()
    state.playbook = state.playbook.model_copy(deep=True)  # the built-in stays as it is
    state.playbook.stage("alpha").gate.min_observation_days = 14
    unobserved = assess_command(state, ratings())
    with pytest.raises(
        errors.ObservationTooShort, match="has not been observed yet; the gate needs 14 days"
    ):
        check_assess_at(state, unobserved, T0)
    check_assess_at(state, assess_command(state, ratings(red=(1,))), T0)
    began = {m.metric: T0 - timedelta(days=14) for m in state.intake.success_measures}
    check_assess_at(state, unobserved.model_copy(update={"first_observed": began}), T0)
