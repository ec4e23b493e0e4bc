"""Intake validation gives clear messages."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models.evidence import EvidenceInput, fingerprint
from models.intake import ChangeIntake
from tests.factories import intake, intake_data


def _errors(**overrides: object) -> str:
    with pytest.raises(ValidationError) as caught:
        ChangeIntake.model_validate(intake_data(**overrides))
    return str(caught.value)


def test_valid_intake_is_accepted() -> None:
    change = ChangeIntake.model_validate(intake_data())
    assert change.user_groups[1].underserved
    assert change.measure("online take-up") is not None


def test_at_least_one_success_measure_is_required() -> None:
    assert "at least one success measure is required" in _errors(success_measures=[])


def test_success_measure_metrics_must_be_distinct() -> None:
    measure = {"metric": "m", "baseline": 1, "target": 2, "unit": "u"}
    assert "must be distinct: m" in _errors(success_measures=[measure, measure])


def test_at_least_one_user_group_is_required() -> None:
    assert "user_groups" in _errors(user_groups=[])


def test_blank_title_is_refused() -> None:
    assert "title" in _errors(title="   ")


def test_unknown_fields_are_refused_not_dropped() -> None:
    assert "Extra inputs are not permitted" in _errors(colour="blue")


def test_person_ids_are_slugs() -> None:
    assert "people.policy.0" in _errors(people={"policy": ["Not A Slug"]})


def test_measure_direction_follows_baseline_and_target() -> None:
    change = ChangeIntake.model_validate(intake_data())
    days = change.measure("median days to decision")
    assert days is not None
    assert days.is_met_by(5)
    assert not days.is_met_by(6)


def test_evidence_fingerprint_is_computed_from_content() -> None:
    item = EvidenceInput.model_validate(
        {"title": "t", "uri": "https://x.test/a", "content": "hello"}
    ).to_item()
    assert item.sha256 == fingerprint("hello")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "give either sha256 or content"),
        ({"content": "a", "sha256": fingerprint("b")}, "does not match"),
        ({"sha256": "xyz"}, "String should match pattern"),
        ({"sha256": fingerprint("a"), "uri": "not a uri"}, "uri"),
    ],
)
def test_bad_evidence_is_refused(fields: dict[str, str], message: str) -> None:
    data = {"title": "t", "uri": "https://x.test/a", **fields}
    with pytest.raises(ValidationError, match=message):
        EvidenceInput.model_validate(data)


def test_the_creation_event_records_the_intake_as_version_1_did_unless_a_calendar_is_set() -> None:
    plain = intake()
    recorded = plain.recorded()
    assert "calendar" not in recorded
    assert "playbook_version" not in recorded
    assert set(recorded["people"]) == {"policy", "digital", "operations", "service_owner"}
    assert all(set(g) == {"name", "underserved", "note"} for g in recorded["user_groups"])
    assert recorded["title"] == plain.title
    scottish = intake(calendar="GB-SCT")
    assert scottish.recorded()["calendar"] == "GB-SCT"


def test_the_creation_event_records_need_panel_and_pinned_version_only_when_given() -> None:
    groups = [{"name": "Care leavers", "underserved": True, "severity": "high", "reach": 40}]
    people = {**intake().people.model_dump(), "assessor": ["assessor-a"]}
    recorded = intake(user_groups=groups, people=people, playbook_version=2).recorded()
    assert recorded["user_groups"][0] == {**groups[0], "note": None}
    assert recorded["people"]["assessor"] == ["assessor-a"]
    assert recorded["playbook_version"] == 2


def test_only_the_nations_calendars_are_known() -> None:
    with pytest.raises(ValidationError, match="GB-ENG"):
        intake(calendar="FR")


def test_a_keyed_proposal_fingerprints_as_it_did_before_the_newer_fields() -> None:
    keyed = intake().keyed()
    assert keyed["calendar"] is None
    assert "playbook_version" not in keyed
    assert "assessor" not in keyed["people"]
    assert all("severity" not in g and "reach" not in g for g in keyed["user_groups"])
