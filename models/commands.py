"""Commands people send, as request bodies and as the workflow receives them.

A request body has no actor: the API adds the authenticated person, so identity never
comes from the body. Each workflow command has one pydantic parameter so fields can be
added later without breaking changes that are already running.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from models.assessment import AssessmentRequest
from models.base import Number, PersonId, ShortText, Strict, Text, WholeNumber
from models.evidence import EVIDENCE_LIMIT, EvidenceInput, EvidenceItem
from models.gate import ActOutcome, Decision
from models.intake import AlignmentArea, ChangeIntake, Prioritisation
from models.playbook import Playbook
from models.practice import GroundOverrideRequest, ReadinessRequest
from models.rejection import ChallengeOutcome
from models.roles import Role


class RequestKey(Strict):
    """An Idempotency-Key scoped to its sender, with a fingerprint of the request body."""

    key: Annotated[str, Field(min_length=1, max_length=300)]
    fingerprint: str


class Command(Strict):
    actor: PersonId
    request: RequestKey | None = None

    def people(self) -> list[str]:
        """Whose standing in the directory the workflow reads before acting."""
        return [self.actor]


class SubmitWorkRequest(Strict):
    summary: Text
    evidence: list[EvidenceInput] = Field(min_length=1, max_length=EVIDENCE_LIMIT)


class SubmitWork(Command):
    summary: Text
    evidence: list[EvidenceItem] = Field(min_length=1, max_length=EVIDENCE_LIMIT)


class ConditionInput(Strict):
    description: Text
    owner: PersonId
    due: date


class SignOffRequest(Strict):
    role: Role
    decision: Decision
    revision: WholeNumber = Field(ge=1, description="The revision the signer reviewed.")
    comment: Text | None = None
    reject_to: ShortText | None = Field(
        default=None, description="For reject: the stage to return to, or 'close'."
    )
    acting_for: PersonId | None = Field(
        default=None, description="The role holder you sign for, under their delegation."
    )
    conditions: list[ConditionInput] = Field(
        default_factory=list,
        max_length=20,
        description="For approve_with_conditions: what must be done, by whom, by when.",
    )


class SignOffCommand(Command, SignOffRequest):
    challenge_deadline: datetime | None = Field(
        default=None,
        description="Set by the workflow for a reject, from the working-day calendar.",
    )
    first_observed: dict[str, datetime] | None = Field(
        default=None,
        description="Set by the service for an approval: when each measure's live data "
        "began, for a gate that needs a minimum observation period.",
    )

    def people(self) -> list[str]:
        others = [self.acting_for] if self.acting_for else []
        return list(dict.fromkeys([self.actor, *others, *(c.owner for c in self.conditions)]))


class CloseConditionRequest(Strict):
    note: Text
    evidence: list[EvidenceInput] = Field(min_length=1, max_length=EVIDENCE_LIMIT)


class CloseCondition(Command):
    condition_id: ShortText
    note: Text
    evidence: list[EvidenceItem] = Field(min_length=1, max_length=EVIDENCE_LIMIT)


class ChallengeRequest(Strict):
    reason: Text


class Challenge(Command, ChallengeRequest):
    pass


class ChallengeResolutionRequest(Strict):
    outcome: ChallengeOutcome
    comment: Text


class ResolveChallenge(Command, ChallengeResolutionRequest):
    pass


class MeasurementRequest(Strict):
    metric: ShortText
    value: Number
    note: Text | None = None


class RecordMeasurement(Command, MeasurementRequest):
    pass


class DecisionRequest(Strict):
    outcome: ActOutcome
    comment: Text | None = None
    restart_at: ShortText | None = Field(
        default=None, description="For adapt: the stage the next cycle starts at."
    )


class Decide(Command, DecisionRequest):
    pass


class WithdrawRequest(Strict):
    reason: Text


class Withdraw(Command, WithdrawRequest):
    pass


class Prioritise(Command, Prioritisation):
    """A prioritisation assessment made after intake; it replaces the one before."""


class OverrideGround(Command, GroundOverrideRequest):
    """The service owner lets a change go on although a condition for starting is missing."""


class SetReadiness(Command, ReadinessRequest):
    area: AlignmentArea

    def people(self) -> list[str]:
        return list(dict.fromkeys([self.actor, self.owner]))


class Assess(Command, AssessmentRequest):
    """The lead assessor records the panel's ratings of the team's current revision."""

    first_observed: dict[str, datetime] | None = Field(
        default=None,
        description="Set by the service: when each measure's live data began, for an "
        "assessment gate that needs a minimum observation period.",
    )

    def people(self) -> list[str]:
        return list(dict.fromkeys([self.actor, *(a.owner for a in self.actions)]))


class OpenChange(Command):
    """Sent with the workflow start so the caller learns the real outcome of creation."""


class NewChange(Strict):
    change_id: str
    intake: ChangeIntake
    proposer: PersonId
    playbook: Playbook
