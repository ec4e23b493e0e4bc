"""The playbooks Throughline publishes, as data: plan, do, check, act, in every version a
change may be pinned to."""

from __future__ import annotations

from typing import Any

from models.errors import UnknownPlaybook
from models.playbook import CLOSE, Playbook

_ALL_THREE = {"policy": 1, "digital": 1, "operations": 1}

PDCA_PLAYBOOK_DATA: dict[str, Any] = {
    "name": "pdca",
    "version": 1,
    "title": "Plan, do, check, act",
    "adapt_restart_at": ["design", "intent"],
    "stages": [
        {
            "name": "intent",
            "pdca": "plan",
            "gate": {"name": "intent agreed", "quorum": _ALL_THREE, "reject_to": ["intent", CLOSE]},
        },
        {
            "name": "design",
            "pdca": "plan",
            "gate": {
                "name": "design approved",
                "quorum": _ALL_THREE,
                "reject_to": ["design", "intent"],
            },
        },
        {
            "name": "delivery",
            "pdca": "do",
            "gate": {
                "name": "ready for release",
                "quorum": _ALL_THREE,
                "reject_to": ["delivery", "design"],
            },
        },
        {
            "name": "check",
            "pdca": "check",
            "records_measurements": True,
            "gate": {"name": "outcome reviewed", "quorum": _ALL_THREE, "reject_to": ["check"]},
        },
        {
            "name": "act",
            "pdca": "act",
            "owner": "service_owner",
            "gate": {
                "name": "adopt, adapt or abandon",
                "kind": "decision",
                "quorum": {"service_owner": 1},
            },
        },
    ],
}

PDCA_V2_PLAYBOOK_DATA: dict[str, Any] = {
    **PDCA_PLAYBOOK_DATA,
    "version": 2,
    "governance": {
        "separation_across_stages": True,
        "evidence_bound_approvals": True,
        "recheck_authority_at_quorum": True,
        "challenge_window_working_days": 10,
        "holiday_calendar": "GB-ENG",
    },
}


def _with_service_levels(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3: each gate's service level in working days, and the team's turn after
    it sends work back, stated in the data rather than left to defaults."""
    stages = []
    for stage in data["stages"]:
        gate = dict(stage["gate"])
        decision = gate.get("kind") == "decision"
        gate["service_level_days"] = 3 if decision else 5
        if not decision:
            gate["rework_days"] = 5
        stages.append({**stage, "gate": gate})
    return {**data, "stages": stages}


PDCA_V3_PLAYBOOK_DATA: dict[str, Any] = _with_service_levels(
    {
        **PDCA_V2_PLAYBOOK_DATA,
        "version": 3,
        "governance": {
            **PDCA_V2_PLAYBOOK_DATA["governance"],
            "service_levels": {
                "sign_off_days": 5,
                "decision_days": 3,
                "rework_days": 5,
                "challenge_ruling_days": 5,
                "remind_before_days": 1,
                "escalate_after_days": 2,
            },
        },
    }
)

PLAYBOOKS: dict[tuple[str, int], Playbook] = {
    (p.name, p.version): p
    for p in [
        Playbook.model_validate(PDCA_PLAYBOOK_DATA),
        Playbook.model_validate(PDCA_V2_PLAYBOOK_DATA),
        Playbook.model_validate(PDCA_V3_PLAYBOOK_DATA),
    ]
}


def latest_playbook(name: str) -> Playbook:
    """The newest published version of a playbook, by name."""
    versions = [p for (n, _), p in PLAYBOOKS.items() if n == name]
    if not versions:
        known = ", ".join(sorted({n for n, _ in PLAYBOOKS}))
        raise UnknownPlaybook(f"unknown playbook {name!r}; known playbooks: {known}")
    return max(versions, key=lambda p: p.version)


def published_playbooks() -> list[Playbook]:
    """Every published playbook version, by name and then version."""
    return sorted(PLAYBOOKS.values(), key=lambda p: (p.name, p.version))
