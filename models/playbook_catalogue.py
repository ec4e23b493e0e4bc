"""The catalogue of playbooks a change may start on: the built-in versions and the
versions admins published, with which is the latest of each name.

Pure: the service hands in what SQL holds and asks by name and version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.base import Strict
from models.directory.publishing import playbook_fingerprint
from models.directory.state import PublishedPlaybook
from models.errors import PlaybookNotFound
from models.playbook import Playbook


class PlaybookSource(StrEnum):
    BUILT_IN = "built_in"
    """Shipped with Throughline, in models/playbooks.py."""
    PUBLISHED = "published"
    """Published by an admin, as a directory event."""


class CataloguedPlaybook(Strict):
    """One playbook version, where it came from, and the fingerprint it is known by."""

    name: str
    version: int
    source: PlaybookSource
    fingerprint: str = Field(description="sha256 over the playbook's canonical JSON.")
    published_by: str | None = None
    published_at: datetime | None = None
    directory_seq: int | None = Field(
        default=None, description="The directory event that published it."
    )
    playbook: Playbook


class PlaybookVersions(Strict):
    """Every version of one playbook, oldest first."""

    name: str
    latest: int
    versions: list[CataloguedPlaybook]


class PublishedPlaybookOut(Strict):
    """What publishing answered."""

    name: str
    version: int
    fingerprint: str
    changed: bool = Field(description="False when this very version was already there.")
    source: PlaybookSource
    published_by: str | None = None
    published_at: datetime | None = None
    directory_seq: int | None = None


class PlaybookCheck(Strict):
    """Whether a playbook document is valid, and every problem with it if not."""

    valid: bool
    problems: list[str] = Field(
        default_factory=list, description="Each problem in a sentence that says where it is."
    )
    name: str | None = None
    version: int | None = None
    fingerprint: str | None = None
    latest_version: int | None = Field(
        default=None, description="The latest version of that name already in the catalogue."
    )
    playbook: Playbook | None = Field(default=None, description="As it would be published.")


def built_in_entry(playbook: Playbook) -> CataloguedPlaybook:
    return CataloguedPlaybook(
        name=playbook.name,
        version=playbook.version,
        source=PlaybookSource.BUILT_IN,
        fingerprint=playbook_fingerprint(playbook),
        playbook=playbook,
    )


def published_entry(published: PublishedPlaybook) -> CataloguedPlaybook:
    return CataloguedPlaybook(
        name=published.name,
        version=published.version,
        source=PlaybookSource.PUBLISHED,
        fingerprint=published.fingerprint,
        published_by=published.published_by,
        published_at=published.published_at,
        directory_seq=published.seq,
        playbook=Playbook.model_validate(published.document),
    )


class Catalogue:
    """Built-in and published versions together. A published version is the recorded
    fact, so it stands if the code ever ships a built-in of the same name and version."""

    def __init__(
        self,
        built_in: Mapping[tuple[str, int], Playbook],
        published: Iterable[PublishedPlaybook],
    ) -> None:
        entries = {key: built_in_entry(p) for key, p in built_in.items()}
        entries |= {(p.name, p.version): published_entry(p) for p in published}
        self._entries = dict(sorted(entries.items()))

    def everything(self) -> list[CataloguedPlaybook]:
        """Every version, by name and then version."""
        return list(self._entries.values())

    def names(self) -> list[str]:
        return sorted({name for name, _ in self._entries})

    def versions(self, name: str) -> PlaybookVersions:
        found = [e for (n, _), e in self._entries.items() if n == name]
        if not found:
            raise PlaybookNotFound(
                f"there is no playbook named {name!r}; the playbooks are "
                f"{', '.join(self.names()) or '(none)'}"
            )
        return PlaybookVersions(name=name, latest=found[-1].version, versions=found)

    def latest(self, name: str) -> CataloguedPlaybook:
        return self.versions(name).versions[-1]

    def latest_version(self, name: str) -> int | None:
        versions = [v for n, v in self._entries if n == name]
        return max(versions, default=None)

    def get(self, name: str, version: int) -> CataloguedPlaybook:
        entry = self._entries.get((name, version))
        if entry is not None:
            return entry
        known = ", ".join(str(e.version) for e in self.versions(name).versions)
        raise PlaybookNotFound(
            f"the {name!r} playbook has no version {version}; its versions are {known}"
        )
