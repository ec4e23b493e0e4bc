"""The playbooks Throughline publishes, as data: plan, do, check, act, in every version a
change may be pinned to, and the GOV.UK service phases."""

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


def _preparing_the_ground(data: dict[str, Any]) -> dict[str, Any]:
    """Version 4: the design gate cannot pass while a condition for starting is rated
    missing, unless the service owner overrides with a reason."""
    stages = [
        {**stage, "gate": {**stage["gate"], "requires_ground": True}}
        if stage["name"] == "design"
        else stage
        for stage in data["stages"]
    ]
    return {**data, "version": 4, "stages": stages}


PDCA_V4_PLAYBOOK_DATA: dict[str, Any] = _preparing_the_ground(PDCA_V3_PLAYBOOK_DATA)

_SERVICE_LEVELS = PDCA_V3_PLAYBOOK_DATA["governance"]["service_levels"]

GOVUK_PHASES_PLAYBOOK_DATA: dict[str, Any] = {
    "name": "govuk-phases",
    "version": 1,
    "title": "GOV.UK service phases: discovery, alpha, beta, live",
    "adapt_restart_at": ["private_beta", "alpha"],
    "governance": {**PDCA_V3_PLAYBOOK_DATA["governance"], "service_levels": _SERVICE_LEVELS},
    "stages": [
        {
            "name": "discovery",
            "pdca": "plan",
            "gate": {
                "name": "discovery reviewed",
                "quorum": _ALL_THREE,
                "reject_to": ["discovery", CLOSE],
            },
        },
        {
            "name": "alpha",
            "pdca": "plan",
            "gate": {"name": "alpha assessment", "kind": "assessment", "requires_ground": True},
        },
        {
            "name": "private_beta",
            "pdca": "do",
            "gate": {
                "name": "beta assessment",
                "kind": "assessment",
                "requires_ready": ["operating_model", "digital_service"],
            },
        },
        {
            "name": "public_beta",
            "pdca": "check",
            "records_measurements": True,
            "gate": {
                "name": "live assessment",
                "kind": "assessment",
                "requires_ready": [
                    "policy",
                    "operating_model",
                    "digital_service",
                    "technology",
                    "skills",
                ],
            },
        },
        {
            "name": "live",
            "pdca": "act",
            "owner": "service_owner",
            "gate": {
                "name": "run, iterate or retire",
                "kind": "decision",
                "quorum": {"service_owner": 1},
            },
        },
    ],
}
"""The GOV.UK service phases. Alpha, beta and live each end at a service assessment:
a panel rates the 14 points of the Service Standard. Adopt keeps the service running
live, adapt takes it back to private beta (or alpha) for another round, abandon
retires it."""


def _canonical_hashes(data: dict[str, Any]) -> dict[str, Any]:
    """The next version: the same rules, with audit events hashed over RFC 8785
    canonical JSON so that a verifier in any language can check them."""
    governance = {**data["governance"], "hash_scheme": "jcs"}
    return {**data, "version": data["version"] + 1, "governance": governance}


PDCA_V5_PLAYBOOK_DATA: dict[str, Any] = _canonical_hashes(PDCA_V4_PLAYBOOK_DATA)
GOVUK_PHASES_V2_PLAYBOOK_DATA: dict[str, Any] = _canonical_hashes(GOVUK_PHASES_PLAYBOOK_DATA)

PLAYBOOKS: dict[tuple[str, int], Playbook] = {
    (p.name, p.version): p
    for p in [
        Playbook.model_validate(PDCA_PLAYBOOK_DATA),
        Playbook.model_validate(PDCA_V2_PLAYBOOK_DATA),
        Playbook.model_validate(PDCA_V3_PLAYBOOK_DATA),
        Playbook.model_validate(PDCA_V4_PLAYBOOK_DATA),
        Playbook.model_validate(GOVUK_PHASES_PLAYBOOK_DATA),
        Playbook.model_validate(PDCA_V5_PLAYBOOK_DATA),
        Playbook.model_validate(GOVUK_PHASES_V2_PLAYBOOK_DATA),
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
