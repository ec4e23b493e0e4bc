"""A service assessment recorded: a red sends the work back to the team, a pass enters the
next stage with the amber actions binding: models/transitions/assessment.py."""

from __future__ import annotations

import copy

import pytest

from models import errors
from models.authority import Authority
from models.condition import ConditionStatus
from models.events import EventKind
from models.gate import Decision, GateStatus
from models.playbook import Playbook
from models.playbooks import GOVUK_PHASES_PLAYBOOK_DATA
from models.roles import Role
from models.transitions.assessment import apply_assess
from tests.factories import T0, later, submit
from tests.models.phases import (
    LEAD,
    PANEL,
    action,
    assess,
    assess_command,
    at_alpha_assessment,
    panel_directory,
    ratings,
)


def test_a_red_point_sends_the_work_back_to_the_owning_team() -> None:
    state = at_alpha_assessment()
    events = assess(state, ratings(red=(7, 1), amber=(2,)), [action(2)], at=later(5))
    assert [e.kind for e in events] == [EventKind.ASSESSED, EventKind.HANDOFF]
    assert (state.stage, state.gate.status) == ("alpha", GateStatus.CHANGES_REQUESTED)
    handoff = state.open_handoff
    assert handoff is not None
    assert (handoff.from_party, handoff.to_party) == ("gate 'alpha assessment'", "digital team")
    assert handoff.roles == [Role.DIGITAL]
    assert handoff.reason == (
        "'alpha assessment' not met: point(s) 1, 7 rated red; the team reworks and is "
        "reassessed on those points only"
    )
    [sitting] = state.assessments
    assert (sitting.passed, sitting.reassessment, sitting.red_points()) == (False, False, [1, 7])
    [raised] = state.conditions
    assert (raised.status, raised.binding) == (ConditionStatus.OPEN, False)
    assert state.gate.signoffs == []


def test_a_pass_enters_the_next_stage_and_the_amber_actions_bind() -> None:
    state = at_alpha_assessment()
    alpha = state.gate
    events = assess(state, ratings(amber=(2, 10)), [action(2), action(10, owner="ops-b")])
    kinds = [e.kind for e in events]
    assert kinds == [
        EventKind.ASSESSED,
        EventKind.GATE_PASSED,
        EventKind.STAGE_ENTERED,
        EventKind.HANDOFF,
    ]
    assert (alpha.status, state.stage) == (GateStatus.PASSED, "private_beta")
    assert events[1].payload["approvers"] == {"assessor": [LEAD]}
    seq = events[0].seq
    assert [(c.id, c.owner, c.binding) for c in state.conditions] == [
        (f"a{seq}-1", "dig-b", True),
        (f"a{seq}-2", "ops-b", True),
    ]
    first = state.conditions[0]
    assert first.description == "point 2, Solve a whole problem for users: Answer point 2"
    assert (first.gate_name, first.raised_by, first.raised_role) == (
        "alpha assessment",
        LEAD,
        Role.ASSESSOR,
    )
    [approval] = alpha.signoffs
    assert (approval.person, approval.role, approval.decision) == (
        LEAD,
        Role.ASSESSOR,
        Decision.APPROVE_WITH_CONDITIONS,
    )
    assert approval.condition_ids == [f"a{seq}-1", f"a{seq}-2"]
    assert state.assessments[0].condition_ids == approval.condition_ids


def test_an_all_green_pass_is_a_plain_approval() -> None:
    state = at_alpha_assessment()
    alpha = state.gate
    assess(state, ratings(), summary="A strong alpha.")
    [approval] = alpha.signoffs
    assert (approval.decision, approval.comment, approval.condition_ids) == (
        Decision.APPROVE,
        "A strong alpha.",
        [],
    )
    assert state.conditions == []


def test_a_reassessment_that_passes_binds_the_actions_of_the_red_sitting() -> None:
    state = at_alpha_assessment()
    assess(state, ratings(red=(1,), amber=(2,)), [action(2)])
    submit(state, text="alpha reworked")
    events = assess(state, ratings(points=(1,)))
    assert events[0].payload["reassessment"] is True
    assert [s.reassessment for s in state.assessments] == [False, True]
    assert state.stage == "private_beta"
    [carried] = state.binding_conditions()
    assert carried.id == state.assessments[0].condition_ids[0]
    assert state.assessments[1].condition_ids == []


def test_the_audit_event_records_the_ratings_panel_and_outcome() -> None:
    state = at_alpha_assessment()
    revision = state.gate.revision
    [assessed, _] = assess(state, ratings(red=(3,), amber=(2,)), [action(2)], summary="Rework.")
    assert (assessed.kind, assessed.actor, assessed.role) == ("assessed", LEAD, "assessor")
    assert assessed.payload == {
        "revision": revision,
        "ratings": [r.model_dump(mode="json") for r in ratings(red=(3,), amber=(2,))],
        "actions": [
            {"point": 2, "description": "Answer point 2", "owner": "dig-b", "due": "2026-04-01"}
        ],
        "summary": "Rework.",
        "gate_id": "1.alpha.1",
        "panel": dict(zip(state.playbook.stage("alpha").gate.panel, PANEL, strict=True)),
        "reassessment": False,
        "passed": False,
        "red_points": [3],
    }


def test_the_audit_event_leaves_out_a_summary_not_given() -> None:
    state = at_alpha_assessment()
    [assessed, *_] = assess(state, ratings())
    assert "summary" not in assessed.payload
    assert (assessed.payload["passed"], assessed.payload["red_points"]) == (True, [])


def test_the_panel_seats_go_to_the_named_assessors_in_order() -> None:
    state = at_alpha_assessment()
    assess(state, ratings())
    assert state.assessments[0].panel == {
        "lead assessor": PANEL[0],
        "user research assessor": PANEL[1],
        "design assessor": PANEL[2],
        "technology assessor": PANEL[3],
    }
    data = copy.deepcopy(GOVUK_PHASES_PLAYBOOK_DATA)
    data["stages"][1]["gate"]["panel"] = ["chair", "reviewer"]
    custom = at_alpha_assessment(playbook=Playbook.model_validate(data))
    assess(custom, ratings())
    assert custom.assessments[0].panel == {"chair": PANEL[0], "reviewer": PANEL[1]}


def test_the_lead_must_hold_the_assessor_role_and_action_owners_be_active() -> None:
    state = at_alpha_assessment()
    cmd = assess_command(state, ratings(amber=(2,)), [action(2, owner="ops-b")])
    unseated = panel_directory(T0, **{LEAD: Authority(person=LEAD, active=True, roles=[])})
    with pytest.raises(errors.NotEligible, match=f"{LEAD} does not hold the assessor role"):
        apply_assess(state, cmd, unseated, T0)
    gone = panel_directory(T0, **{"ops-b": Authority(person="ops-b", active=False)})
    with pytest.raises(errors.NotEligible) as refused:
        apply_assess(state, cmd, gone, T0)
    assert refused.value.message == "action owner ops-b is not an active person"
    assert (state.assessments, state.conditions, state.gate.status) == (
        [],
        [],
        GateStatus.IN_REVIEW,
    )
