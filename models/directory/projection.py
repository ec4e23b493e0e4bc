"""What the directory workflow hands to its projection activity."""

from __future__ import annotations

from pydantic import Field

from models.audit import AuditEvent
from models.base import Strict
from models.directory.commands import DirectoryReceipt


class DirectoryBatch(Strict):
    """Directory events, and answers to keyed commands, written since the last batch."""

    directory_id: str
    events: list[AuditEvent]
    receipts: list[DirectoryReceipt] = Field(default_factory=list)
