"""Writes the directory's SQL tables from its events: people, role grants, delegations,
token revocations, and the chained event log itself.

Exactly once and in order: the log's bookmark row is locked, and only events after it
are applied, in the same transaction that moves it. A retried or replayed batch
therefore changes nothing, and `throughline rebuild` can replay every batch there is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import GENESIS_HASH, AuditEvent
from models.directory.events import DirectoryEventKind as Kind
from models.directory.projection import DirectoryBatch
from models.directory.state import (
    DelegationRecord,
    DirectoryState,
    PersonRecord,
    PublishedPlaybook,
)
from models.tables import (
    DelegationRow,
    DirectoryEventRow,
    DirectoryLogRow,
    Person,
    RoleGrant,
    TokenRevocationRow,
)
from throughline.store import playbooks, receipts, waiting
from throughline.store.sql import insert_missing, upsert

Apply = Callable[[AsyncSession, AuditEvent], Awaitable[None]]
CHANGES_WHO_MAY_ACT = {
    Kind.PERSON_DEACTIVATED,
    Kind.PERSON_REACTIVATED,
    Kind.ROLE_GRANTED,
    Kind.ROLE_REVOKED,
}
"""Events after which what a change waits on is worked out again for everyone it names:
a handoff may have become stuck, or stopped being so."""


@dataclass(frozen=True)
class DirectoryProjected:
    new_events: int
    rewritten: list[waiting.Rewritten]
    """Changes whose wait was written again, because the directory changed for someone
    they name."""


async def project_directory(
    session: AsyncSession, batch: DirectoryBatch, now: datetime
) -> DirectoryProjected:
    """Apply the batch's new events. ``now`` is when the changes naming affected people
    are read against the directory again."""
    head = await lock_head(session, batch.directory_id)
    fresh = sorted((e for e in batch.events if e.seq > head.last_seq), key=lambda e: e.seq)
    for event in fresh:
        await _APPLY[Kind(event.kind)](session, event)
        await insert_missing(session, DirectoryEventRow, [_event_row(event)])
        head.last_seq, head.last_hash, head.updated_at = event.seq, event.hash, event.at
    session.add(head)
    await session.flush()
    affected = {e.payload["person"] for e in fresh if Kind(e.kind) in CHANGES_WHO_MAY_ACT}
    rewritten = []
    if affected:
        rewritten = await waiting.refresh_for(session, affected, stuck_too=True, now=now)
    await receipts.keep(session, batch.directory_id, batch.receipts, head.updated_at)
    await session.flush()
    return DirectoryProjected(len(fresh), rewritten)


async def lock_head(session: AsyncSession, directory_id: str) -> DirectoryLogRow:
    """The log's bookmark, locked for this transaction; created at the start of the chain."""
    start = {
        "log_id": directory_id,
        "last_seq": 0,
        "last_hash": GENESIS_HASH,
        "updated_at": datetime.fromtimestamp(0, UTC),
    }
    await insert_missing(session, DirectoryLogRow, [start])
    statement = (
        select(DirectoryLogRow)
        .where(DirectoryLogRow.log_id == directory_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).one()


async def write_snapshot(session: AsyncSession, state: DirectoryState, at: datetime) -> None:
    """Make the tables say what a carried directory state says, as of `at`, and move the
    bookmark to it: how `rebuild` restores a directory whose earlier runs Temporal no
    longer has."""
    head = await lock_head(session, state.directory_id)
    if head.last_seq >= state.seq:
        return
    await _write_people(session, list(state.people.values()), revoked_at=at)
    await _write_delegations(session, list(state.delegations.values()))
    revoked = [
        {
            "token_id": t,
            "person_id": r.person,
            "revoked_at": head.updated_at,
            "expires_at": r.expires_at,
        }
        for t, r in state.revoked_tokens.items()
    ]
    await insert_missing(session, TokenRevocationRow, revoked)
    await playbooks.write_published(session, state.playbooks)
    head.last_seq, head.last_hash = state.seq, state.last_hash
    session.add(head)
    await session.flush()


def _event_row(event: AuditEvent) -> dict[str, Any]:
    people = [event.payload.get(k) for k in ("person", "delegator", "delegate")]
    named = [p for p in people if isinstance(p, str)]
    return {
        **event.model_dump(mode="python", exclude={"change_id"}),
        "log_id": event.change_id,
        "subject": named[0] if named else None,
        "other": named[1] if len(named) > 1 else None,
    }


async def _write_people(
    session: AsyncSession, people: list[PersonRecord], revoked_at: datetime
) -> None:
    columns = {"id", "name", "active", "created_at", "tokens_valid_after"}
    rows = [p.model_dump(mode="python", include=columns) for p in people]
    await upsert(session, Person, rows)
    for person in people:
        await _replace_grants(session, person, revoked_at)


async def _replace_grants(
    session: AsyncSession, person: PersonRecord, revoked_at: datetime
) -> None:
    """Grant rows as the record says: missing ones added, ones it no longer holds ended."""
    active = select(RoleGrant).where(
        RoleGrant.person_id == person.id, col(RoleGrant.revoked_at).is_(None)
    )
    held = {g.role: g for g in (await session.exec(active)).all()}
    for role, grant in held.items():
        if not any(h.role.value == role for h in person.roles):
            grant.revoked_at, grant.revoked_by = revoked_at, "rebuild"
            session.add(grant)
    for holding in person.roles:
        if holding.role.value not in held:
            session.add(
                RoleGrant(
                    person_id=person.id,
                    role=holding.role.value,
                    granted_at=holding.granted_at,
                    granted_by=holding.granted_by,
                )
            )


async def _write_delegations(session: AsyncSession, delegations: list[DelegationRecord]) -> None:
    # When the delegator was reminded lives in the directory's event log, not its row.
    rows = [
        {**d.model_dump(mode="python", exclude={"reminded_at"}), "role": d.role.value}
        for d in delegations
    ]
    await upsert(session, DelegationRow, rows)


async def _imported(session: AsyncSession, event: AuditEvent) -> None:
    people = [PersonRecord.model_validate(p) for p in event.payload["people"]]
    delegations = [DelegationRecord.model_validate(d) for d in event.payload["delegations"]]
    await _write_people(session, people, revoked_at=event.at)
    await _write_delegations(session, delegations)


async def _person_added(session: AsyncSession, event: AuditEvent) -> None:
    p, after = event.payload, event.payload["after"]
    row = {"id": p["person"], "name": after["name"], "active": True, "created_at": event.at}
    await insert_missing(session, Person, [row])
    for role in after["roles"]:
        grant = RoleGrant(
            person_id=p["person"], role=role, granted_at=event.at, granted_by=event.actor
        )
        session.add(grant)


async def _active_changed(session: AsyncSession, event: AuditEvent) -> None:
    person, active = event.payload["person"], event.payload["after"]["active"]
    await session.exec(update(Person).where(col(Person.id) == person).values(active=active))


async def _role_granted(session: AsyncSession, event: AuditEvent) -> None:
    p = event.payload
    grant = RoleGrant(
        person_id=p["person"], role=p["role"], granted_at=event.at, granted_by=event.actor
    )
    session.add(grant)


async def _role_revoked(session: AsyncSession, event: AuditEvent) -> None:
    p = event.payload
    statement = (
        update(RoleGrant)
        .where(
            col(RoleGrant.person_id) == p["person"],
            col(RoleGrant.role) == p["role"],
            col(RoleGrant.revoked_at).is_(None),
        )
        .values(revoked_at=event.at, revoked_by=event.actor)
    )
    await session.exec(statement)


async def _delegation_created(session: AsyncSession, event: AuditEvent) -> None:
    p = event.payload
    record = DelegationRecord(
        id=p["delegation_id"],
        delegator=p["delegator"],
        delegate=p["delegate"],
        role=p["role"],
        change_id=p["change_id"],
        starts_at=p["after"]["starts_at"],
        ends_at=p["after"]["ends_at"],
        reason=p["after"]["reason"],
        created_at=event.at,
    )
    await _write_delegations(session, [record])


async def _delegation_revoked(session: AsyncSession, event: AuditEvent) -> None:
    statement = (
        update(DelegationRow)
        .where(col(DelegationRow.id) == event.payload["delegation_id"])
        .values(revoked_at=event.at, revoked_by=event.actor)
    )
    await session.exec(statement)


async def _nothing_to_write(session: AsyncSession, event: AuditEvent) -> None:
    """A delegation that expired needs no row changed: its end date already says so."""


async def _token_revoked(session: AsyncSession, event: AuditEvent) -> None:
    p = event.payload
    row = {
        "token_id": p["token_id"],
        "person_id": p["person"],
        "revoked_at": event.at,
        "expires_at": datetime.fromisoformat(p["expires_at"]),
    }
    await insert_missing(session, TokenRevocationRow, [row])


async def _tokens_revoked(session: AsyncSession, event: AuditEvent) -> None:
    statement = (
        update(Person)
        .where(col(Person.id) == event.payload["person"])
        .values(tokens_valid_after=event.at)
    )
    await session.exec(statement)


async def _playbook_published(session: AsyncSession, event: AuditEvent) -> None:
    p = event.payload
    published = PublishedPlaybook(
        name=p["name"],
        version=p["version"],
        document=p["document"],
        fingerprint=p["fingerprint"],
        published_by=event.actor,
        published_at=event.at,
        seq=event.seq,
    )
    await playbooks.write_published(session, [published])


_APPLY: dict[Kind, Apply] = {
    Kind.DIRECTORY_IMPORTED: _imported,
    Kind.PERSON_ADDED: _person_added,
    Kind.PERSON_DEACTIVATED: _active_changed,
    Kind.PERSON_REACTIVATED: _active_changed,
    Kind.ROLE_GRANTED: _role_granted,
    Kind.ROLE_REVOKED: _role_revoked,
    Kind.DELEGATION_CREATED: _delegation_created,
    Kind.DELEGATION_REVOKED: _delegation_revoked,
    Kind.DELEGATION_EXPIRED: _nothing_to_write,
    Kind.DELEGATION_EXPIRING: _nothing_to_write,
    Kind.TOKEN_REVOKED: _token_revoked,
    Kind.TOKENS_REVOKED: _tokens_revoked,
    Kind.PLAYBOOK_PUBLISHED: _playbook_published,
    Kind.ARCHIVES_PURGED: _nothing_to_write,
}
