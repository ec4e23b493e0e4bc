"""A reject, kept with the gate as it stood before, so a challenge can overturn it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from models.base import Strict
from models.gate import GateState
from models.roles import Role


class ChallengeOutcome(StrEnum):
    UPHOLD = "uphold"
    OVERTURN = "overturn"
    LAPSED = "lapsed"
    """Closed without a decision: a later reject, a new cycle or the change's close made it moot."""


class ChallengeRecord(Strict):
    filed_by: str
    reason: str
    filed_at: datetime
    outcome: ChallengeOutcome | None = None
    resolved_by: str | None = None
    comment: str | None = None
    resolved_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.outcome is None


class Rejection(Strict):
    seq: int
    iteration: int
    gate_id: str
    gate_name: str
    rejected_by: str
    acting_for: str | None = None
    role: Role
    comment: str
    to: str
    at: datetime
    challenge_deadline: datetime | None
    gate_before: GateState | None
    change_was_closed: bool = False
    challenge: ChallengeRecord | None = None

    def window_open(self, now: datetime) -> bool:
        return self.challenge_deadline is not None and now <= self.challenge_deadline
