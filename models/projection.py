"""What the workflow hands to the projection activity."""

from __future__ import annotations

from models.audit import AuditEvent
from models.change import ChangeState
from models.intake import Strict


class ProjectionBatch(Strict):
    """A snapshot of the change and the audit events written since the last batch."""

    workflow_id: str
    state: ChangeState
    events: list[AuditEvent]
