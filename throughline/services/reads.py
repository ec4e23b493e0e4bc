"""Reads of changes for people: one change, its gate, lists, timelines and inboxes, from
the read model, with what a change waits on checked against today's directory."""

from __future__ import annotations

from datetime import UTC, datetime
from operator import itemgetter

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.analytics import AnalyticsQuery, HandoffAnalytics
from models.authority import Authorities
from models.change import ChangeState, ChangeStatus
from models.errors import GateNotFound, ThroughlineError
from models.events import EventKind
from models.gate import GateStatus
from models.handoff import HandoffKind
from models.read.audit_pages import EventFilter, TimelinePage
from models.read.events import describe_event
from models.read.live_data import PAGE_POINTS
from models.read.options import SignOffOptions, sign_off_options
from models.read.owner_options import OwnerOptions, owner_options
from models.read.reports import (
    INBOX_PAGE,
    ChangeList,
    ChangeQuery,
    ChangeSummary,
    HandoffEntry,
    Inbox,
    InboxItem,
    TimelineEntry,
)
from models.read.story import ChangeStory, measure_checks, stage_track
from models.read.views import ChangeView, GateReport, describe_change, report_gate
from models.read.waiting import WaitKind
from models.roles import Role
from models.tables import ChangeRow, ConditionRow, HandoffRow
from throughline.services.calendars import working_days_left
from throughline.services.live_data import measures_of
from throughline.services.playbooks import PlaybookCatalogue
from throughline.store import analytics, change_pages, directory, readmodel


class ReadService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], playbooks: PlaybookCatalogue | None = None
    ) -> None:
        self._sessions = sessions
        self._playbooks = playbooks or PlaybookCatalogue(sessions)

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

    async def sign_off_options(self, change_id: str, person_id: str) -> SignOffOptions:
        """What the person may sign at the change's current gate, in which roles and with
        which decisions, and why anything else is not offered, by today's directory."""
        now = datetime.now(UTC)
        state, found = await self._state_and_authorities(change_id, person_id, now)
        return sign_off_options(state, person_id, found, now)

    async def owner_options(self, change_id: str, person_id: str) -> OwnerOptions:
        """What the person may decide at the act gate and rule on a challenge, and why
        anything is not offered, by today's directory."""
        now = datetime.now(UTC)
        state, found = await self._state_and_authorities(change_id, person_id, now)
        return owner_options(state, person_id, found)

    async def _state_and_authorities(
        self, change_id: str, person_id: str, now: datetime
    ) -> tuple[ChangeState, Authorities]:
        """The change, and the directory's answer for the person and everyone it names:
        a delegate's authority rests on the holder still holding the role."""
        async with self._sessions() as session:
            state = await readmodel.change_state(session, change_id)
            people = sorted({person_id, state.proposer, *state.intake.people.everyone()})
            found = await directory.authorities(session, people, now, change_id)
        return state, found

    async def changes(self, where: ChangeQuery) -> ChangeList:
        """A page of changes, overdue ones first."""
        now = datetime.now(UTC)
        async with self._sessions() as session:
            page, total = await change_pages.list_changes(session, where, now)
        items = [_summary(row, now, page.people[row.id]) for row in page.rows]
        return ChangeList(
            items=items,
            total=total,
            limit=where.limit,
            offset=where.offset,
            next_cursor=page.next_cursor,
        )

    async def story(self, change_id: str) -> ChangeStory:
        """All a change's page shows: the change, its timeline and its stages."""
        change = await self.change(change_id)
        timeline = await self.timeline(change_id)
        playbook = await self._playbooks.get(change.playbook, change.playbook_version)
        return ChangeStory(
            change=change,
            timeline=timeline,
            stages=stage_track(change.stage, ChangeStatus(change.status), playbook),
            measures=measure_checks(change),
            live=(await measures_of(self._sessions, change_id, limit=PAGE_POINTS)).measures,
        )

    async def timeline(self, change_id: str, where: EventFilter | None = None) -> TimelinePage:
        """Every event in plain words (a page of them when `where` asks for one), and every
        handoff with how long it stayed open."""
        async with self._sessions() as session:
            change = await readmodel.require_change(session, change_id)
            events, next_after = await readmodel.audit_page(session, change_id, where)
            handoffs = await readmodel.handoffs(session, change_id)
        now = datetime.now(UTC)
        entries = [
            TimelineEntry(
                seq=e.seq,
                at=e.at,
                kind=EventKind(e.kind),
                actor=e.actor,
                role=Role(e.role) if e.role else None,
                summary=describe_event(e),
            )
            for e in events
        ]
        handoff_entries = [_handoff(h, now, change.calendar) for h in handoffs]
        return TimelinePage(
            change_id=change_id, events=entries, handoffs=handoff_entries, next_after=next_after
        )

    async def handoff_analytics(self, query: AnalyticsQuery) -> HandoffAnalytics:
        """How long handoffs wait, per role and per gate, and cycles from intent to outcome."""
        return await analytics.report(self._sessions, query)

    async def inbox(
        self, person_id: str, roles: list[Role], limit: int = INBOX_PAGE, offset: int = 0
    ) -> Inbox:
        """What waits on the person in a role they hold now, the conditions they own, and
        changes stuck or escalated until they act on them: overdue items first, most
        overdue first, then the oldest. Every item is ordered, and only the page's are
        built, with how many there are in all and how many are overdue."""
        async with self._sessions() as session:
            waiting = await readmodel.inbox(session, person_id, roles)
            owned = await readmodel.open_conditions_owned_by(session, person_id)
            now = datetime.now(UTC)
            found = _most_urgent_first(waiting, owned, now)
            page = [thing for _, thing in found[offset : offset + limit]]
            waits = [w.change_id for w in page if isinstance(w, readmodel.Waiting)]
            changes = await readmodel.inbox_changes(session, waits)
        return Inbox(
            person=person_id,
            items=[item for thing in page if (item := _inbox_item(thing, changes, now))],
            total=len(found),
            overdue=sum(1 for (later, _, _), _ in found if not later),
            limit=limit,
            offset=offset,
            next_offset=offset + limit if offset + limit < len(found) else None,
        )


Owned = tuple[ConditionRow, ChangeRow]
Urgency = tuple[bool, datetime, datetime]


def _most_urgent_first(
    waiting: list[readmodel.Waiting], owned: list[Owned], now: datetime
) -> list[tuple[Urgency, readmodel.Waiting | Owned]]:
    found: list[tuple[Urgency, readmodel.Waiting | Owned]] = [
        (_urgency(w.overdue_at, w.due_at, w.since, now), w) for w in waiting
    ]
    found += [(_urgency(c.overdue_at, c.due_at, c.raised_at, now), (c, ch)) for c, ch in owned]
    found.sort(key=itemgetter(0))
    return found


def _inbox_item(
    thing: readmodel.Waiting | Owned, changes: dict[str, readmodel.InboxChange], now: datetime
) -> InboxItem | None:
    """None for a wait whose change is gone from the read model since (a rebuild)."""
    if not isinstance(thing, readmodel.Waiting):
        return _condition_item(*thing, now)
    change = changes.get(thing.change_id)
    return _waiting_item(thing, change, now) if change else None


def _urgency(
    overdue_at: datetime | None, due_at: datetime | None, since: datetime, now: datetime
) -> Urgency:
    """An inbox item's place: overdue ones first, the longest overdue first, then the
    oldest; the first field is whether it is not overdue."""
    overdue = overdue_at is not None or _past(due_at, now)
    return (not overdue, due_at if overdue and due_at else since, since)


def _summary(row: ChangeRow, now: datetime, people: list[str]) -> ChangeSummary:
    return ChangeSummary(
        change_id=row.id,
        title=row.title,
        service=row.service,
        status=ChangeStatus(row.status),
        stage=row.stage,
        iteration=row.iteration,
        gate_status=GateStatus(row.gate_status),
        waiting_kind=WaitKind(row.waiting_kind),
        waiting_since=row.waiting_since,
        waiting_reason=row.waiting_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        due_at=row.due_at,
        overdue=row.overdue_since is not None or _past(row.due_at, now),
        waiting_on_people=people,
    )


def _handoff(row: HandoffRow, now: datetime, calendar: str | None) -> HandoffEntry:
    still_open = row.closed_at is None
    return HandoffEntry(
        seq=row.seq,
        kind=HandoffKind(row.kind),
        gate_id=row.gate_id,
        about=row.about,
        due_at=row.due_at,
        overdue=row.overdue_at is not None or (still_open and _past(row.due_at, now)),
        reminded_at=row.reminded_at,
        overdue_at=row.overdue_at,
        escalated_at=row.escalated_at,
        working_days_left=working_days_left(calendar, now, row.due_at) if still_open else None,
        from_party=row.from_party,
        to_party=row.to_party,
        roles=[Role(role) for role in row.roles],
        reason=row.reason,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        open_seconds=((row.closed_at or now) - row.opened_at).total_seconds(),
    )


def _waiting_item(
    waiting: readmodel.Waiting, change: readmodel.InboxChange, now: datetime
) -> InboxItem:
    return InboxItem(
        change_id=waiting.change_id,
        title=change.title,
        service=change.service,
        stage=change.stage,
        gate_id=change.gate_id,
        kind=WaitKind(waiting.kind),
        role=Role(waiting.role),
        since=waiting.since,
        waiting_seconds=(now - waiting.since).total_seconds(),
        reason=change.reason,
        due_at=waiting.due_at,
        overdue=waiting.overdue_at is not None or _past(waiting.due_at, now),
        working_days_left=working_days_left(change.calendar, now, waiting.due_at),
    )


def _condition_item(condition: ConditionRow, change: ChangeRow, now: datetime) -> InboxItem:
    return InboxItem(
        change_id=change.id,
        title=change.title,
        service=change.service,
        stage=change.stage,
        gate_id=condition.gate_id,
        kind=WaitKind.CONDITION,
        role=None,
        since=condition.raised_at,
        waiting_seconds=(now - condition.raised_at).total_seconds(),
        reason=f"condition {condition.condition_id}: {condition.description} "
        f"(due {condition.due.isoformat()})",
        condition_id=condition.condition_id,
        due=condition.due,
        due_at=condition.due_at,
        overdue=condition.overdue_at is not None or _past(condition.due_at, now),
        escalated_at=condition.escalated_at,
        working_days_left=working_days_left(change.calendar, now, condition.due_at),
    )


def _past(due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and due_at < now
