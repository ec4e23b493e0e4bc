"""A condition: raised by an amber approval, it holds later gates until its owner
closes it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from models.evidence import EvidenceItem
from models.handoff import Chase
from models.roles import Role


class ConditionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Condition(Chase):
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
