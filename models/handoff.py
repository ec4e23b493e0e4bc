"""A handoff: responsibility moving from one party to another, open until the next
party acts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.base import Strict
from models.roles import Role


class HandoffKind(StrEnum):
    FLOW = "flow"
    """The main line of responsibility: team, gate, team, ..."""
    ESCALATION = "escalation"
    """A side question, such as a challenge to a reject, that someone else must answer."""
    OVERDUE = "overdue"
    """A handoff or condition long past its due time, raised with whoever can move it."""
    STUCK = "stuck"
    """Nobody left may take what the change waits on: raised with the service owner and
    the admins, who can name someone."""


class Chase(Strict):
    """How far a turn with a due time has been chased: reminded before it is due, marked
    overdue at the due time, and escalated some working days after."""

    due_at: datetime | None = None
    reminded_at: datetime | None = None
    overdue_at: datetime | None = None
    escalated_at: datetime | None = None


class Handoff(Chase):
    """Responsibility moving from one party to another; open until the next party acts."""

    seq: int = Field(description="The audit sequence number that opened this handoff.")
    kind: HandoffKind = HandoffKind.FLOW
    from_party: str
    to_party: str
    roles: list[Role]
    reason: str
    opened_at: datetime
    closed_at: datetime | None = None
    gate_id: str | None = Field(
        default=None, description="The gate the change stood at when the handoff opened."
    )
    about: str | None = Field(
        default=None,
        description="For an overdue or stuck escalation: what it is about, such as "
        "'handoff 12' or 'condition 4-1'.",
    )
