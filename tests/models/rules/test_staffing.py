"""Whether a new change names enough people for every gate's quorum, N of the M named per
role, and what it says when not: models/rules/staffing.py."""

from __future__ import annotations

import copy

import pytest

from api.playbook_examples import PLAYBOOK
from models import errors
from models.intake import ChangeIntake
from models.playbook import Playbook
from models.playbooks import PLAYBOOKS, latest_playbook
from models.rules.staffing import check_staffing, staffing_problem
from tests.factories import PROPOSER, everyone_at, intake
from tests.models.phases import PANEL, panel_directory

TWO_POLICY = Playbook.model_validate(copy.deepcopy(PLAYBOOK))


def _named(policy: list[str]) -> dict[str, list[str]]:
    return {
        "policy": policy,
        "digital": ["dig-lead"],
        "operations": ["ops-a"],
        "service_owner": ["owner"],
    }


def test_two_of_three_policy_people_can_staff_a_quorum_of_two() -> None:
    named = intake(people=_named(["pol-a", "pol-b", "pol-c"]))
    check_staffing(named, TWO_POLICY, everyone_at(), PROPOSER)
    assert staffing_problem(named, TWO_POLICY, everyone_at(), PROPOSER) is None


def test_one_policy_person_for_a_quorum_of_two_is_refused_naming_gate_and_role() -> None:
    named = intake(people=_named(["pol-a"]))
    with pytest.raises(errors.InvalidRequest) as refused:
        check_staffing(named, TWO_POLICY, everyone_at(), PROPOSER)
    assert refused.value.message == (
        "the two-policy-approvers playbook needs 2 policy sign-off(s) but the change names "
        "1 policy people (gate 'intent agreed' needs 2 policy approvals)"
    )
    assert staffing_problem(named, TWO_POLICY, everyone_at(), PROPOSER) == refused.value.message


def test_the_proposer_does_not_count_towards_a_quorum() -> None:
    named = intake(people=_named(["pol-a", PROPOSER]))
    problem = staffing_problem(named, TWO_POLICY, everyone_at(), PROPOSER)
    assert problem is not None
    assert problem.startswith("gate 'intent agreed' needs 2 policy, 1 digital, 1 operations")


def test_the_default_playbook_is_staffed_by_the_usual_team() -> None:
    assert staffing_problem(intake(), latest_playbook("pdca"), everyone_at(), PROPOSER) is None


PHASES = PLAYBOOKS[("govuk-phases", 1)]


def _with_panel(panel: list[str]) -> ChangeIntake:
    return intake(people={**_named(["pol-a"]), "assessor": panel}, playbook="govuk-phases")


def test_a_full_panel_of_assessors_staffs_the_govuk_phases() -> None:
    assert staffing_problem(_with_panel(PANEL), PHASES, panel_directory(), PROPOSER) is None


def test_a_panel_short_of_the_gates_seats_is_refused_naming_the_gate_and_seats() -> None:
    problem = staffing_problem(_with_panel(PANEL[:3]), PHASES, panel_directory(), PROPOSER)
    assert problem == (
        "gate 'alpha assessment' needs a panel of 4 assessors (lead assessor, user research "
        "assessor, design assessor, technology assessor) but the change names 3"
    )


@pytest.mark.parametrize("named", [["dig-lead", PROPOSER], ["pol-a", "owner"], ["ops-a"]])
def test_nobody_named_on_the_change_in_another_role_sits_on_its_panel(named: list[str]) -> None:
    own = _with_panel([*PANEL[: 4 - len(named)], *named])
    with pytest.raises(errors.InvalidRequest) as refused:
        check_staffing(own, PHASES, panel_directory(), PROPOSER)
    assert refused.value.message == (
        f"{', '.join(sorted(named))} cannot sit on the panel of 'alpha assessment': an "
        "assessor is independent of the change, so does not also propose, build, sign or "
        "decide it"
    )


def test_a_named_assessor_must_hold_the_assessor_role() -> None:
    problem = staffing_problem(_with_panel(PANEL), PHASES, everyone_at(), PROPOSER)
    assert problem == f"{PANEL[0]} is named for assessor but does not hold that role"


def test_a_playbook_without_assessments_needs_no_panel() -> None:
    assert staffing_problem(intake(), PLAYBOOKS[("pdca", 4)], everyone_at(), PROPOSER) is None
