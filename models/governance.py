"""The rules a playbook version switches on, and its service levels. A change pins its
playbook, so these never change under a change in flight."""

from __future__ import annotations

from pydantic import Field

from models.audit import HashScheme
from models.base import Strict


class ServiceLevels(Strict):
    """How long each turn may take, in working days, and when people are chased."""

    sign_off_days: int = Field(default=5, ge=1, le=60, description="A gate's sign-off.")
    decision_days: int = Field(default=3, ge=1, le=60, description="The act decision.")
    rework_days: int = Field(
        default=5, ge=1, le=60, description="The team's turn after request changes or reject."
    )
    challenge_ruling_days: int = Field(
        default=5, ge=1, le=60, description="The service owner's ruling on a challenge."
    )
    remind_before_days: int = Field(
        default=1, ge=0, le=20, description="Remind this many working days before; 0: never."
    )
    escalate_after_days: int = Field(
        default=2, ge=1, le=60, description="Escalate this many working days after the due time."
    )


class Governance(Strict):
    """Rules a playbook version switches on. Defaults are the version 1 behaviour, so
    changes pinned to an older version keep exactly the rules they started with."""

    separation_across_stages: bool = Field(
        default=False,
        description="Whoever approved a gate in one role cannot approve the next gate in "
        "another; the proposer cannot sign the first gate.",
    )
    evidence_bound_approvals: bool = Field(
        default=False,
        description="A new revision resets only the roles whose tagged evidence changed or "
        "that requested changes; other approvals carry over.",
    )
    recheck_authority_at_quorum: bool = Field(
        default=False,
        description="Re-read the directory when a quorum would complete; lapsed approvals "
        "stop counting.",
    )
    challenge_window_working_days: int = Field(
        default=0, ge=0, le=60, description="Working days to challenge a reject; 0 turns it off."
    )
    holiday_calendar: str = Field(
        default="GB-ENG", pattern=r"^[A-Z]{2}(-[A-Z]{2,3})?$", description="COUNTRY-SUBDIVISION"
    )
    service_levels: ServiceLevels | None = Field(
        default=None,
        description="Due times, reminders and escalation; none before version 3, so changes "
        "pinned to an older version keep the rules they started with.",
    )
    hash_scheme: HashScheme = Field(
        default=HashScheme.SORTED_JSON,
        # Left out of dumps while it is the default, so playbooks recorded before it
        # existed (in published events and histories) dump and fingerprint as they did.
        exclude_if=lambda scheme: scheme is HashScheme.SORTED_JSON,
        description="How the change's audit events are written out to be hashed: jcs "
        "(RFC 8785, which any language can check) from pdca version 5 and govuk-phases "
        "version 2; sorted-json, the first scheme, before.",
    )
