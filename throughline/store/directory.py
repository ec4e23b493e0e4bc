"""The directory: people and the roles they hold. Read on every request."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.authority import Authorities, Authority, DelegationGrant
from models.errors import AlreadyExists, InvalidRequest, PersonNotFound
from models.roles import Role
from models.tables import DelegationRow, Person, RoleGrant
from throughline.store.sql import insert_missing


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not text:
        raise InvalidRequest(f"cannot make a person id from {name!r}; give one explicitly")
    return text[:64]


async def add_person(
    session: AsyncSession,
    *,
    name: str,
    person_id: str | None = None,
    roles: list[Role],
    by: str | None = None,
) -> Person:
    pid = person_id or slug(name)
    now = datetime.now(UTC)
    # Insert-if-absent: of two concurrent adds of one id, exactly one wins, the other
    # gets a clear 409 rather than a database error.
    row = {"id": pid, "name": name, "active": True, "created_at": now}
    if not await insert_missing(session, Person, [row]):
        raise AlreadyExists(f"a person with id {pid!r} already exists")
    person = await session.get(Person, pid)
    assert person is not None
    for role in dict.fromkeys(roles):
        session.add(RoleGrant(person_id=pid, role=role.value, granted_at=now, granted_by=by))
    await session.flush()
    return person


async def get_person(session: AsyncSession, person_id: str) -> Person:
    person = await session.get(Person, person_id)
    if person is None:
        raise PersonNotFound(f"no person with id {person_id!r}")
    return person


async def list_people(session: AsyncSession) -> list[Person]:
    return list((await session.exec(select(Person).order_by(col(Person.id)))).all())


async def active_roles(session: AsyncSession, person_id: str) -> list[Role]:
    statement = select(RoleGrant.role).where(
        RoleGrant.person_id == person_id, col(RoleGrant.revoked_at).is_(None)
    )
    held = set((await session.exec(statement)).all())
    return [role for role in Role if role.value in held]


async def grant_role(session: AsyncSession, person_id: str, role: Role, *, by: str | None) -> bool:
    """Grant a role; returns False when the person already held it."""
    await get_person(session, person_id)
    if role in await active_roles(session, person_id):
        return False
    grant = RoleGrant(
        person_id=person_id, role=role.value, granted_at=datetime.now(UTC), granted_by=by
    )
    session.add(grant)
    await session.flush()
    return True


async def revoke_role(session: AsyncSession, person_id: str, role: Role, *, by: str | None) -> bool:
    """Revoke a role at once; returns False when the person did not hold it."""
    await get_person(session, person_id)
    statement = select(RoleGrant).where(
        RoleGrant.person_id == person_id,
        RoleGrant.role == role.value,
        col(RoleGrant.revoked_at).is_(None),
    )
    grants = (await session.exec(statement)).all()
    for grant in grants:
        grant.revoked_at = datetime.now(UTC)
        grant.revoked_by = by
        session.add(grant)
    await session.flush()
    return bool(grants)


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
