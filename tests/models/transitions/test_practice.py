"""The improvement practice recorded on a change, each step audited: a prioritisation
assessment, the service owner's override and an area's readiness:
models/transitions/practice.py."""

from __future__ import annotations

from typing import Any

import pytest

from models import errors
from models.authority import Authority
from models.change import ChangeState
from models.commands import OverrideGround, Prioritise, SetReadiness
from models.events import EventKind
from models.intake import AlignmentArea
from models.practice import ReadinessStatus
from models.roles import Role
from models.transitions.opening import open_change
from models.transitions.practice import (
    apply_override_ground,
    apply_prioritise,
    apply_set_readiness,
)
from tests.factories import OWNER, PROPOSER, T0, authority, everyone_at, later, new_change

LOW_CAPABILITY = {
    "senior_interest": {"rating": "high"},
    "operational_capacity": {"rating": "medium"},
    "capability": {"rating": "low", "note": "No user researcher yet"},
}
LOW_SPONSOR = {**LOW_CAPABILITY, "senior_interest": {"rating": "low"}}
REASON = "A researcher joins from another team next week."


def _started_low() -> ChangeState:
    state, _ = open_change(new_change(prioritisation=LOW_CAPABILITY), T0)
    return state


def _prioritise(state: ChangeState, assessment: dict[str, Any], actor: str = PROPOSER) -> Any:
    cmd = Prioritise.model_validate({"actor": actor, **assessment})
    return apply_prioritise(state, cmd, authority(actor), later(10))


def _override(state: ChangeState) -> Any:
    cmd = OverrideGround(actor=OWNER, reason=REASON)
    return apply_override_ground(state, cmd, authority(OWNER), later(5))


def _readiness(owner: str = "ops-b", status: ReadinessStatus = ReadinessStatus.IN_PROGRESS) -> Any:
    return SetReadiness(
        actor=owner if status is ReadinessStatus.READY else PROPOSER,
        area=AlignmentArea.OPERATING_MODEL,
        status=status,
        owner=owner,
        note="Guidance drafted",
    )


def test_the_override_records_the_missing_conditions_and_the_gate() -> None:
    state = _started_low()
    [event] = _override(state)
    assert (event.kind, event.actor, event.role) == ("ground_overridden", OWNER, "service_owner")
    assert event.payload == {"gate": "design approved", "missing": ["capability"], "reason": REASON}
    override = state.ground_override
    assert override is not None
    assert (override.gate_name, override.missing, override.reason) == (
        "design approved",
        ["capability"],
        REASON,
    )
    assert (override.overridden_by, override.overridden_at) == (OWNER, later(5))


def test_a_prioritisation_replaces_the_intakes_and_names_what_is_missing() -> None:
    state = _started_low()
    [event] = _prioritise(state, LOW_SPONSOR, actor=OWNER)
    assert (event.kind, event.role) == (EventKind.PRIORITISED, "service_owner")
    assert event.payload["missing"] == ["senior interest", "capability"]
    assert event.payload["senior_interest"] == {"rating": "low", "note": None}
    assert "override_cleared" not in event.payload
    record = state.prioritisation
    assert record is not None
    assert (record.assessed_by, record.assessed_at) == (OWNER, later(10))
    assert state.where_to_start() == record.assessment
    assert state.intake.prioritisation is not None
    assert state.where_to_start() != state.intake.prioritisation


def test_a_new_prioritisation_clears_the_override_it_may_no_longer_fit() -> None:
    state = _started_low()
    _override(state)
    [event] = _prioritise(state, LOW_SPONSOR)
    assert event.role == "digital"
    assert event.payload["override_cleared"] is True
    assert state.ground_override is None


def test_readiness_is_recorded_with_its_owner_and_replaced_by_the_next() -> None:
    state = _started_low()
    [event] = apply_set_readiness(state, _readiness(), authority(PROPOSER), later(1))
    assert (event.kind, event.actor, event.role) == ("readiness_set", PROPOSER, "digital")
    assert event.payload == {
        "status": "in_progress",
        "owner": "ops-b",
        "note": "Guidance drafted",
        "area": "operating_model",
    }
    recorded = state.readiness[AlignmentArea.OPERATING_MODEL]
    assert (recorded.updated_by, recorded.updated_at) == (PROPOSER, later(1))
    ready = _readiness(status=ReadinessStatus.READY)
    apply_set_readiness(state, ready, authority(PROPOSER), later(2))
    assert state.readiness[AlignmentArea.OPERATING_MODEL].status is ReadinessStatus.READY
    assert list(state.readiness) == [AlignmentArea.OPERATING_MODEL]


def test_an_area_owner_who_is_not_active_is_refused() -> None:
    state = _started_low()
    seq = state.seq
    directory = everyone_at(T0, **{"ops-z": Authority(person="ops-z", active=False)})
    with pytest.raises(errors.NotEligible) as refused:
        apply_set_readiness(state, _readiness(owner="ops-z"), directory, T0)
    assert refused.value.message == "area owner ops-z is not an active person in the directory"
    assert (state.readiness, state.seq) == ({}, seq)


def test_a_person_acts_in_the_role_the_change_names_them_for() -> None:
    state = _started_low()
    only_policy = Authority(person="dig-b", active=True, roles=[Role.POLICY])
    cmd = Prioritise.model_validate({"actor": "dig-b", **LOW_CAPABILITY})
    with pytest.raises(errors.NotEligible, match="dig-b does not hold the digital role"):
        apply_prioritise(state, cmd, everyone_at(T0, **{"dig-b": only_policy}), T0)
    assert state.prioritisation is None
