"""Shapes of what the API and the CLI report from the read model."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from models.audit import AuditEvent, ChainVerdict
from models.base import Strict
from models.change import ChangeStatus
from models.directory.events import DirectoryEventKind
from models.events import EventKind
from models.gate import GateStatus
from models.handoff import HandoffKind
from models.read.views import ChangeHeadline
from models.read.waiting import WaitKind
from models.roles import Role


class ChangeOrder(StrEnum):
    """How a list of changes is ordered."""

    URGENT = "urgent"
    WAITING_LONGEST = "waiting_longest"
    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"


class ChangeQuery(Strict):
    """Which changes a list asks for: filters, the order, and the page."""

    stage: str | None = None
    status: ChangeStatus | None = None
    waiting_on: Role | None = None
    waiting_on_person: str | None = None
    waiting_kind: WaitKind | None = None
    service: str | None = None
    overdue: bool | None = None
    order: ChangeOrder = ChangeOrder.URGENT
    limit: int = 50
    offset: int = 0
    cursor: str | None = None
    count: bool = False


class DueTime(Strict):
    """When something is due by its service level, and how far it has been chased."""

    due_at: datetime | None = Field(default=None, description="None: no service level.")
    overdue: bool = False
    escalated_at: datetime | None = None
    working_days_left: int | None = Field(
        default=None, description="Working days to the due time, today included; 0 once due."
    )


class ChangeSummary(ChangeHeadline):
    gate_status: GateStatus
    waiting_kind: WaitKind
    waiting_since: datetime | None
    waiting_reason: str
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None = Field(
        default=None, description="The earliest due time of anything the change waits for."
    )
    overdue: bool = False
    waiting_on_people: list[str] = Field(
        default_factory=list, description="Who the change waits on now, by directory id."
    )


class ChangeList(Strict):
    items: list[ChangeSummary]
    total: int | None = Field(
        default=None,
        description="How many changes match: given only when the request asks (count=true), "
        "since counting every match of a large portfolio costs more than a page.",
    )
    limit: int
    offset: int
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` for the page after this one; null on the last page.",
    )


class TimelineEntry(Strict):
    seq: int
    at: datetime
    kind: EventKind
    actor: str
    role: Role | None
    summary: str = Field(description="What happened, in plain words.")


class HandoffEntry(DueTime):
    seq: int
    kind: HandoffKind = Field(
        description="flow (the main line), escalation (a challenge), overdue or stuck (raised "
        "with whoever can move it)"
    )
    gate_id: str | None
    about: str | None = Field(description="What an overdue or stuck escalation is about.")
    reminded_at: datetime | None
    overdue_at: datetime | None
    from_party: str
    to_party: str
    roles: list[Role]
    reason: str
    opened_at: datetime
    closed_at: datetime | None
    open_seconds: float = Field(description="How long responsibility sat with to_party.")


class Timeline(Strict):
    change_id: str
    events: list[TimelineEntry]
    handoffs: list[HandoffEntry]


class InboxItem(DueTime):
    change_id: str
    title: str
    service: str
    stage: str
    gate_id: str
    kind: WaitKind = Field(
        description="submission, sign_off, decision, challenge, condition, or stuck: nobody "
        "left may take the role, and it waits on you (service owner or admin) to fix that"
    )
    role: Role | None = Field(
        description="The role it waits on (for stuck, the role nobody can take); none for a "
        "condition."
    )
    since: datetime
    waiting_seconds: float
    reason: str
    condition_id: str | None = Field(default=None, description="For a condition you own.")
    due: date | None = Field(default=None, description="For a condition: when it is due.")


INBOX_PAGE = 50
"""How many inbox items a page holds unless the request asks for another number."""


class Inbox(Strict):
    person: str
    items: list[InboxItem] = Field(description="This page's items, most urgent first.")
    total: int = Field(description="How many things wait on the person, on every page.")
    overdue: int = Field(description="How many of those are overdue, on every page.")
    limit: int
    offset: int
    next_offset: int | None = Field(
        default=None,
        description="Pass as `offset` for the page after this one; null on the last page.",
    )


class AuditLog(Strict):
    change_id: str
    events: list[AuditEvent]
    verdict: ChainVerdict


class DelegationOut(Strict):
    id: int
    delegator: str
    delegate: str
    role: Role
    change_id: str | None
    starts_at: datetime
    ends_at: datetime
    reason: str | None
    created_at: datetime
    revoked_at: datetime | None
    in_force: bool


class PersonOut(Strict):
    id: str
    name: str
    active: bool
    roles: list[Role]


class DirectoryEntry(Strict):
    """One event of the directory's chained log, with what it did in plain words."""

    seq: int
    at: datetime
    actor: str
    role: Role | None
    kind: DirectoryEventKind
    summary: str = Field(description="What happened, in plain words.")
    payload: dict[str, Any] = Field(description="Before and after, as recorded and hashed.")


class PersonHistory(Strict):
    person: str
    entries: list[DirectoryEntry]


class DirectoryLog(Strict):
    directory_id: str
    events: list[AuditEvent]
    verdict: ChainVerdict


class TokenOut(Strict):
    token: str = Field(description="Send as Authorization: Bearer <token>.")
    token_id: str = Field(description="The id to revoke this token by.")
    person: str
    expires_at: datetime


class TokenRevocationOut(Strict):
    token_id: str
    person: str
    revoked: bool = Field(description="False when the token was already revoked or expired.")


class TokensRevokedOut(Strict):
    person: str
    tokens_valid_after: datetime | None = Field(
        description="Every token issued before this moment is refused."
    )


class PartStatus(Strict):
    state: Literal["running", "restarting"]
    restarts: int
    last_stop: str | None = Field(description="Why the part last stopped, if it did.")


class Health(Strict):
    status: Literal["ok", "degraded"]
    temporal: bool
    database: bool
    parts: dict[str, PartStatus] = Field(
        default_factory=dict,
        description="On the embedded stack: each part (temporal, worker, api) and why it last "
        "stopped. A part restarting makes the stack degraded.",
    )
    failed_notifications: dict[str, int] = Field(
        default_factory=dict,
        description="Notifications per channel that failed, or may not have gone, in the "
        "last day. Any makes the status degraded, but never a 503: a failing channel "
        "does not stop changes.",
    )

    @property
    def serving(self) -> bool:
        """Temporal, the database and every part run: the API can do its work."""
        return (
            self.temporal
            and self.database
            and all(part.state == "running" for part in self.parts.values())
        )
