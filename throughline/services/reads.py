"""Reads of changes for people: one change, its gate, lists, timelines and inboxes, from
the read model, with what a change waits on checked against today's directory."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.errors import GateNotFound, ThroughlineError
from models.read.events import describe_event
from models.read.reports import (
    ChangeList,
    ChangeQuery,
    ChangeSummary,
    HandoffEntry,
    Inbox,
    InboxItem,
    Timeline,
    TimelineEntry,
)
from models.read.views import ChangeView, GateReport, describe_change, report_gate
from models.roles import Role
from models.tables import ChangeRow, ChangeWaiting, ConditionRow, HandoffRow
from throughline.store import directory, readmodel


class ReadService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def change(self, change_id: str) -> ChangeView:
        """The change, with what it waits on checked against today's directory."""
        async with self._sessions() as session:
            state = await readmodel.change_state(session, change_id)
            now = datetime.now(UTC)
            reading = await directory.reading_for(session, state, now)
        return describe_change(state, now, reading)

    async def gate(self, change_id: str, gate_id: str | None) -> GateReport:
        """The gate as the rules see it, with the directory's current answer about who
        still holds each role."""
        async with self._sessions() as session:
            state = await readmodel.change_state(session, change_id)
            now = datetime.now(UTC)
            reading = await directory.reading_for(session, state, now)
        try:
            return report_gate(state, gate_id, now, reading)
        except ThroughlineError as unknown:
            raise GateNotFound(unknown.message) from None

    async def changes(self, where: ChangeQuery) -> ChangeList:
        async with self._sessions() as session:
            rows, total = await readmodel.list_changes(session, where)
        items = [_summary(row) for row in rows]
        return ChangeList(items=items, total=total, limit=where.limit, offset=where.offset)

    async def timeline(self, change_id: str) -> Timeline:
        """Every event in plain words, and every handoff with how long it stayed open."""
        async with self._sessions() as session:
            await readmodel.require_change(session, change_id)
            events = await readmodel.audit_events(session, change_id)
            handoffs = await readmodel.handoffs(session, change_id)
        now = datetime.now(UTC)
        entries = [
            TimelineEntry(
                seq=e.seq,
                at=e.at,
                kind=e.kind,
                actor=e.actor,
                role=e.role,
                summary=describe_event(e),
            )
            for e in events
        ]
        return Timeline(
            change_id=change_id, events=entries, handoffs=[_handoff(h, now) for h in handoffs]
        )

    async def inbox(self, person_id: str, roles: list[Role]) -> Inbox:
        """What waits on the person in a role they hold now, the conditions they own, and
        changes stuck until they act on them; oldest first."""
        async with self._sessions() as session:
            waiting = await readmodel.inbox(session, person_id, roles)
            owned = await readmodel.open_conditions_owned_by(session, person_id)
        now = datetime.now(UTC)
        items = [_waiting_item(w, change, now) for w, change in waiting]
        items += [_condition_item(c, change, now) for c, change in owned]
        return Inbox(person=person_id, items=sorted(items, key=lambda item: item.since))


def _summary(row: ChangeRow) -> ChangeSummary:
    return ChangeSummary(
        change_id=row.id,
        title=row.title,
        service=row.service,
        status=row.status,
        stage=row.stage,
        iteration=row.iteration,
        gate_status=row.gate_status,
        waiting_kind=row.waiting_kind,
        waiting_since=row.waiting_since,
        waiting_reason=row.waiting_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _handoff(row: HandoffRow, now: datetime) -> HandoffEntry:
    return HandoffEntry(
        seq=row.seq,
        from_party=row.from_party,
        to_party=row.to_party,
        roles=row.roles,
        reason=row.reason,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        open_seconds=((row.closed_at or now) - row.opened_at).total_seconds(),
    )


def _waiting_item(waiting: ChangeWaiting, change: ChangeRow, now: datetime) -> InboxItem:
    return InboxItem(
        change_id=change.id,
        title=change.title,
        service=change.service,
        stage=change.stage,
        gate_id=change.gate_id,
        kind=waiting.kind,
        role=Role(waiting.role),
        since=waiting.since,
        waiting_seconds=(now - waiting.since).total_seconds(),
        reason=change.waiting_reason,
    )


def _condition_item(condition: ConditionRow, change: ChangeRow, now: datetime) -> InboxItem:
    return InboxItem(
        change_id=change.id,
        title=change.title,
        service=change.service,
        stage=change.stage,
        gate_id=condition.gate_id,
        kind="condition",
        role=None,
        since=condition.raised_at,
        waiting_seconds=(now - condition.raised_at).total_seconds(),
        reason=f"condition {condition.condition_id}: {condition.description} "
        f"(due {condition.due.isoformat()})",
        condition_id=condition.condition_id,
        due=condition.due,
    )
