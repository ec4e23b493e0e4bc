"""Playbooks: the catalogue every change starts from (the built-in versions and the ones
admins published), with the checks and previews that only read it; and publishing,
which goes through the directory. The API, the command line and the change service all
call these.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import HashScheme
from models.authority import Authorities
from models.change import ChangeState
from models.directory.publishing import check_newer_than_built_ins, playbook_fingerprint
from models.errors import PlaybookNotFound, UnknownPlaybook
from models.playbook import Playbook
from models.playbook_catalogue import (
    Catalogue,
    CataloguedPlaybook,
    PlaybookCheck,
    PlaybookVersions,
    PublishedPlaybookOut,
)
from models.playbook_diff import PlaybookDiff, describe_differences, impact_on
from models.playbook_source import PlaybookText, playbook_problems, read_document
from models.playbooks import PLAYBOOKS
from throughline.services.directory import DirectoryService
from throughline.store import directory, playbooks

OPEN_CHANGES_SHOWN = 200
"""The most open changes a preview describes one by one; it counts them all."""


class PlaybookCatalogue:
    """Built-in and published versions, read afresh each time: a version published by
    another process is in the catalogue at once."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def catalogue(self) -> Catalogue:
        async with self._sessions() as session:
            published = await playbooks.published(session)
        return Catalogue(PLAYBOOKS, published)

    async def everything(self) -> list[Playbook]:
        """Every version, by name and then version."""
        return [entry.playbook for entry in (await self.catalogue()).everything()]

    async def versions(self, name: str) -> PlaybookVersions:
        return (await self.catalogue()).versions(name)

    async def version(self, name: str, version: int) -> CataloguedPlaybook:
        return (await self.catalogue()).get(name, version)

    async def latest(self, name: str) -> Playbook:
        return (await self.catalogue()).latest(name).playbook

    async def get(self, name: str, version: int) -> Playbook:
        return (await self.catalogue()).get(name, version).playbook

    async def for_new_change(self, name: str, version: int | None) -> Playbook:
        """The version a new change pins: the one it asks for, else the latest. Unknown
        names and versions are refused with what there is."""
        catalogue = await self.catalogue()
        try:
            entry = catalogue.latest(name) if version is None else catalogue.get(name, version)
        except PlaybookNotFound as unknown:
            raise UnknownPlaybook(unknown.message) from None
        return entry.playbook

    async def settled(self, source: PlaybookText) -> Playbook:
        """A playbook that does not say how its changes' audit events are hashed takes
        RFC 8785 canonical JSON, which any language can check; the same version
        published before the choice existed keeps what it has, so it still matches."""
        playbook = source.parsed()
        if "hash_scheme" in playbook.governance.model_fields_set:
            return playbook
        try:
            found = await self.get(playbook.name, playbook.version)
            scheme = found.governance.hash_scheme
        except PlaybookNotFound:
            scheme = HashScheme.JCS
        governance = playbook.governance.model_copy(update={"hash_scheme": scheme})
        return playbook.model_copy(update={"governance": governance})

    async def check(self, source: PlaybookText) -> PlaybookCheck:
        """Every problem with the document, or the playbook as it would be published."""
        problems = playbook_problems(read_document(source.text, source.form))
        if problems:
            return PlaybookCheck(valid=False, problems=problems)
        playbook = await self.settled(source)
        catalogue = await self.catalogue()
        return PlaybookCheck(
            valid=True,
            name=playbook.name,
            version=playbook.version,
            fingerprint=playbook_fingerprint(playbook),
            latest_version=catalogue.latest_version(playbook.name),
            playbook=playbook,
        )

    async def preview(self, source: PlaybookText) -> PlaybookDiff:
        """What the document changes from the latest version of its name, and what would
        differ for each open change on that name; none of them moves."""
        playbook = await self.settled(source)
        catalogue = await self.catalogue()
        latest = catalogue.latest(playbook.name) if playbook.name in catalogue.names() else None
        states, total = await self._open_changes(playbook.name)
        found = await self._authorities(states)
        return PlaybookDiff(
            name=playbook.name,
            from_version=latest.version if latest else None,
            to_version=playbook.version,
            differences=describe_differences(latest.playbook if latest else None, playbook),
            open_changes=[impact_on(state, playbook, found) for state in states],
            open_changes_total=total,
        )

    async def _open_changes(self, name: str) -> tuple[list[ChangeState], int]:
        async with self._sessions() as session:
            return await playbooks.open_changes_on(session, name, OPEN_CHANGES_SHOWN)

    async def _authorities(self, states: list[ChangeState]) -> Authorities:
        people = sorted({p for s in states for p in [s.proposer, *s.intake.people.everyone()]})
        async with self._sessions() as session:
            return await directory.authorities(session, people, datetime.now(UTC))


class PlaybookAdmin:
    """Publishing, which admins do: a directory event, so it is audited, chained and
    rebuilt like every other change to the directory."""

    def __init__(self, catalogue: PlaybookCatalogue, directory_service: DirectoryService) -> None:
        self._catalogue = catalogue
        self._directory = directory_service

    async def publish(
        self, actor: str, source: PlaybookText, key: str | None = None
    ) -> PublishedPlaybookOut:
        """Publish a new version. The same version with the same content again changes
        nothing; with other content, or not newer than the latest, it is refused."""
        playbook = await self._catalogue.settled(source)
        changed = False
        if not check_newer_than_built_ins(playbook, PLAYBOOKS):
            changed = (await self._directory.publish_playbook(actor, playbook, key)).changed
        entry = await self._catalogue.version(playbook.name, playbook.version)
        return PublishedPlaybookOut(
            **entry.model_dump(include=set(PublishedPlaybookOut.model_fields)), changed=changed
        )
