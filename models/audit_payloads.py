"""What each kind of audit event's payload holds, field by field: the change logs', the
directory log's and the refusals log's. The API's schema prints it beside
AuditEvent.payload, and a test holds it to the payloads recorded histories carry."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.directory.events import DirectoryEventKind as Directory
from models.events import EventKind as Change
from models.refusals import REFUSED


@dataclass(frozen=True)
class PayloadShape:
    meaning: str
    fields: dict[str, str]
    optional: frozenset[str] = field(default_factory=frozenset)
    """Fields an older event, or some paths, leave out."""

    @property
    def required(self) -> frozenset[str]:
        return frozenset(self.fields) - self.optional


_GATE = "the gate's id"
_DIFF = {"before": "the record before (null: none)", "after": "the record after"}
_DELEGATION = {
    "delegation_id": "the delegation's id",
    "delegator": "who handed the role on",
    "delegate": "who took it",
    "role": "the role",
    "change_id": "the one change it covers (null: every change)",
    **_DIFF,
}
_HANDOFF_CHASE = {
    "handoff_seq": "the seq of the handoff event chased",
    "roles": "the roles it waits on",
    "due_at": "when it was due",
}
_CONDITION_CHASE = {
    "condition_id": "the condition",
    "owner": "who must close it",
    "due_at": "when it was due",
}
_ESCALATED = {"to": "the roles it was raised with"}

_CHANGE: dict[str, PayloadShape] = {
    Change.CHANGE_CREATED: PayloadShape(
        "the change was proposed",
        {"intake": "the policy intent, as proposed", "playbook": "the playbook and version"},
    ),
    Change.WORK_SUBMITTED: PayloadShape(
        "work was submitted at a gate",
        {
            "gate_id": _GATE,
            "stage": "the stage",
            "revision": "the submission's revision, 1 upwards",
            "summary": "what was done",
            "evidence": "the evidence items",
            "measurements": "measurements submitted with it",
            "submitted_by": "who submitted",
            "submitted_at": "when",
        },
    ),
    Change.SIGNED_OFF: PayloadShape(
        "someone signed a gate off",
        {
            "gate_id": _GATE,
            "role": "the role signed for",
            "decision": "approve, approve_with_conditions, request_changes or reject",
            "revision": "the revision reviewed",
            "comment": "the signer's comment",
            "reject_to": "for a reject: the stage to return to, or close",
            "acting_for": "the role holder signed for, under delegation",
            "conditions": "for approve_with_conditions: the conditions",
        },
        frozenset({"acting_for", "conditions"}),
    ),
    Change.APPROVAL_LAPSED: PayloadShape(
        "an approval stopped counting",
        {"gate_id": _GATE, "signoff_seq": "the seq of the sign-off", "reason": "why"},
    ),
    Change.GATE_PASSED: PayloadShape(
        "a gate passed",
        {
            "gate_id": _GATE,
            "gate": "the gate's name",
            "revision": "the revision approved",
            "approvers": "who approved, by role",
        },
    ),
    Change.GATE_REJECTED: PayloadShape(
        "a gate was rejected",
        {
            "gate_id": _GATE,
            "revision": "the revision rejected",
            "comment": "the reason given",
            "to": "the stage returned to, or close",
            "challenge_deadline": "until when the reject may be challenged",
        },
        frozenset({"challenge_deadline"}),
    ),
    Change.STAGE_ENTERED: PayloadShape(
        "the change entered a stage",
        {"stage": "the stage", "gate_id": "the gate it ends at", "iteration": "the cycle"},
    ),
    Change.HANDOFF: PayloadShape(
        "responsibility passed from one party to another",
        {
            "from": "who had it",
            "to": "who has it now",
            "roles": "the roles that may act",
            "reason": "why",
            "kind": "flow, escalation, overdue or stuck (absent: flow)",
        },
        frozenset({"kind"}),
    ),
    Change.MEASUREMENT_RECORDED: PayloadShape(
        "a success measure was measured",
        {
            "iteration": "the cycle",
            "metric": "the measure",
            "value": "the value",
            "note": "a note",
            "recorded_by": "who",
            "recorded_at": "when",
        },
    ),
    Change.DECISION_MADE: PayloadShape(
        "the service owner decided at the act gate",
        {
            "gate_id": _GATE,
            "outcome": "adopt, adapt or abandon",
            "comment": "why",
            "restart_at": "for adapt: the stage the next cycle starts at",
            "decided_by": "who",
            "at": "when",
        },
    ),
    Change.CYCLE_STARTED: PayloadShape(
        "a new improvement cycle began",
        {"iteration": "the new cycle", "restart_at": "the stage it starts at"},
    ),
    Change.CHANGE_CLOSED: PayloadShape(
        "the change closed", {"status": "the final status", "comment": "why"}
    ),
    Change.CONDITION_CLOSED: PayloadShape(
        "a condition of an approval was met",
        {"condition_id": "the condition", "note": "what was done", "evidence": "the evidence"},
    ),
    Change.REJECT_CHALLENGED: PayloadShape(
        "a reject was challenged",
        {"gate_id": _GATE, "rejection_seq": "the seq of the reject", "reason": "why"},
    ),
    Change.CHALLENGE_RESOLVED: PayloadShape(
        "the service owner resolved a challenge",
        {
            "rejection_seq": "the seq of the reject",
            "outcome": "uphold or overturn",
            "comment": "why",
        },
    ),
    Change.CHALLENGE_LAPSED: PayloadShape(
        "a challenge went unanswered and lapsed",
        {"rejection_seq": "the seq of the reject", "reason": "why"},
    ),
    Change.HANDOFF_REMINDED: PayloadShape("a handoff's holder was reminded", _HANDOFF_CHASE),
    Change.HANDOFF_OVERDUE: PayloadShape("a handoff fell overdue", _HANDOFF_CHASE),
    Change.HANDOFF_ESCALATED: PayloadShape(
        "an overdue handoff was escalated", {**_HANDOFF_CHASE, **_ESCALATED}
    ),
    Change.CONDITION_REMINDED: PayloadShape("a condition's owner was reminded", _CONDITION_CHASE),
    Change.CONDITION_OVERDUE: PayloadShape("a condition fell overdue", _CONDITION_CHASE),
    Change.CONDITION_ESCALATED: PayloadShape(
        "an overdue condition was escalated", {**_CONDITION_CHASE, **_ESCALATED}
    ),
    Change.CHANGE_STUCK: PayloadShape(
        "nobody left may take the role the change waits on",
        {"gate_id": _GATE, "roles": "the roles nobody can take", **_ESCALATED, "reason": "why"},
    ),
    Change.STUCK_CLEARED: PayloadShape(
        "someone may take the role again", {"gate_id": _GATE, "reason": "why"}
    ),
    Change.PRIORITISED: PayloadShape(
        "the change's ground was assessed",
        {
            "alignment": "the five areas' alignment",
            "capability": "rated low, medium or high, with a note",
            "operational_capacity": "rated low, medium or high, with a note",
            "senior_interest": "rated low, medium or high, with a note",
            "missing": "what must be prepared before the change goes on",
            "override_cleared": "true when this assessment ends an earlier override",
        },
        frozenset({"override_cleared"}),
    ),
    Change.GROUND_OVERRIDDEN: PayloadShape(
        "the service owner let the change on before its ground was ready",
        {"gate": "the gate", "missing": "what was not ready", "reason": "why"},
    ),
    Change.READINESS_SET: PayloadShape(
        "one of the five areas' readiness was set",
        {"area": "the area", "status": "its readiness", "owner": "who owns it", "note": "a note"},
    ),
    Change.ASSESSED: PayloadShape(
        "a service assessment panel assessed the change",
        {
            "gate_id": _GATE,
            "revision": "the revision assessed",
            "panel": "the assessors",
            "ratings": "red, amber or green, point by point",
            "red_points": "the points rated red",
            "passed": "whether it passed",
            "actions": "what must be done",
            "reassessment": "whether this assessed again after a fail",
            "summary": "the panel's overall view",
        },
        frozenset({"summary"}),
    ),
}

_PERSON = {"person": "the person's id", **_DIFF}

_DIRECTORY: dict[str, PayloadShape] = {
    Directory.DIRECTORY_IMPORTED: PayloadShape(
        "the directory began from the rows it held before it had a log",
        {
            "people": "everyone",
            "delegations": "every delegation",
            "before": "null",
            "after": "how many people and delegations it began with",
        },
    ),
    Directory.PERSON_ADDED: PayloadShape("a person was added", _PERSON),
    Directory.PERSON_DEACTIVATED: PayloadShape("a person was deactivated", _PERSON),
    Directory.PERSON_REACTIVATED: PayloadShape("a person was reactivated", _PERSON),
    Directory.ROLE_GRANTED: PayloadShape("a role was granted", {**_PERSON, "role": "the role"}),
    Directory.ROLE_REVOKED: PayloadShape("a role was revoked", {**_PERSON, "role": "the role"}),
    Directory.DELEGATION_CREATED: PayloadShape("a role was delegated", _DELEGATION),
    Directory.DELEGATION_REVOKED: PayloadShape("a delegation was revoked", _DELEGATION),
    Directory.DELEGATION_EXPIRED: PayloadShape("a delegation ran out", _DELEGATION),
    Directory.DELEGATION_EXPIRING: PayloadShape("a delegation is about to run out", _DELEGATION),
    Directory.TOKEN_REVOKED: PayloadShape(
        "an API token was revoked",
        {"token_id": "the token", "expires_at": "when it would have expired", **_PERSON},
    ),
    Directory.TOKENS_REVOKED: PayloadShape("every token of a person was revoked", _PERSON),
    Directory.PLAYBOOK_PUBLISHED: PayloadShape(
        "a playbook version was published",
        {
            "name": "the playbook",
            "version": "its new version",
            "fingerprint": "the hash of its definition",
            "document": "the definition",
        },
    ),
    Directory.ARCHIVES_PURGED: PayloadShape(
        "archived histories were purged",
        {"cutoff": "closed before this", "reason": "why", "runs": "each run purged"},
    ),
}

_REFUSALS: dict[str, PayloadShape] = {
    REFUSED: PayloadShape(
        "a command was refused by a rule",
        {"command": "the command", "code": "the error code", "reason": "why, in words"},
    ),
}

PAYLOADS: dict[str, PayloadShape] = {**_CHANGE, **_DIRECTORY, **_REFUSALS}
"""Every kind of every chained log, with its payload's shape."""


def payload_guide() -> str:
    """The shapes as Markdown, for the schema's description of the payload."""
    lines = ["What the payload holds depends on `kind`:", ""]
    for kind, shape in PAYLOADS.items():
        described = ", ".join(
            f"`{name}`{' (optional)' if name in shape.optional else ''}: {meaning}"
            for name, meaning in shape.fields.items()
        )
        lines.append(f"- `{kind}`: {shape.meaning}. {described}.")
    return "\n".join(lines)
