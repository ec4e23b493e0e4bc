"""The improvement practice as people read it: where to start, and how the five areas
stand against each other and the gate: models/read/practice.py."""

from __future__ import annotations

from models.change import ChangeState
from models.commands import OverrideGround, SetReadiness
from models.intake import AlignmentArea
from models.practice import ReadinessStatus
from models.read.practice import alignment_lines, describe_practice, misalignment
from models.read.views import describe_gate
from models.transitions.opening import open_change
from models.transitions.practice import apply_override_ground, apply_set_readiness
from tests.factories import OWNER, PROPOSER, T0, authority, fresh_state, later, new_change, submit
from tests.models.phases import assess, at_alpha_assessment, ratings

READY = ReadinessStatus.READY
IN_PROGRESS = ReadinessStatus.IN_PROGRESS
BLOCKED = ReadinessStatus.BLOCKED


def _set(state: ChangeState, area: AlignmentArea, status: ReadinessStatus) -> None:
    cmd = SetReadiness(actor="ops-b", area=area, status=status, owner="ops-b", note="Noted.")
    apply_set_readiness(state, cmd, authority(PROPOSER), later(1))


def _at_beta_assessment() -> ChangeState:
    state = at_alpha_assessment()
    assess(state, ratings())
    assert state.gate.name == "beta assessment"
    return state


def test_nothing_recorded_is_said_once_and_every_area_has_a_line() -> None:
    state = fresh_state()
    assert misalignment(state) == ["no area's readiness is recorded yet"]
    lines = alignment_lines(state)
    assert [line.name for line in lines] == [
        "policy",
        "operating model",
        "digital service",
        "technology enablers",
        "skills",
    ]
    assert all(line.status is None and not line.required_by_this_gate for line in lines)


def test_areas_behind_one_that_is_ready_are_named_with_their_owner() -> None:
    state = fresh_state()
    _set(state, AlignmentArea.OPERATING_MODEL, IN_PROGRESS)
    _set(state, AlignmentArea.DIGITAL_SERVICE, READY)
    assert misalignment(state) == [
        "policy is not recorded while digital service is ready",
        "operating model is in progress, owned by ops-b while digital service is ready",
        "technology enablers is not recorded while digital service is ready",
        "skills is not recorded while digital service is ready",
    ]


def test_several_ready_areas_are_listed_in_the_areas_order() -> None:
    state = fresh_state()
    for area in (AlignmentArea.SKILLS, AlignmentArea.POLICY, AlignmentArea.DIGITAL_SERVICE):
        _set(state, area, READY)
    _set(state, AlignmentArea.TECHNOLOGY, ReadinessStatus.NOT_STARTED)
    assert misalignment(state) == [
        "operating model is not recorded while policy, digital service, skills are ready",
        "technology enablers is not started, owned by ops-b while policy, digital service, "
        "skills are ready",
    ]


def test_a_blocked_area_is_named_even_when_none_is_ready() -> None:
    state = fresh_state()
    _set(state, AlignmentArea.SKILLS, BLOCKED)
    _set(state, AlignmentArea.POLICY, IN_PROGRESS)
    assert misalignment(state) == ["skills is blocked, owned by ops-b"]


def test_the_areas_the_gate_requires_are_flagged_and_named_when_not_ready() -> None:
    state = _at_beta_assessment()
    _set(state, AlignmentArea.OPERATING_MODEL, IN_PROGRESS)
    _set(state, AlignmentArea.SKILLS, IN_PROGRESS)
    required = {line.area: line.required_by_this_gate for line in alignment_lines(state)}
    assert required == {
        AlignmentArea.POLICY: False,
        AlignmentArea.OPERATING_MODEL: True,
        AlignmentArea.DIGITAL_SERVICE: True,
        AlignmentArea.TECHNOLOGY: False,
        AlignmentArea.SKILLS: False,
    }
    assert misalignment(state) == [
        "operating model is in progress, owned by ops-b; the current gate needs it ready",
        "digital service is not recorded; the current gate needs it ready",
    ]


def test_a_line_carries_the_recorded_status_owner_note_and_time() -> None:
    state = fresh_state()
    _set(state, AlignmentArea.SKILLS, BLOCKED)
    skills = alignment_lines(state)[-1]
    assert (skills.area, skills.status, skills.owner, skills.note, skills.updated_at) == (
        AlignmentArea.SKILLS,
        BLOCKED,
        "ops-b",
        "Noted.",
        later(1),
    )


def test_the_practice_view_shows_the_missing_conditions_and_the_override() -> None:
    low = {
        "senior_interest": {"rating": "high"},
        "operational_capacity": {"rating": "high"},
        "capability": {"rating": "low"},
    }
    state, _ = open_change(new_change(prioritisation=low), T0)
    cmd = OverrideGround(actor=OWNER, reason="A researcher joins next week.")
    apply_override_ground(state, cmd, authority(OWNER), T0)
    view = describe_practice(state)
    assert view.prioritisation == state.intake.prioritisation
    assert view.assessed_by is None
    assert [(m.condition, m.action) for m in view.missing] == [
        ("capability", "build or borrow capability")
    ]
    assert view.ground_override is not None
    assert view.ground_override.overridden_by == OWNER
    assert view.misaligned == ["no area's readiness is recorded yet"]


def test_a_gate_needing_live_data_says_so_among_what_it_lacks() -> None:
    state = fresh_state()
    state.playbook = state.playbook.model_copy(deep=True)  # the built-in stays as it is
    state.playbook.stage("intent").gate.min_observation_days = 7
    submit(state)
    assert (
        "each success measure needs 7 days of live data before this gate can pass, counted "
        "from when Throughline first received its data"
    ) in describe_gate(state, state.gate).unmet
