"""Commands people send, as request bodies and as the workflow receives them.

A request body has no actor: the API adds the authenticated person, so identity never
comes from the body. Each workflow command has one pydantic parameter so fields can be
added later without breaking changes that are already running.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from models.change import ChangeState
from models.evidence import EvidenceInput, EvidenceItem
from models.gate import ActOutcome, Decision
from models.intake import ChangeIntake, PersonId, ShortText, Strict, Text
from models.playbook import Playbook
from models.roles import Role
from models.views import GateView


class RequestKey(Strict):
    """An Idempotency-Key scoped to its sender, with a fingerprint of the request body."""

    key: Annotated[str, Field(min_length=1, max_length=300)]
    fingerprint: str


class Command(Strict):
    actor: PersonId
    request: RequestKey | None = None


class SubmitWorkRequest(Strict):
    summary: Text
    evidence: list[EvidenceInput] = Field(min_length=1, max_length=100)


class SubmitWork(Command):
    summary: Text
    evidence: list[EvidenceItem] = Field(min_length=1, max_length=100)


class SignOffRequest(Strict):
    role: Role
    decision: Decision
    revision: int = Field(ge=1, description="The revision the signer reviewed.")
    comment: Text | None = None
    reject_to: ShortText | None = Field(
        default=None, description="For reject: the stage to return to, or 'close'."
    )


class SignOffCommand(Command, SignOffRequest):
    pass


class MeasurementRequest(Strict):
    metric: ShortText
    value: float
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


class OpenChange(Command):
    """Sent with the workflow start so the caller learns the real outcome of creation."""


class NewChange(Strict):
    change_id: str
    intake: ChangeIntake
    proposer: PersonId
    playbook: Playbook


class CommandResult(Strict):
    change_id: str
    command: str
    seq: int = Field(description="The audit sequence number after the command took effect.")
    status: str
    stage: str
    iteration: int
    gate: GateView = Field(description="The gate the change is at now.")
    closed_gate: GateView | None = Field(
        default=None, description="The gate this command closed, when it closed one."
    )


class Receipt(Strict):
    """What a completed command returned, kept so a retry gets the same answer."""

    key: str
    fingerprint: str
    result: CommandResult


class ChangeStart(Strict):
    """Workflow input: a brand-new change, or the state carried into a new run."""

    new: NewChange | None = None
    carried: ChangeState | None = None
    creation: RequestKey | None = Field(
        default=None, description="The Idempotency-Key the change was created with."
    )
    creation_result: CommandResult | None = Field(
        default=None, description="What creation returned, kept for retries of the create."
    )
    receipts: list[Receipt] = Field(default_factory=list)


class ChangeOutcome(Strict):
    change_id: str
    status: str
    iteration: int
    last_seq: int
    last_hash: str
