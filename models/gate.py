"""A gate as a change holds it: its status, the sign-offs given at it, the decision
made at the act gate. The rules that decide whether it passes are in models/rules/
(quorum.py for the quorum, sign_off.py for who may sign)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.base import Strict
from models.evidence import Submission
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
