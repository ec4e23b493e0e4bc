"""The live state of one service change, as its workflow holds it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from models.audit import GENESIS_HASH, AuditEvent, event_hash
from models.evidence import Measurement
from models.gate import ActOutcome, GateState
from models.intake import ChangeIntake, Strict
from models.playbook import Playbook
from models.roles import Role


class ChangeStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"

    @property
    def is_closed(self) -> bool:
        return self is not ChangeStatus.ACTIVE


class Handoff(Strict):
    """Responsibility moving from one party to another; open until the next party acts."""

    seq: int = Field(description="The audit sequence number that opened this handoff.")
    from_party: str
    to_party: str
    roles: list[Role]
    reason: str
    opened_at: datetime
    closed_at: datetime | None = None


class CycleSummary(Strict):
    iteration: int
    outcome: ActOutcome
    decided_by: str
    comment: str | None
    decided_at: datetime
    measurements: list[Measurement]


class ChangeState(Strict):
    change_id: str
    intake: ChangeIntake
    proposer: str
    playbook: Playbook
    iteration: int = 1
    status: ChangeStatus = ChangeStatus.ACTIVE
    stage: str
    gate: GateState
    past_gates: list[GateState] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    handoffs: list[Handoff] = Field(default_factory=list)
    cycles: list[CycleSummary] = Field(default_factory=list)
    stage_visits: dict[str, int] = Field(default_factory=dict)
    next_revision: int = 1
    seq: int = 0
    last_hash: str = GENESIS_HASH
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    closing_comment: str | None = None
    restart_at: str | None = Field(
        default=None, description="Set when an adapt decision ends this cycle."
    )

    @property
    def open_handoff(self) -> Handoff | None:
        return next((h for h in reversed(self.handoffs) if h.closed_at is None), None)

    def measurement(self, metric: str) -> Measurement | None:
        return next((m for m in self.measurements if m.metric == metric), None)

    def record(
        self,
        *,
        kind: str,
        actor: str,
        role: Role | str | None,
        at: datetime,
        payload: dict[str, Any],
    ) -> AuditEvent:
        """Append one audit event to the chain and return it."""
        self.seq += 1
        role_text = str(role) if role is not None else None
        digest = event_hash(
            change_id=self.change_id,
            seq=self.seq,
            at=at,
            actor=actor,
            role=role_text,
            kind=kind,
            payload=payload,
            prev_hash=self.last_hash,
        )
        event = AuditEvent(
            change_id=self.change_id,
            seq=self.seq,
            at=at,
            actor=actor,
            role=role_text,
            kind=kind,
            payload=payload,
            prev_hash=self.last_hash,
            hash=digest,
        )
        self.last_hash = digest
        self.updated_at = at
        return event
