"""Playbooks are data, validated before use."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from models import errors
from models.intake import AlignmentArea
from models.playbook import GOV_UK_PANEL, GateDef, GateKind, Playbook
from models.playbooks import (
    GOVUK_PHASES_PLAYBOOK_DATA,
    PDCA_PLAYBOOK_DATA,
    PDCA_V4_PLAYBOOK_DATA,
    PLAYBOOKS,
    latest_playbook,
)
from models.roles import Role


def _variant(change: dict[str, Any], stage: int = 1) -> dict[str, Any]:
    data = copy.deepcopy(PDCA_PLAYBOOK_DATA)
    data["stages"][stage]["gate"].update(change)
    return data


def test_default_playbook_follows_pdca() -> None:
    playbook = latest_playbook("pdca")
    assert [s.name for s in playbook.stages] == ["intent", "design", "delivery", "check", "act"]
    assert [s.pdca for s in playbook.stages] == ["plan", "plan", "do", "check", "act"]
    assert playbook.stage("design").gate.reject_to == ["design", "intent"]
    assert playbook.stage("delivery").gate.reject_to == ["delivery", "design"]
    assert playbook.stage("act").gate.kind is GateKind.DECISION
    assert playbook.stage("act").gate.quorum == {Role.SERVICE_OWNER: 1}
    for stage in playbook.stages[:4]:
        assert stage.gate.quorum == {Role.POLICY: 1, Role.DIGITAL: 1, Role.OPERATIONS: 1}


def test_reject_may_not_jump_forward() -> None:
    with pytest.raises(ValidationError, match="may only reject back to earlier stages"):
        Playbook.model_validate(_variant({"reject_to": ["check"]}))


def test_quorum_must_be_positive_and_for_signing_roles() -> None:
    with pytest.raises(ValidationError, match="at least 1"):
        Playbook.model_validate(_variant({"quorum": {"policy": 0}}))
    with pytest.raises(ValidationError, match="cannot sign"):
        Playbook.model_validate(_variant({"quorum": {"auditor": 1}}))


def test_decision_gate_belongs_to_the_service_owner() -> None:
    with pytest.raises(ValidationError, match="service owner"):
        Playbook.model_validate(_variant({"kind": "decision", "quorum": {"policy": 1}}))


def test_unknown_playbook_names_the_known_ones() -> None:
    with pytest.raises(errors.UnknownPlaybook, match="known playbooks: govuk-phases, pdca"):
        latest_playbook("waterfall")


def _phases_variant(change: dict[str, Any], stage: int) -> dict[str, Any]:
    data = copy.deepcopy(GOVUK_PHASES_PLAYBOOK_DATA)
    data["stages"][stage]["gate"].update(change)
    return data


def test_an_assessment_gate_is_led_by_one_assessor_with_the_govuk_panel_by_default() -> None:
    gate = GateDef.model_validate({"name": "alpha assessment", "kind": "assessment"})
    assert gate.quorum == {Role.ASSESSOR: 1}
    assert gate.panel == GOV_UK_PANEL
    assert gate.panel[0] == "lead assessor"
    named = GateDef.model_validate(
        {"name": "peer review", "kind": "assessment", "panel": ["chair"]}
    )
    assert named.panel == ["chair"]


def test_the_govuk_phases_end_alpha_beta_and_public_beta_with_assessments() -> None:
    playbook = PLAYBOOKS[("govuk-phases", 1)]
    assert [s.name for s in playbook.stages] == [
        "discovery",
        "alpha",
        "private_beta",
        "public_beta",
        "live",
    ]
    kinds = [s.gate.kind for s in playbook.stages]
    assert kinds == [
        GateKind.SIGN_OFF,
        GateKind.ASSESSMENT,
        GateKind.ASSESSMENT,
        GateKind.ASSESSMENT,
        GateKind.DECISION,
    ]
    assert playbook.stage("alpha").gate.requires_ground
    assert playbook.stage("private_beta").gate.requires_ready == [
        AlignmentArea.OPERATING_MODEL,
        AlignmentArea.DIGITAL_SERVICE,
    ]
    assert set(playbook.stage("public_beta").gate.requires_ready) == set(AlignmentArea)


def test_version_four_of_pdca_prepares_the_ground_before_design_only() -> None:
    playbook = PLAYBOOKS[("pdca", 4)]
    assert [s.name for s in playbook.stages if s.gate.requires_ground] == ["design"]
    assert not any(s.gate.requires_ground for s in PLAYBOOKS[("pdca", 3)].stages)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quorum": {"assessor": 2}}, "'alpha assessment' is assessed by one lead assessor"),
        ({"quorum": {"policy": 1}}, "'alpha assessment' is assessed by one lead assessor"),
        ({"panel": []}, "'alpha assessment' needs at least one panel seat"),
        ({"panel": ["chair", "chair"]}, "'alpha assessment' names a panel seat twice"),
    ],
)
def test_an_assessment_gate_must_be_led_by_one_assessor_with_distinct_seats(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Playbook.model_validate(_phases_variant(change, stage=1))


def test_only_assessment_gates_have_assessors_or_a_panel() -> None:
    with pytest.raises(ValidationError, match="only assessment gates are assessed by assessors"):
        Playbook.model_validate(_variant({"quorum": {"assessor": 1}}))
    with pytest.raises(ValidationError, match="only assessment gates have a panel"):
        Playbook.model_validate(_variant({"panel": ["chair"]}))


def test_a_gate_requires_known_areas_and_a_sensible_observation_period() -> None:
    ready = Playbook.model_validate(_variant({"requires_ready": ["skills", "policy"]}))
    assert ready.stage("design").gate.requires_ready == [AlignmentArea.SKILLS, AlignmentArea.POLICY]
    with pytest.raises(ValidationError, match="requires_ready"):
        Playbook.model_validate(_variant({"requires_ready": ["finance"]}))
    observed = Playbook.model_validate(_variant({"min_observation_days": 28}, stage=3))
    assert observed.stage("check").gate.min_observation_days == 28
    for days in (0, 367):
        with pytest.raises(ValidationError, match="min_observation_days"):
            Playbook.model_validate(_variant({"min_observation_days": days}, stage=3))
    assert latest_playbook("pdca").stage("check").gate.min_observation_days is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["stages"].pop(), "the last stage, 'check', must end at a decision gate"),
        (
            lambda d: d["stages"][1]["gate"].update(
                kind="decision", quorum={"service_owner": 1}, reject_to=[], requires_ground=False
            ),
            "only the last stage may end at a decision gate, not ['design']",
        ),
        (
            lambda d: d["stages"][-1]["gate"].update(quorum={"service_owner": 1, "policy": 2}),
            "decision gate 'adopt, adapt or abandon' is decided by one service owner",
        ),
        (
            lambda d: d["stages"][-1]["gate"].update(requires_ready=["skills"]),
            "cannot have requires_ready: put them on a gate before it",
        ),
        (
            lambda d: d["stages"][2]["gate"].update(kind="assessment", quorum={"assessor": 1}),
            "assessment gate 'ready for release' cannot reject",
        ),
        (lambda d: d["stages"][0].update(name="in.tent"), "use 1 to 64 of a-z, 0-9, _ and -"),
        (lambda d: d["stages"][0].update(owner="auditor"), "is owned by digital, not auditor"),
        (lambda d: d["stages"][0].update(name="close"), "'close' is the reject target"),
        (lambda d: d.update(adapt_restart_at=[]), "adapt_restart_at must name the stage"),
        (lambda d: d.update(adapt_restart_at=["act"]), "cannot name the decision stage"),
    ],
)
def test_a_playbook_ends_at_one_decision_an_adapt_can_restart_from(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    data = copy.deepcopy(PDCA_V4_PLAYBOOK_DATA)
    change(data)
    with pytest.raises(ValidationError, match=re.escape(message)):
        Playbook.model_validate(data)
