"""What the workflow hands to the projection activity."""

from __future__ import annotations

from pydantic import Field

from models.audit import AuditEvent
from models.base import Strict
from models.change import ChangeState
from models.results import Receipt


class ProjectionBatch(Strict):
    """A snapshot of the change, and the audit events and command receipts written since
    the last batch."""

    workflow_id: str
    state: ChangeState
    events: list[AuditEvent]
    receipts: list[Receipt] = Field(
        default_factory=list,
        description="Answers to keyed commands, kept in SQL for the life of the change.",
    )
