"""Delegations: a role holder lets someone act for them, for a bounded period. Given and
revoked through the directory workflow; read from its projection."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.directory.commands import DelegationRequest
from models.directory.rules import require_may_revoke
from models.directory.state import DelegationRecord
from models.errors import DelegationNotFound
from models.read.reports import DelegationOut
from models.roles import Role
from models.tables import DelegationRow
from throughline.services.directory import DirectoryService
from throughline.store import delegations, directory
from throughline.store.directory import as_grant


class DelegationService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], directory: DirectoryService
    ) -> None:
        self._sessions = sessions
        self._directory = directory

    async def delegate(
        self, delegator: str, body: DelegationRequest, key: str | None
    ) -> DelegationOut:
        result = await self._directory.delegate(delegator, body, key)
        if result.delegation is None:
            raise DelegationNotFound("the directory gave no delegation back")
        return _of(result.delegation)

    async def revoke(self, actor: str, delegation_id: int) -> DelegationOut:
        """End a delegation early; one already ended is returned as it stands."""
        result = await self._directory.revoke_delegation(actor, delegation_id)
        if result is not None and result.delegation is not None:
            return _of(result.delegation)
        async with self._sessions() as session:
            ended = await delegations.get(session, delegation_id)
            admin = Role.ADMIN in await directory.active_roles(session, actor)
        require_may_revoke(ended.delegator, actor, admin)
        return _out(ended)

    async def involving(self, person: str) -> list[DelegationOut]:
        """Delegations the person gave or received, in force or not."""
        async with self._sessions() as session:
            return [_out(row) for row in await delegations.involving(session, person)]


def _of(record: DelegationRecord) -> DelegationOut:
    now = datetime.now(UTC)
    revoked = record.revoked_at is not None and record.revoked_at <= now
    in_force = record.starts_at <= now < record.ends_at and not revoked
    shown = record.model_dump(exclude={"revoked_by", "reminded_at"})
    return DelegationOut(**shown, in_force=in_force)


def _out(row: DelegationRow) -> DelegationOut:
    grant = as_grant(row)
    return DelegationOut(
        **grant.model_dump(exclude={"revoked_at"}),
        reason=row.reason,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        in_force=grant.in_force_at(datetime.now(UTC)),
    )
