"""Reads for the API and the CLI: the read model turned into reports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent, ChainAnchor, verify_chain
from models.directory.events import describe_directory_event
from models.directory.state import DelegationRecord, PersonRecord
from models.errors import GateNotFound, ThroughlineError
from models.read.events import describe_event
from models.read.reports import (
    AuditLog,
    ChangeList,
    ChangeSummary,
    DelegationOut,
    DirectoryEntry,
    DirectoryLog,
    HandoffEntry,
    Inbox,
    InboxItem,
    PersonHistory,
    PersonOut,
    Timeline,
    TimelineEntry,
)
from models.read.views import ChangeView, GateReport, describe_change, report_gate
from models.roles import Role
from models.tables import ChangeRow, DelegationRow, DirectoryLogRow, Person
from throughline.store import directory, readmodel
from throughline.store.directory import as_grant
from throughline.store.readmodel import ChangeFilter


async def change_view(session: AsyncSession, change_id: str) -> ChangeView:
    """The change, with what it waits on checked against today's directory."""
    state = await readmodel.change_state(session, change_id)
    now = datetime.now(UTC)
    return describe_change(state, now, await directory.reading_for(session, state, now))


async def gate_report(session: AsyncSession, change_id: str, gate_id: str | None) -> GateReport:
    """The gate as the rules see it, with the directory's current answer about who still
    holds each role."""
    state = await readmodel.change_state(session, change_id)
    now = datetime.now(UTC)
    reading = await directory.reading_for(session, state, now)
    try:
        return report_gate(state, gate_id, now, reading)
    except ThroughlineError as unknown:
        raise GateNotFound(unknown.message) from None


async def change_list(session: AsyncSession, where: ChangeFilter) -> ChangeList:
    rows, total = await readmodel.list_changes(session, where)
    return ChangeList(
        items=[_summary(row) for row in rows], total=total, limit=where.limit, offset=where.offset
    )


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


async def timeline(session: AsyncSession, change_id: str) -> Timeline:
    await readmodel.require_change(session, change_id)
    events = await readmodel.audit_events(session, change_id)
    now = datetime.now(UTC)
    handoffs = [
        HandoffEntry(
            seq=h.seq,
            from_party=h.from_party,
            to_party=h.to_party,
            roles=h.roles,
            reason=h.reason,
            opened_at=h.opened_at,
            closed_at=h.closed_at,
            open_seconds=((h.closed_at or now) - h.opened_at).total_seconds(),
        )
        for h in await readmodel.handoffs(session, change_id)
    ]
    entries = [
        TimelineEntry(
            seq=e.seq, at=e.at, kind=e.kind, actor=e.actor, role=e.role, summary=describe_event(e)
        )
        for e in events
    ]
    return Timeline(change_id=change_id, events=entries, handoffs=handoffs)


async def audit_log(
    session: AsyncSession,
    change_id: str,
    anchor: ChainAnchor | None,
    recorded: Callable[[], Awaitable[dict[int, str]]] | None = None,
) -> AuditLog:
    """The audit events, checked against the workflow's own head when Temporal answers,
    else against the read model's record of the last event. When the log was rewritten,
    the hashes Temporal recorded show from which event on."""
    row = await readmodel.require_change(session, change_id)
    events = await readmodel.audit_events(session, change_id)
    anchor = anchor or ChainAnchor(seq=row.last_seq, hash=row.last_hash, source="read_model")
    verdict = verify_chain(change_id, events, anchor)
    if verdict.problem and verdict.first_bad_seq is None and recorded is not None:
        anchor = anchor.model_copy(update={"recorded": await recorded()})
        verdict = verify_chain(change_id, events, anchor)
    return AuditLog(change_id=change_id, events=events, verdict=verdict)


async def inbox(session: AsyncSession, person_id: str, roles: list[Role]) -> Inbox:
    now = datetime.now(UTC)
    waiting = [
        InboxItem(
            change_id=change.id,
            title=change.title,
            service=change.service,
            stage=change.stage,
            gate_id=change.gate_id,
            kind=waiting.kind,
            role=Role(waiting.role),
            condition_id=None,
            due=None,
            since=waiting.since,
            waiting_seconds=(now - waiting.since).total_seconds(),
            reason=change.waiting_reason,
        )
        for waiting, change in await readmodel.inbox(session, person_id, roles)
    ]
    conditions = [
        InboxItem(
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
        for condition, change in await readmodel.open_conditions_owned_by(session, person_id)
    ]
    items = sorted([*waiting, *conditions], key=lambda item: item.since)
    return Inbox(person=person_id, items=items)


async def person_out(session: AsyncSession, person: Person) -> PersonOut:
    roles = await directory.active_roles(session, person.id)
    return PersonOut(id=person.id, name=person.name, active=person.active, roles=roles)


def delegation_out(row: DelegationRow) -> DelegationOut:
    grant = as_grant(row)
    return DelegationOut(
        **grant.model_dump(exclude={"revoked_at"}),
        reason=row.reason,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        in_force=grant.in_force_at(datetime.now(UTC)),
    )


def delegation_of(record: DelegationRecord) -> DelegationOut:
    """A delegation as a directory command left it; whether it is in force is now's answer."""
    now = datetime.now(UTC)
    revoked = record.revoked_at is not None and record.revoked_at <= now
    return DelegationOut(
        **record.model_dump(exclude={"revoked_by"}),
        in_force=record.starts_at <= now < record.ends_at and not revoked,
    )


def person_of(record: PersonRecord) -> PersonOut:
    """A person as a directory command left them."""
    roles = [Role(name) for name in record.role_names]
    return PersonOut(id=record.id, name=record.name, active=record.active, roles=roles)


async def person_history(session: AsyncSession, directory_id: str, person_id: str) -> PersonHistory:
    """Everything the directory recorded about a person, oldest first."""
    await directory.get_person(session, person_id)
    events = await directory.events_about(session, directory_id, person_id)
    return PersonHistory(person=person_id, entries=[_entry(e) for e in events])


def _entry(event: AuditEvent) -> DirectoryEntry:
    return DirectoryEntry(
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        role=event.role,
        kind=event.kind,
        summary=describe_directory_event(event),
        payload=event.payload,
    )


async def directory_log(
    session: AsyncSession, directory_id: str, anchor: ChainAnchor | None
) -> DirectoryLog:
    """The directory's events, checked link by link and against the workflow's own head
    when Temporal answers, else against the projection's bookmark."""
    events = await directory.events_of(session, directory_id)
    head = await session.get(DirectoryLogRow, directory_id)
    if anchor is None and head is not None:
        anchor = ChainAnchor(seq=head.last_seq, hash=head.last_hash, source="read_model")
    verdict = verify_chain(directory_id, events, anchor)
    return DirectoryLog(directory_id=directory_id, events=events, verdict=verdict)
