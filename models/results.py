"""What commands return, and what a workflow run starts from."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from models.base import Strict
from models.change import ChangeState, ChangeStatus
from models.commands import NewChange, RequestKey
from models.gate import GateState
from models.read.views import GateView, describe_gate


class CommandName(StrEnum):
    """The commands a change takes, as a CommandResult names them."""

    OPEN = "open"
    SUBMIT_WORK = "submit_work"
    SIGN_OFF = "sign_off"
    RECORD_MEASUREMENT = "record_measurement"
    DECIDE = "decide"
    WITHDRAW = "withdraw"
    CLOSE_CONDITION = "close_condition"
    CHALLENGE = "challenge"
    RESOLVE_CHALLENGE = "resolve_challenge"
    PRIORITISE = "prioritise"
    OVERRIDE_GROUND = "override_ground"
    SET_READINESS = "set_readiness"
    ASSESS = "assess"


class CommandResult(Strict):
    change_id: str
    command: CommandName
    seq: int = Field(description="The audit sequence number after the command took effect.")
    status: ChangeStatus
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

    @classmethod
    def of(cls, request: RequestKey, result: CommandResult) -> Receipt:
        return cls(key=request.key, fingerprint=request.fingerprint, result=result)


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
    status: ChangeStatus
    iteration: int
    last_seq: int
    last_hash: str


def result_of(state: ChangeState, command: str, closed: GateState | None = None) -> CommandResult:
    """What a command returns: the change's state now, and the gate it closed, if any."""
    return CommandResult(
        change_id=state.change_id,
        command=CommandName(command),
        seq=state.seq,
        status=state.status,
        stage=state.stage,
        iteration=state.iteration,
        gate=describe_gate(state, state.gate),
        closed_gate=describe_gate(state, closed) if closed else None,
    )


class DirectoryNews(Strict):
    """A signal to a change: the directory changed for someone it names."""

    reason: str = Field(max_length=200)
