"""Who hears what: the notices a change's audit events give rise to, in plain words.

Pure: the projection calls ``notices_for`` with the events it has just written, the
change as it now stands and a way to find the people behind a role; the outbox then
holds one delivery for each person and channel they chose.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from models.audit import AuditEvent
from models.base import Strict
from models.change import ChangeState
from models.directory.events import DirectoryEventKind
from models.events import EventKind
from models.gate import Decision
from models.handoff import HandoffKind
from models.roles import Role

PeopleFor = Callable[[Sequence[Role]], list[str]]
"""The people who can act for these roles on the change now, delegates included."""


class Topic(StrEnum):
    SIGN_OFF_REQUESTED = "sign_off_requested"
    CHANGES_REQUESTED = "changes_requested"
    YOUR_TURN = "your_turn"
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    CONDITION_RAISED = "condition_raised"
    CONDITION_DUE = "condition_due"
    CONDITION_OVERDUE = "condition_overdue"
    CHALLENGE_FILED = "challenge_filed"
    DECISION_MADE = "decision_made"
    STUCK = "stuck"
    DELEGATION_ENDING = "delegation_ending"
    TARGET_MET = "target_met"
    TARGET_MISSED = "target_missed"


class Channel(StrEnum):
    EMAIL = "email"
    NOTIFY = "notify"
    WEBHOOK = "webhook"


PERSONAL_CHANNELS = (Channel.EMAIL, Channel.NOTIFY)
ROLE_NAMES = frozenset(r.value for r in Role)


class Notice(Strict):
    """One event's news for some people: what happened, what is asked of them, by when."""

    log: str = Field(default="change", description="change, or directory for its events.")
    change_id: str | None
    seq: int = Field(description="The audit event this notice is about.")
    event_kind: str
    topic: Topic
    recipients: list[str]
    title: str = Field(description="The change's title.")
    ask: str = Field(description="What happened and what is asked, in one plain sentence.")
    due_at: datetime | None = None
    at: datetime
    key: str | None = None  # makes a notice unique that follows no event: a target crossed


NOTIFYING = frozenset(
    {
        EventKind.HANDOFF,
        EventKind.HANDOFF_REMINDED,
        EventKind.HANDOFF_OVERDUE,
        EventKind.SIGNED_OFF,
        EventKind.CONDITION_REMINDED,
        EventKind.CONDITION_OVERDUE,
        EventKind.DECISION_MADE,
    }
)
"""The kinds of event that can tell someone something; see `_told`."""


def may_notify(event: AuditEvent) -> bool:
    return event.kind in NOTIFYING


def notices_for(
    events: Sequence[AuditEvent], state: ChangeState, people_for: PeopleFor
) -> list[Notice]:
    """The notices a batch of events gives rise to; nobody is told of their own act."""
    context = _BatchContext(events)
    notices = []
    for event in events:
        told = _told(event, state, people_for, context)
        if told is None:
            continue
        topic, people, ask = told
        recipients = sorted({p for p in people if p != event.actor})
        if recipients:
            notices.append(
                Notice(
                    change_id=event.change_id,
                    seq=event.seq,
                    event_kind=event.kind,
                    topic=topic,
                    recipients=recipients,
                    title=state.intake.title,
                    ask=ask,
                    due_at=_due_of(event, state),
                    at=event.at,
                )
            )
    return notices


class _BatchContext:
    """What the other events of the same command say about a handoff to the team."""

    def __init__(self, events: Sequence[AuditEvent]) -> None:
        kinds = {e.kind for e in events}
        decisions = {e.payload.get("decision") for e in events if e.kind == EventKind.SIGNED_OFF}
        self.sent_back = EventKind.GATE_REJECTED in kinds or Decision.REQUEST_CHANGES in decisions
        self.gate_passed = EventKind.GATE_PASSED in kinds


Told = tuple[Topic, list[str], str] | None


def _told(event: AuditEvent, state: ChangeState, people_for: PeopleFor, ctx: _BatchContext) -> Told:
    p = event.payload
    match EventKind(event.kind):
        case EventKind.HANDOFF:
            return _handoff_news(p, people_for, ctx)
        case EventKind.HANDOFF_REMINDED:
            return Topic.REMINDER, people_for(_roles(p)), "a reminder: this is waiting on you"
        case EventKind.HANDOFF_OVERDUE:
            return Topic.OVERDUE, people_for(_roles(p)), "this is now overdue and waits on you"
        case EventKind.SIGNED_OFF if p.get("conditions"):
            owners = [str(c.get("owner")) for c in p["conditions"]]
            return Topic.CONDITION_RAISED, owners, "a condition was raised for you to close"
        case EventKind.CONDITION_REMINDED:
            return Topic.CONDITION_DUE, [str(p.get("owner"))], "a condition you own is due soon"
        case EventKind.CONDITION_OVERDUE:
            return Topic.CONDITION_OVERDUE, [str(p.get("owner"))], "a condition you own is overdue"
        case EventKind.DECISION_MADE:
            everyone = [state.proposer, *state.intake.people.everyone()]
            return Topic.DECISION_MADE, everyone, f"the act decision is made: {p.get('outcome')}"
        case _:
            return None


def _handoff_news(p: dict[str, Any], people_for: PeopleFor, ctx: _BatchContext) -> Told:
    roles = _roles(p)
    people = people_for(roles)
    match HandoffKind(p.get("kind", HandoffKind.FLOW)):
        case HandoffKind.ESCALATION:
            ruling = f"a challenge waits for your ruling: {p['reason']}"
            return Topic.CHALLENGE_FILED, people, ruling
        case HandoffKind.OVERDUE:
            return Topic.ESCALATED, people, f"escalated to you: {p['reason']}"
        case HandoffKind.STUCK:
            return Topic.STUCK, people, f"the change is stuck: {p['reason']}"
    if ctx.sent_back:
        return Topic.CHANGES_REQUESTED, people, f"the gate sent the work back: {p['reason']}"
    if str(p.get("to", "")).startswith("gate "):
        return Topic.SIGN_OFF_REQUESTED, people, f"{p['to']} waits for your sign-off"
    if ctx.gate_passed:
        return Topic.YOUR_TURN, people, f"the gate passed and it is your turn: {p['reason']}"
    return Topic.YOUR_TURN, people, f"it is your turn: {p['reason']}"


def _roles(p: dict[str, Any]) -> list[Role]:
    return [Role(r) for r in p.get("roles") or [] if r in ROLE_NAMES]


def _due_of(event: AuditEvent, state: ChangeState) -> datetime | None:
    if event.payload.get("due_at"):
        return datetime.fromisoformat(str(event.payload["due_at"]))
    opened = next((h for h in state.handoffs if h.seq == event.seq), None)
    return opened.due_at if opened is not None else None


class MessageStyle(Strict):
    """How messages are written for this deployment."""

    public_url: str = Field(description="Where people open Throughline, for links.")
    full_webhook_payloads: bool = Field(
        default=False,
        description="Put the title, the ask and the people told into webhook payloads; "
        "by default they carry ids and kinds only.",
    )


HEADLINES: dict[Topic, str] = {
    Topic.SIGN_OFF_REQUESTED: "your sign-off is asked for",
    Topic.CHANGES_REQUESTED: "the work was sent back to your team",
    Topic.YOUR_TURN: "it is your team's turn",
    Topic.REMINDER: "a reminder: this is due soon",
    Topic.OVERDUE: "this is overdue",
    Topic.ESCALATED: "an overdue handoff was escalated to you",
    Topic.CONDITION_RAISED: "a condition was raised for you",
    Topic.CONDITION_DUE: "a condition you own is due soon",
    Topic.CONDITION_OVERDUE: "a condition you own is overdue",
    Topic.CHALLENGE_FILED: "a challenge waits for your ruling",
    Topic.DECISION_MADE: "the act decision is made",
    Topic.STUCK: "a change is stuck and needs someone named",
    Topic.DELEGATION_ENDING: "a delegation you gave ends soon",
    Topic.TARGET_MET: "a success measure now meets its target",
    Topic.TARGET_MISSED: "a success measure no longer meets its target",
}


def directory_notices(events: Sequence[AuditEvent]) -> list[Notice]:
    """A delegator hears a day before the delegation they gave ends."""
    notices = []
    for event in events:
        if event.kind != DirectoryEventKind.DELEGATION_EXPIRING:
            continue
        p = event.payload
        ends_at = datetime.fromisoformat(str(p["after"]["ends_at"]))
        role = str(p.get("role", "")).replace("_", " ")
        ask = (
            f"your delegation of the {role} role to {p.get('delegate')} ends soon; "
            "give a new one if it should go on"
        )
        notices.append(
            Notice(
                log="directory",
                change_id=p.get("change_id"),
                seq=event.seq,
                event_kind=event.kind,
                topic=Topic.DELEGATION_ENDING,
                recipients=[str(p["delegator"])],
                title=f"Delegation {p.get('delegation_id')}",
                ask=ask,
                due_at=ends_at,
                at=event.at,
            )
        )
    return notices


def change_link(style: MessageStyle, change_id: str | None) -> str:
    """The change a notice is about, or the delegations page for one about none."""
    base = style.public_url.rstrip("/")
    return f"{base}/changes/{change_id}" if change_id else f"{base}/delegations"


def subject_of(notice: Notice) -> str:
    return f"{notice.title}: {HEADLINES[notice.topic]}"


def body_of(notice: Notice, style: MessageStyle) -> str:
    """A plain-English message: the change, what is asked, by when, and where to go."""
    lines = [
        f"{'Change' if notice.log == 'change' else 'About'}: {notice.title}",
        f"What happened: {notice.ask[:1].upper()}{notice.ask[1:]}.",
    ]
    if notice.due_at is not None:
        lines.append(f"Due: {due_in_words(notice.due_at)}")
    lines += [f"Open it: {change_link(style, notice.change_id)}", "", "Sent by Throughline."]
    return "\n".join(lines)


def due_in_words(due_at: datetime) -> str:
    """Such as "Friday 4 December 2026 at 17:00 UTC"."""
    return f"{due_at:%A} {due_at.day} {due_at:%B %Y at %H:%M} UTC"


def webhook_payload(notice: Notice, style: MessageStyle) -> dict[str, Any]:
    """The Standard Webhooks body: ids and kinds only, unless full payloads are asked for."""
    data: dict[str, Any] = {
        "change_id": notice.change_id,
        "seq": notice.seq,
        "event_kind": notice.event_kind,
        "topic": notice.topic.value,
        "due_at": notice.due_at.isoformat() if notice.due_at else None,
        "link": change_link(style, notice.change_id),
    }
    if style.full_webhook_payloads:
        data |= {"title": notice.title, "ask": notice.ask, "recipients": notice.recipients}
    return {
        "type": f"throughline.{notice.topic.value}",
        "timestamp": notice.at.isoformat(),
        "data": data,
    }


def digest_of(items: Sequence[tuple[str, str]], day: str, style: MessageStyle) -> tuple[str, str]:
    """One daily message gathering held notices, given as (subject, body) pairs."""
    count = len(items)
    subject = f"Throughline daily digest for {day}: {count} notice{'s' if count != 1 else ''}"
    parts = [f"{i}. {subject_line}\n{body}" for i, (subject_line, body) in enumerate(items, 1)]
    footer = f"See what waits on you, most urgent first: {style.public_url.rstrip('/')}/me/inbox"
    return subject, "\n\n".join([*parts, footer])
