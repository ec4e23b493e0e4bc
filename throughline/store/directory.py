"""The directory as its SQL projection holds it: people, roles, delegations and the event
log. Read on every request; written only by the directory's projection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, literal
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.authority import Authorities, Authority, DelegationGrant
from models.change import ChangeState
from models.errors import PersonNotFound
from models.read.stuck import DirectoryReading
from models.roles import Role
from models.tables import (
    DelegationRow,
    DirectoryEventRow,
    DirectoryLogRow,
    NotificationPreference,
    Person,
    RoleGrant,
    TokenRevocationRow,
)


async def find_person(session: AsyncSession, person_id: str) -> Person | None:
    return await session.get(Person, person_id)


async def get_person(session: AsyncSession, person_id: str) -> Person:
    person = await find_person(session, person_id)
    if person is None:
        raise PersonNotFound(f"no person with id {person_id!r}")
    return person


async def people_with_email(session: AsyncSession, email: str) -> list[str]:
    """Who gave this address for their notifications, ignoring case."""
    address = func.lower(col(NotificationPreference.email))
    statement = select(NotificationPreference.person_id).where(address == email.lower())
    return list((await session.exec(statement)).all())


async def list_people(session: AsyncSession) -> list[Person]:
    return list((await session.exec(select(Person).order_by(col(Person.id)))).all())


async def active_roles(session: AsyncSession, person_id: str) -> list[Role]:
    statement = select(RoleGrant.role).where(
        RoleGrant.person_id == person_id, col(RoleGrant.revoked_at).is_(None)
    )
    held = set((await session.exec(statement)).all())
    return [role for role in Role if role.value in held]


async def caller_facts(
    session: AsyncSession, person_id: str, token_id: str | None
) -> tuple[Person | None, list[Role], bool]:
    """Who a token names, the roles they hold now, and whether the token was revoked:
    one query, since every request asks it."""
    revoked: Any = (
        exists().where(col(TokenRevocationRow.token_id) == token_id)
        if token_id is not None
        else literal(False)
    )
    statement = (
        select(Person, RoleGrant.role, revoked.label("revoked"))
        .outerjoin(
            RoleGrant,
            (col(RoleGrant.person_id) == col(Person.id)) & col(RoleGrant.revoked_at).is_(None),
        )
        .where(col(Person.id) == person_id)
    )
    rows = (await session.exec(statement)).all()
    if not rows:
        return None, [], False
    held = {role for _, role, _ in rows if role is not None}
    return rows[0][0], [role for role in Role if role.value in held], bool(rows[0][2])


async def missing_people(session: AsyncSession, person_ids: set[str]) -> list[str]:
    if not person_ids:
        return []
    statement = select(Person.id).where(col(Person.id).in_(person_ids), col(Person.active))
    found = set((await session.exec(statement)).all())
    return sorted(person_ids - found)


async def authorities(
    session: AsyncSession, people: list[str], as_of: datetime, change_id: str | None = None
) -> Authorities:
    """What the directory grants each person at a moment: used when a person signs."""
    received = await received_by(session, people)
    found = {
        p.id: p
        for p in (await session.exec(select(Person).where(col(Person.id).in_(people)))).all()
    }
    grants = (
        await session.exec(select(RoleGrant).where(col(RoleGrant.person_id).in_(people)))
    ).all()
    by_person: dict[str, Authority] = {}
    for pid in people:
        person = found.get(pid)
        held = {g.role for g in grants if g.person_id == pid and _in_force(g, as_of)}
        by_person[pid] = Authority(
            person=pid,
            active=bool(person and person.active),
            roles=[r for r in Role if r.value in held],
            delegations=[d for d in received if d.delegate == pid],
        )
    return Authorities(as_of=as_of, change_id=change_id, by_person=by_person)


def _in_force(grant: RoleGrant, as_of: datetime) -> bool:
    granted = grant.granted_at <= as_of
    return granted and (grant.revoked_at is None or grant.revoked_at > as_of)


def as_grant(row: DelegationRow) -> DelegationGrant:
    assert row.id is not None
    return DelegationGrant(
        id=row.id,
        delegator=row.delegator,
        delegate=row.delegate,
        role=Role(row.role),
        change_id=row.change_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        revoked_at=row.revoked_at,
    )


async def received_by(session: AsyncSession, people: list[str]) -> list[DelegationGrant]:
    statement = select(DelegationRow).where(col(DelegationRow.delegate).in_(people))
    return [as_grant(row) for row in (await session.exec(statement)).all()]


async def events_of(session: AsyncSession, directory_id: str) -> list[AuditEvent]:
    statement = (
        select(DirectoryEventRow)
        .where(DirectoryEventRow.log_id == directory_id)
        .order_by(col(DirectoryEventRow.seq))
    )
    return [_event(row) for row in (await session.exec(statement)).all()]


async def events_about(
    session: AsyncSession, directory_id: str, person_id: str
) -> list[AuditEvent]:
    """Every directory event that names the person, as subject or as the other party."""
    statement = (
        select(DirectoryEventRow)
        .where(
            DirectoryEventRow.log_id == directory_id,
            or_(DirectoryEventRow.subject == person_id, DirectoryEventRow.other == person_id),
        )
        .order_by(col(DirectoryEventRow.seq))
    )
    return [_event(row) for row in (await session.exec(statement)).all()]


def _event(row: DirectoryEventRow) -> AuditEvent:
    return AuditEvent.model_validate(
        {**row.model_dump(exclude={"log_id", "subject", "other"}), "change_id": row.log_id}
    )


async def active_admins(session: AsyncSession) -> list[str]:
    statement = (
        select(Person.id)
        .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
        .where(
            col(Person.active),
            RoleGrant.role == Role.ADMIN.value,
            col(RoleGrant.revoked_at).is_(None),
        )
        .distinct()
        .order_by(col(Person.id))
    )
    return list((await session.exec(statement)).all())


async def reading_for(session: AsyncSession, state: ChangeState, now: datetime) -> DirectoryReading:
    """Today's directory for everyone a change names, and the admins to ask when stuck."""
    people = sorted({state.proposer, *state.intake.people.everyone()})
    found = await authorities(session, people, now, state.change_id)
    return DirectoryReading(authorities=found, admins=await active_admins(session))


async def log_head(session: AsyncSession, directory_id: str) -> DirectoryLogRow | None:
    """Where the directory's projection has reached: its last event's seq and hash."""
    return await session.get(DirectoryLogRow, directory_id)
