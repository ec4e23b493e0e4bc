"""A gate's state and the pure rules that decide whether it passes.

Quorum: for each role, enough *distinct* people whose approval still counts. One
person counts for one role per gate at most, even if the state was built by hand.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.evidence import Submission
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

    @property
    def is_closed(self) -> bool:
        return self in _CLOSED


_CLOSED = {
    GateStatus.PASSED,
    GateStatus.REJECTED,
    GateStatus.DECIDED,
    GateStatus.CLOSED_UNDECIDED,
}


class Decision(StrEnum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


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
    role: Role
    decision: Decision
    comment: str | None = None
    reject_to: str | None = None
    at: datetime
    counts: bool = Field(description="Whether this approval still counts towards the quorum.")
    not_counted_reason: str | None = None


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
    decision: GateDecision | None = None

    @property
    def current_submission(self) -> Submission | None:
        return next((s for s in self.submissions if s.revision == self.revision), None)

    def signoffs_by(self, person: str) -> list[SignOff]:
        return [s for s in self.signoffs if s.person == person]


def counted_approvers(gate: GateState) -> dict[Role, list[str]]:
    """The distinct people whose approval counts, per role; a person counts once only."""
    seen: set[str] = set()
    counted: dict[Role, list[str]] = {role: [] for role in gate.quorum}
    for signoff in sorted(gate.signoffs, key=lambda s: s.seq):
        if signoff.decision is not Decision.APPROVE or not signoff.counts:
            continue
        if signoff.person in seen or signoff.role not in counted:
            continue
        seen.add(signoff.person)
        counted[signoff.role].append(signoff.person)
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
