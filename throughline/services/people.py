"""Reads of the directory for people: who is in it, with which roles, and, for auditors,
everything it recorded about each person."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.directory.events import describe_directory_event
from models.directory.state import PersonRecord
from models.read.reports import DirectoryEntry, PersonHistory, PersonOut
from models.roles import Role
from models.tables import Person
from throughline.store import directory


def person_of(record: PersonRecord) -> PersonOut:
    """A person as a directory command left them."""
    roles = [Role(name) for name in record.role_names]
    return PersonOut(id=record.id, name=record.name, active=record.active, roles=roles)


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
        role=event.role,
        kind=event.kind,
        summary=describe_directory_event(event),
        payload=event.payload,
    )
