"""Playbooks are data, validated before use."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from models import errors
from models.playbook import GateKind, Playbook
from models.playbooks import PDCA_PLAYBOOK_DATA, latest_playbook
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
    with pytest.raises(errors.UnknownPlaybook, match="known playbooks: pdca"):
        latest_playbook("waterfall")
