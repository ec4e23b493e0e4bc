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


class Handoff(Strict):
    """Responsibility moving from one party to another; open until the next party acts."""

    seq: int = Field(description="The audit sequence number that opened this handoff.")
    kind: HandoffKind = HandoffKind.FLOW
    from_party: str
    to_party: str
    roles: list[Role]
    reason: str
    opened_at: datetime
    closed_at: datetime | None = None
