"""What a new playbook version changes, in plain words, and what would differ for an open
change had it started on it; running changes never move: models/playbook_diff.py."""

from __future__ import annotations

import copy
from typing import Any

from models.authority import Authorities
from models.playbook import Playbook
from models.playbook_diff import (
    RUNNING_CHANGES_STAY,
    PlaybookDiff,
    describe_differences,
    impact_on,
)
from models.playbooks import PDCA_V3_PLAYBOOK_DATA, PLAYBOOKS
from models.roles import Role
from tests.factories import SIGNERS, everyone_at, fresh_state, sign, submit

V3 = PLAYBOOKS[("pdca", 3)]


def _v3_with(version: int = 9, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PDCA_V3_PLAYBOOK_DATA)
    data.update(version=version, **changes)
    return data


def _gate(data: dict[str, Any], stage: int) -> dict[str, Any]:
    """The stage's gate, with a quorum of its own: the built-in data shares one."""
    gate: dict[str, Any] = data["stages"][stage]["gate"]
    gate["quorum"] = dict(gate["quorum"])
    return gate


def test_a_quorum_change_is_told_per_gate_and_role() -> None:
    data = _v3_with()
    _gate(data, 0)["quorum"]["policy"] = 2
    del _gate(data, 1)["quorum"]["operations"]
    assert describe_differences(V3, Playbook.model_validate(data)) == [
        "gate 'intent agreed': policy quorum 1 → 2",
        "gate 'design approved': operations quorum 1 → none",
    ]


def test_stages_added_removed_and_reordered() -> None:
    data = _v3_with()
    check, act = data["stages"][3], data["stages"][4]
    review = copy.deepcopy(data["stages"][1])
    review["name"], review["gate"]["name"] = "review", "review passed"
    review["gate"]["reject_to"] = ["review"]
    design = data["stages"].pop(1)
    design["gate"]["reject_to"] = ["design"]
    data["stages"] = [data["stages"][0], data["stages"][1], design, review, act]
    data["stages"][1]["gate"]["reject_to"] = ["delivery"]
    del check
    lines = describe_differences(V3, Playbook.model_validate(data))
    assert lines[:3] == [
        "stage 'check' removed",
        "stage 'review' added after 'design'",
        "stages reordered: intent → design → delivery → act becomes "
        "intent → delivery → design → act",
    ]
    assert "gate 'design approved': reject targets design, intent → design" in lines
    assert "gate 'ready for release': reject targets delivery, design → delivery" in lines


def test_service_levels_governance_and_other_fields_are_described_generically() -> None:
    data = _v3_with(title="Plan, do, check, act, slower")
    data["governance"]["challenge_window_working_days"] = 0
    data["governance"]["service_levels"]["sign_off_days"] = 10
    _gate(data, 2)["service_level_days"] = 10
    _gate(data, 1)["requires_ground"] = True
    data["stages"][3]["records_measurements"] = False
    lines = describe_differences(V3, Playbook.model_validate(data))
    assert lines == [
        "title Plan, do, check, act → Plan, do, check, act, slower",
        "governance: challenge window working days 10 → 0",
        "governance: service levels: sign off days 5 → 10",
        "gate 'design approved': requires ground off → on",
        "gate 'ready for release': service level days 5 → 10",
        "stage 'check': records measurements on → off",
    ]


def test_versions_that_differ_only_in_number_say_so() -> None:
    assert describe_differences(V3, Playbook.model_validate(_v3_with(version=7))) == [
        "nothing differs but the version number (3 → 7)"
    ]
    assert describe_differences(None, V3) == [
        "a new playbook: 5 stages (intent, design, delivery, check, act)"
    ]


def test_an_open_change_at_a_gate_sees_its_approvals_against_the_new_quorum() -> None:
    state = fresh_state(version=3)
    submit(state)
    sign(state, SIGNERS[Role.POLICY], Role.POLICY)
    data = _v3_with()
    _gate(data, 0)["quorum"]["policy"] = 2
    impact = impact_on(state, Playbook.model_validate(data), everyone_at())
    assert (impact.change_id, impact.stage, impact.pinned_version) == (state.change_id, "intent", 3)
    assert impact.would_differ == [
        "gate 'intent agreed': it has 1 policy approval(s); version 9 would need 2 where its "
        "own version needs 1, so 1 more",
        "its named people could staff every gate of version 9",
    ]


def test_a_missing_stage_and_people_who_could_not_staff_it_are_told() -> None:
    state = fresh_state(version=3)
    data = _v3_with()
    data["stages"][0]["name"] = "idea"
    data["stages"][0]["gate"]["reject_to"] = ["idea", "close"]
    data["adapt_restart_at"] = ["design"]
    data["stages"][1]["gate"]["reject_to"] = ["design", "idea"]
    _gate(data, 1)["quorum"]["policy"] = 3
    impact = impact_on(state, Playbook.model_validate(data), everyone_at())
    assert impact.would_differ[0] == "its current stage 'intent' is not in version 9"
    assert impact.would_differ[1].startswith(
        "its named people could not staff version 9: the pdca playbook needs 3 policy "
        "sign-off(s) but the change names 2 policy people (gate 'design approved'"
    )


def test_the_version_a_change_started_on_differs_in_nothing() -> None:
    state = fresh_state(version=3)
    impact = impact_on(state, V3, Authorities(by_person={}))
    assert impact.would_differ == ["it started on version 3; nothing differs"]


def test_a_preview_always_says_running_changes_stay() -> None:
    preview = PlaybookDiff(name="pdca", from_version=3, to_version=4, differences=[])
    assert preview.running_changes == RUNNING_CHANGES_STAY
    assert "never move" in RUNNING_CHANGES_STAY


def test_the_move_to_canonical_hashes_is_described() -> None:
    lines = describe_differences(PLAYBOOKS[("pdca", 4)], PLAYBOOKS[("pdca", 5)])
    assert lines == ["governance: hash scheme sorted-json → jcs"]
