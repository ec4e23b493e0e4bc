"""People in the directory: who is in it, with which roles, and, for auditors, everything
it recorded about each person (PeopleService, from SQL); and the changes admins and the
operator make to them (PeopleAdmin, through the directory workflow)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.directory.commands import DirectoryResult, NewPerson
from models.directory.events import DirectoryEventKind, describe_directory_event
from models.read.reports import DirectoryEntry, PersonHistory, PersonOut, TokensRevokedOut
from models.roles import Role
from models.tables import Person
from throughline.services.directory import DirectoryService
from throughline.store import directory


class PeopleService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], directory_id: str) -> None:
        self._sessions = sessions
        self._directory_id = directory_id

    async def everyone(self) -> list[PersonOut]:
        """Everyone in the directory with the roles they hold now."""
        async with self._sessions() as session:
            return [await _out(session, p) for p in await directory.list_people(session)]

    async def one(self, person_id: str) -> PersonOut:
        async with self._sessions() as session:
            return await _out(session, await directory.get_person(session, person_id))

    async def history(self, person_id: str) -> PersonHistory:
        """Everything the directory recorded about a person, oldest first."""
        async with self._sessions() as session:
            await directory.get_person(session, person_id)
            events = await directory.events_about(session, self._directory_id, person_id)
        return PersonHistory(person=person_id, entries=[_entry(e) for e in events])

    async def active_roles(self) -> dict[str, tuple[bool, list[Role]]]:
        """Each person's id, whether they are active and the roles they hold."""
        async with self._sessions() as session:
            people = await directory.list_people(session)
            return {p.id: (p.active, await directory.active_roles(session, p.id)) for p in people}


async def _out(session: AsyncSession, person: Person) -> PersonOut:
    roles = await directory.active_roles(session, person.id)
    return PersonOut(id=person.id, name=person.name, active=person.active, roles=roles)


def _entry(event: AuditEvent) -> DirectoryEntry:
    return DirectoryEntry(
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        role=Role(event.role) if event.role else None,
        kind=DirectoryEventKind(event.kind),
        summary=describe_directory_event(event),
        payload=event.payload,
    )


class PeopleAdmin:
    """Changes to people, each answered with the person as the change left them."""

    def __init__(self, directory: DirectoryService) -> None:
        self._directory = directory

    async def add(self, actor: str, person: NewPerson, key: str | None = None) -> PersonOut:
        return _changed(await self._directory.add_people(actor, [person], key))

    async def change_role(self, actor: str, person_id: str, role: Role, grant: bool) -> PersonOut:
        return _changed(await self._directory.change_role(actor, person_id, role, grant))

    async def set_active(self, actor: str, person_id: str, active: bool) -> PersonOut:
        return _changed(await self._directory.set_active(actor, person_id, active))

    async def revoke_tokens(self, actor: str, person_id: str) -> TokensRevokedOut:
        person = (await self._directory.revoke_tokens(actor, person_id)).people[0]
        return TokensRevokedOut(person=person.id, tokens_valid_after=person.tokens_valid_after)


def _changed(result: DirectoryResult) -> PersonOut:
    record = result.people[0]
    roles = [Role(name) for name in record.role_names]
    return PersonOut(id=record.id, name=record.name, active=record.active, roles=roles)
