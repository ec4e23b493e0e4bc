"""A gate's state and the pure rules that decide whether it passes.

Quorum: for each role, enough *distinct* people whose approval still counts. A
delegate counts as the holder they act for, and one person counts for one role per
gate at most, even if the state was built by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from models.evidence import EvidenceItem, Submission
from models.intake import Strict
from models.playbook import GateKind
from models.roles import Role


class GateStatus(StrEnum):
    AWAITING_SUBMISSION = "awaiting_submission"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    PASSED = "passed"
    REJECTED = "rejected"
    DECIDED = "decided"
    CLOSED_UNDECIDED = "closed_undecided"
    WITHDRAWN = "withdrawn"
    """Closed because a reject that led here was overturned."""

    @property
    def is_closed(self) -> bool:
        return self in _CLOSED


_CLOSED = {
    GateStatus.PASSED,
    GateStatus.REJECTED,
    GateStatus.DECIDED,
    GateStatus.CLOSED_UNDECIDED,
    GateStatus.WITHDRAWN,
}


class Decision(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"

    @property
    def approves(self) -> bool:
        return self in {Decision.APPROVE, Decision.APPROVE_WITH_CONDITIONS}


class ActOutcome(StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


class GateDecision(Strict):
    outcome: ActOutcome
    decided_by: str
    comment: str | None = None
    restart_at: str | None = None
    at: datetime


class ConditionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Condition(Strict):
    """Raised by an amber approval; it must be closed before a later gate can pass."""

    id: str
    gate_id: str
    gate_name: str
    description: str
    owner: str
    due: date
    raised_by: str
    raised_role: Role
    raised_at: datetime
    status: ConditionStatus = ConditionStatus.OPEN
    binding: bool = Field(
        default=False, description="True once its gate passed; it then holds later gates."
    )
    closed_by: str | None = None
    closed_at: datetime | None = None
    note: str | None = None
    evidence: list[EvidenceItem] = Field(default_factory=list)


class SignOff(Strict):
    seq: int = Field(description="The audit sequence number that recorded this sign-off.")
    gate_id: str
    revision: int
    person: str
    acting_for: str | None = Field(
        default=None, description="The role holder a delegate signed for."
    )
    role: Role
    decision: Decision
    comment: str | None = None
    reject_to: str | None = None
    condition_ids: list[str] = Field(default_factory=list)
    at: datetime
    counts: bool = Field(description="Whether this approval still counts towards the quorum.")
    not_counted_reason: str | None = None
    lapsed_at_revision: int | None = Field(
        default=None,
        description="The revision under review when the re-check found its authority gone.",
    )

    @property
    def counted_as(self) -> str:
        """Who this sign-off counts as: the holder, when a delegate signed."""
        return self.acting_for or self.person

    @property
    def people(self) -> set[str]:
        return {self.person, self.counted_as}


class ApprovalNote(Strict):
    """What a new revision did to an earlier approval, and why."""

    revision: int
    person: str
    acting_for: str | None = None
    role: Role
    carried_over: bool
    reason: str


class GateState(Strict):
    id: str = Field(description="iteration.stage.visit, unique within the change.")
    iteration: int
    stage: str
    name: str
    kind: GateKind
    quorum: dict[Role, int]
    reject_to: list[str]
    status: GateStatus
    opened_at: datetime
    closed_at: datetime | None = None
    revision: int | None = None
    submissions: list[Submission] = Field(default_factory=list)
    signoffs: list[SignOff] = Field(default_factory=list)
    approval_notes: list[ApprovalNote] = Field(default_factory=list)
    decision: GateDecision | None = None

    @property
    def current_submission(self) -> Submission | None:
        return next((s for s in self.submissions if s.revision == self.revision), None)

    def compact_submissions(self, keep: int) -> None:
        """Trim every revision but the newest `keep`, so a gate that saw many revisions
        does not fill the change's record."""
        for submission in sorted(self.submissions, key=lambda s: s.revision)[:-keep]:
            submission.compact()

    def signoffs_by(self, person: str) -> list[SignOff]:
        """Sign-offs where this person signed, or was signed for."""
        return [s for s in self.signoffs if person in s.people]

    def counting_approvals(self) -> list[SignOff]:
        return [s for s in self.signoffs if s.decision.approves and s.counts]


def counted_approvers(gate: GateState) -> dict[Role, list[str]]:
    """The distinct people whose approval counts, per role; a person counts once only."""
    seen: set[str] = set()
    counted: dict[Role, list[str]] = {role: [] for role in gate.quorum}
    for signoff in sorted(gate.counting_approvals(), key=lambda s: s.seq):
        if signoff.people & seen or signoff.role not in counted:
            continue
        seen |= signoff.people
        counted[signoff.role].append(signoff.counted_as)
    return counted


def unmet_roles(gate: GateState) -> dict[Role, int]:
    """How many more approvals each role still needs."""
    counted = counted_approvers(gate)
    return {
        role: need - len(counted[role])
        for role, need in gate.quorum.items()
        if len(counted[role]) < need
    }


def quorum_met(gate: GateState) -> bool:
    return not unmet_roles(gate)
