"""The directory as its SQL tables hold it: how a directory workflow that Temporal does
not have yet begins, from an earlier SQL-only directory or from its own projection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import GENESIS_HASH
from models.directory.commands import DirectoryStart
from models.directory.state import (
    DelegationRecord,
    DirectoryState,
    PersonRecord,
    RevokedToken,
    RoleHolding,
)
from models.roles import Role
from models.tables import (
    DelegationRow,
    DirectoryEventRow,
    DirectoryLogRow,
    Person,
    RoleGrant,
    TokenRevocationRow,
)
from throughline.store import playbooks


async def directory_start(
    session: AsyncSession, directory_id: str, now: datetime
) -> DirectoryStart:
    """What a new directory workflow starts from.

    - Its own SQL projection exists (Temporal lost the workflow): carry on from it, the
      chain continuing where SQL says it got to.
    - No directory has ever written events, but people exist: an upgrade from the
      SQL-only directory, imported as the first event.
    - Otherwise: an empty directory.
    """
    head = await session.get(DirectoryLogRow, directory_id)
    if head is not None:
        state = await _state_from_tables(session, directory_id, now)
        state.seq, state.last_hash = head.last_seq, head.last_hash
        return DirectoryStart(state=state, imported=True)
    any_events = (await session.exec(select(func.count()).select_from(DirectoryEventRow))).one()
    any_people = (await session.exec(select(func.count()).select_from(Person))).one()
    if not any_events and any_people:
        return DirectoryStart(
            state=await _state_from_tables(session, directory_id, now), imported=True
        )
    return DirectoryStart(state=DirectoryState(directory_id=directory_id, last_hash=GENESIS_HASH))


async def _state_from_tables(
    session: AsyncSession, directory_id: str, now: datetime
) -> DirectoryState:
    people = (await session.exec(select(Person))).all()
    grants = (
        await session.exec(select(RoleGrant).where(col(RoleGrant.revoked_at).is_(None)))
    ).all()
    delegations = (await session.exec(select(DelegationRow))).all()
    revoked = (
        await session.exec(
            select(TokenRevocationRow).where(col(TokenRevocationRow.expires_at) > now)
        )
    ).all()
    return DirectoryState(
        directory_id=directory_id,
        people={p.id: _person(p, [g for g in grants if g.person_id == p.id]) for p in people},
        delegations={r.id: r for r in map(_delegation, delegations) if _in_play(r, now)},
        next_delegation_id=max((d.id or 0 for d in delegations), default=0) + 1,
        revoked_tokens={
            r.token_id: RevokedToken(person=r.person_id, expires_at=r.expires_at) for r in revoked
        },
        playbooks=await playbooks.published(session),
    )


def _person(row: Person, grants: list[RoleGrant]) -> PersonRecord:
    holdings = {
        g.role: RoleHolding(role=Role(g.role), granted_at=g.granted_at, granted_by=g.granted_by)
        for g in sorted(grants, key=lambda g: g.granted_at)
    }
    return PersonRecord(
        id=row.id,
        name=row.name,
        active=row.active,
        roles=list(holdings.values()),
        created_at=row.created_at,
        tokens_valid_after=row.tokens_valid_after,
    )


def _in_play(delegation: DelegationRecord, now: datetime) -> bool:
    return delegation.revoked_at is None and delegation.ends_at > now


def _delegation(row: DelegationRow) -> DelegationRecord:
    assert row.id is not None
    return DelegationRecord.model_validate({**row.model_dump(), "role": Role(row.role)})
