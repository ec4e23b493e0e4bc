"""The improvement practice's rules: which gate the ground must be prepared by, who may
assess where to start and when, who may override a missing condition, who records an
area's readiness, and what a gate needs before it passes: models/rules/practice.py."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from models import errors
from models.change import ChangeState
from models.commands import NewChange, OverrideGround, Prioritise, SetReadiness
from models.intake import AlignmentArea
from models.playbook import Playbook
from models.playbooks import PDCA_V4_PLAYBOOK_DATA, PLAYBOOKS
from models.practice import GroundOverride, ReadinessStatus
from models.rules.practice import (
    check_gate_may_pass,
    check_observed,
    check_override_ground,
    check_prioritise,
    check_set_readiness,
    ground_gate,
)
from models.transitions.opening import open_change
from models.transitions.practice import apply_override_ground, apply_set_readiness
from tests.factories import (
    OWNER,
    PROPOSER,
    T0,
    authority,
    fresh_state,
    intake,
    new_change,
    pass_gate,
    submit,
)
from tests.models.phases import assess, at_alpha_assessment, ratings

LOW_CAPABILITY = {
    "senior_interest": {"rating": "high"},
    "operational_capacity": {"rating": "medium"},
    "capability": {"rating": "low", "note": "No user researcher yet"},
}
ALL_HIGH = {
    "senior_interest": {"rating": "high"},
    "operational_capacity": {"rating": "high"},
    "capability": {"rating": "high"},
}
MEASURES = ("median days to decision", "online take-up")


def _prioritise(actor: str = PROPOSER) -> Prioritise:
    return Prioritise.model_validate({"actor": actor, **LOW_CAPABILITY})


def _override_command(actor: str = OWNER) -> OverrideGround:
    return OverrideGround(actor=actor, reason="A researcher joins next week.")


def _started(version: int = 4, prioritisation: dict[str, Any] | None = None) -> ChangeState:
    """A change whose intake rates where to start (capability low unless told)."""
    state, _ = open_change(new_change(version, prioritisation=prioritisation or LOW_CAPABILITY), T0)
    return state


def _readiness(state: ChangeState, area: AlignmentArea, status: ReadinessStatus) -> None:
    cmd = SetReadiness(actor="ops-b", area=area, status=status, owner="ops-b", note="Noted.")
    apply_set_readiness(state, cmd, authority(PROPOSER), T0)


def test_the_ground_gate_is_the_first_marked_gate_else_the_second_stages() -> None:
    assert PLAYBOOKS[("pdca", 4)].stage("design").gate.requires_ground
    assert ground_gate(PLAYBOOKS[("pdca", 4)]).name == "design approved"
    assert not PLAYBOOKS[("pdca", 3)].stage("design").gate.requires_ground
    assert ground_gate(PLAYBOOKS[("pdca", 3)]).name == "design approved"
    assert ground_gate(PLAYBOOKS[("govuk-phases", 1)]).name == "alpha assessment"


def test_a_later_marked_gate_or_a_short_playbook_moves_the_ground_gate() -> None:
    data = copy.deepcopy(PDCA_V4_PLAYBOOK_DATA)
    for stage in data["stages"]:
        stage["gate"]["requires_ground"] = stage["name"] == "delivery"
    assert ground_gate(Playbook.model_validate(data)).name == "ready for release"
    short = {**data, "stages": [data["stages"][0], data["stages"][-1]]}
    short["adapt_restart_at"] = ["intent"]
    assert ground_gate(Playbook.model_validate(short)).name == "adopt, adapt or abandon"


def test_the_proposer_digital_people_and_service_owner_may_assess_where_to_start() -> None:
    state = fresh_state()
    for person in (PROPOSER, "dig-b", OWNER):
        check_prioritise(state, _prioritise(person))
    with pytest.raises(errors.NotEligible) as refused:
        check_prioritise(state, _prioritise("pol-a"))
    assert refused.value.message == (
        "only the proposer, the named digital people or the service owner may assess "
        "where to start; pol-a is none of them"
    )


def test_where_to_start_is_assessed_until_the_ground_gate_passes_in_this_cycle() -> None:
    state = fresh_state()
    pass_gate(state)
    submit(state)
    check_prioritise(state, _prioritise())
    pass_gate(state)
    assert state.stage == "delivery"
    with pytest.raises(errors.WrongStage) as refused:
        check_prioritise(state, _prioritise())
    assert refused.value.message == (
        "a prioritisation assessment is made before gate 'design approved' passes, "
        "and it has passed in this cycle"
    )


def test_only_the_service_owner_overrides_and_only_a_missing_condition() -> None:
    state = _started()
    check_override_ground(state, _override_command())
    with pytest.raises(errors.NotEligible) as refused:
        check_override_ground(state, _override_command(PROPOSER))
    assert refused.value.message == "only the change's service owner may override; dev is not"
    with pytest.raises(errors.Conflict) as nothing:
        check_override_ground(fresh_state(), _override_command())
    assert nothing.value.message == (
        "nothing to override: no condition for starting is rated missing"
    )


def test_the_ground_is_not_overridden_once_its_gate_has_passed() -> None:
    state = _started(version=4)
    pass_gate(state)
    state.ground_override = GroundOverride(
        reason="agreed", gate_name="design approved", missing=["capability"],
        overridden_by=OWNER, overridden_at=T0,
    )  # fmt: skip
    pass_gate(state)
    with pytest.raises(errors.WrongStage, match="the ground is overridden before gate"):
        check_override_ground(state, _override_command())


def test_only_people_named_on_the_change_record_an_areas_readiness() -> None:
    state = fresh_state()
    for person in (PROPOSER, "pol-b", "ops-a", OWNER):
        cmd = SetReadiness(
            actor=person, area=AlignmentArea.SKILLS, status=ReadinessStatus.BLOCKED, owner="ops-b"
        )
        check_set_readiness(state, cmd)
    stranger = SetReadiness(
        actor="auditor-a", area=AlignmentArea.SKILLS, status=ReadinessStatus.READY, owner="ops-b"
    )
    with pytest.raises(errors.NotEligible) as refused:
        check_set_readiness(state, stranger)
    assert refused.value.message == (
        "only people named on the change may record an area's readiness; auditor-a is not"
    )


def test_a_gate_requiring_the_ground_waits_for_it_naming_what_would_prepare_it() -> None:
    state = _started()
    pass_gate(state)
    submit(state)
    with pytest.raises(errors.GroundNotPrepared) as held:
        check_gate_may_pass(state)
    assert held.value.message == (
        "gate 'design approved' cannot pass until the ground is prepared: capability is "
        "rated low (build or borrow capability); or the service owner overrides with a reason"
    )


def test_the_owners_override_or_a_better_rating_lets_the_ground_gate_pass() -> None:
    overridden = _started()
    pass_gate(overridden)
    apply_override_ground(overridden, _override_command(), authority(OWNER), T0)
    check_gate_may_pass(overridden)
    pass_gate(overridden)
    assert overridden.stage == "delivery"
    prepared = _started(prioritisation=ALL_HIGH)
    pass_gate(prepared)
    check_gate_may_pass(prepared)


def test_only_the_ground_gate_waits_for_the_ground() -> None:
    state = _started()
    submit(state)
    check_gate_may_pass(state)
    assert state.gate.name == "intent agreed"
    unmarked = _started(version=3)
    pass_gate(unmarked)
    check_gate_may_pass(unmarked)
    assert unmarked.gate.name == "design approved"


def test_a_gate_requiring_areas_names_each_area_not_ready_and_its_owner() -> None:
    state = at_alpha_assessment()
    assess(state, ratings())
    assert state.gate.name == "beta assessment"
    with pytest.raises(errors.AreasNotReady) as nothing:
        check_gate_may_pass(state)
    assert nothing.value.message == (
        "gate 'beta assessment' needs these areas ready: operating model (not recorded yet); "
        "digital service (not recorded yet)"
    )
    _readiness(state, AlignmentArea.OPERATING_MODEL, ReadinessStatus.IN_PROGRESS)
    _readiness(state, AlignmentArea.DIGITAL_SERVICE, ReadinessStatus.READY)
    with pytest.raises(errors.AreasNotReady) as behind:
        check_gate_may_pass(state)
    assert behind.value.message == (
        "gate 'beta assessment' needs these areas ready: operating model (in progress, "
        "owned by ops-b)"
    )
    _readiness(state, AlignmentArea.OPERATING_MODEL, ReadinessStatus.READY)
    check_gate_may_pass(state)


def _observing(days: int = 14) -> ChangeState:
    """A change at the check stage of a playbook whose check gate needs live data."""
    data = copy.deepcopy(PDCA_V4_PLAYBOOK_DATA)
    data["stages"][3]["gate"]["min_observation_days"] = days
    new = NewChange(
        change_id=str(uuid.uuid4()),
        intake=intake(),
        proposer=PROPOSER,
        playbook=Playbook.model_validate(data),
    )
    state, _ = open_change(new, T0)
    for _ in range(3):
        pass_gate(state)
    assert state.gate.name == "outcome reviewed"
    return state


def _since(now: datetime, *days: int) -> dict[str, datetime]:
    return {metric: now - timedelta(days=d) for metric, d in zip(MEASURES, days, strict=True)}


def test_a_measure_without_live_data_holds_a_gate_that_needs_observation() -> None:
    with pytest.raises(errors.ObservationTooShort) as held:
        check_observed(_observing(), None, T0)
    assert held.value.message == (
        "gate 'outcome reviewed' cannot pass yet: 'median days to decision' has not been "
        "observed yet; the gate needs 14 days; 'online take-up' has not been observed yet; "
        "the gate needs 14 days"
    )


def test_a_measure_observed_too_briefly_is_named_with_its_days() -> None:
    with pytest.raises(errors.ObservationTooShort) as held:
        check_observed(_observing(), _since(T0, 30, 13), T0)
    assert held.value.message == (
        "gate 'outcome reviewed' cannot pass yet: 'online take-up' has been observed for "
        "13 days; the gate needs 14"
    )


def test_measures_observed_long_enough_let_the_gate_pass() -> None:
    check_observed(_observing(), _since(T0, 30, 14), T0)


def test_a_gate_without_an_observation_period_needs_no_live_data() -> None:
    state = fresh_state()
    for _ in range(3):
        pass_gate(state)
    assert state.gate.name == "outcome reviewed"
    check_observed(state, None, T0)


def test_only_an_areas_owner_marks_it_ready() -> None:
    state = fresh_state()
    ready = SetReadiness(
        actor=PROPOSER, area=AlignmentArea.SKILLS, status=ReadinessStatus.READY, owner="ops-b"
    )
    with pytest.raises(errors.NotEligible, match="an area is marked ready by its owner"):
        check_set_readiness(state, ready)
    check_set_readiness(state, ready.model_copy(update={"actor": "ops-b"}))


def test_a_team_cannot_rate_away_a_missing_condition_but_the_service_owner_can() -> None:
    state = _started(version=4)
    high = {"rating": "high"}
    rated_up = Prioritise.model_validate(
        {
            "actor": PROPOSER,
            "senior_interest": high,
            "operational_capacity": high,
            "capability": high,
        }
    )
    with pytest.raises(
        errors.NotEligible, match="rate up a condition that was missing: capability"
    ):
        check_prioritise(state, rated_up)
    check_prioritise(state, rated_up.model_copy(update={"actor": OWNER}))


def test_a_playbook_with_no_ground_gate_takes_no_override() -> None:
    state = _started(version=3)
    with pytest.raises(errors.Conflict, match="no gate of the pdca playbook waits for the ground"):
        check_override_ground(state, _override_command())


def test_nobody_takes_an_area_over_and_marks_it_ready_in_one_step() -> None:
    state = fresh_state()
    _readiness(state, AlignmentArea.SKILLS, ReadinessStatus.IN_PROGRESS)  # owned by ops-b
    taken = SetReadiness(
        actor=PROPOSER, area=AlignmentArea.SKILLS, status=ReadinessStatus.READY, owner=PROPOSER
    )
    with pytest.raises(errors.NotEligible, match="marked ready by its owner, ops-b"):
        check_set_readiness(state, taken)
