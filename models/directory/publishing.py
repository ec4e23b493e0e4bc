"""Publishing a playbook version through the directory: who may, which versions may be
published, what a published version must hold, and the chained event that records it.

Versions are immutable. Publishing a version again with the same content changes
nothing; with other content, or a version not newer than the latest, it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from models.audit import AuditEvent
from models.base import LIST_LIMIT
from models.canonical import fingerprint
from models.directory.commands import PublishPlaybook
from models.directory.events import DirectoryEventKind as Kind
from models.directory.rules import require_admin
from models.directory.state import DirectoryState, PublishedPlaybook
from models.directory.transitions import record
from models.errors import InvalidPlaybook, PlaybookVersionExists, PlaybookVersionNotNewer
from models.playbook import Playbook, StageDef

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
LONGEST_STAGE_NAME = 64
"""Stage names become part of gate ids and columns of 64 characters."""
LONGEST_TEXT = 200
HIGHEST_VERSION = 1_000_000
LARGEST_QUORUM = LIST_LIMIT
"""A change names at most this many people for a role, so no larger quorum can be met."""


def playbook_document(playbook: Playbook) -> dict[str, Any]:
    """The whole playbook as JSON data, defaults included: what is published."""
    return playbook.model_dump(mode="json")


def playbook_fingerprint(playbook: Playbook) -> str:
    """sha256 over the canonical JSON of the whole playbook."""
    return fingerprint(playbook_document(playbook))


def publishing_problems(playbook: Playbook) -> list[str]:
    """What the playbook model allows but a published version cannot hold: a name that
    becomes an id, and names that become columns."""
    problems = []
    if not NAME_PATTERN.match(playbook.name):
        problems.append(
            "name: use 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a "
            f"letter or digit, not {playbook.name!r}"
        )
    if playbook.version > HIGHEST_VERSION:
        problems.append(f"version: at most {HIGHEST_VERSION}")
    if not _fits(playbook.title, LONGEST_TEXT):
        problems.append(f"title: give 1 to {LONGEST_TEXT} printable characters")
    for index, stage in enumerate(playbook.stages):
        problems += _stage_problems(index, stage)
    return problems


def _stage_problems(index: int, stage: StageDef) -> list[str]:
    problems = []
    if not _fits(stage.name, LONGEST_STAGE_NAME):
        problems.append(f"stages.{index}.name: give 1 to {LONGEST_STAGE_NAME} printable characters")
    if not _fits(stage.gate.name, LONGEST_TEXT):
        problems.append(f"stages.{index}.gate.name: give 1 to {LONGEST_TEXT} printable characters")
    for role, need in stage.gate.quorum.items():
        if need > LARGEST_QUORUM:
            problems.append(
                f"stages.{index}.gate.quorum.{role}: at most {LARGEST_QUORUM}, the most people "
                "a change names for a role"
            )
    return problems


def _fits(text: str, longest: int) -> bool:
    return bool(text.strip()) and len(text) <= longest and text.isprintable()


def check_publish_playbook(state: DirectoryState, cmd: PublishPlaybook) -> PublishedPlaybook | None:
    """The version as already published, when it is the same content; None when it may
    be published now. Anything else is refused, naming the version."""
    require_admin(state, cmd)
    playbook = cmd.playbook
    problems = publishing_problems(playbook)
    if problems:
        raise InvalidPlaybook("the playbook cannot be published: " + "; ".join(problems))
    existing = state.published(playbook.name, playbook.version)
    if existing is not None:
        if _same_content(existing, playbook):
            return existing
        raise PlaybookVersionExists(
            f"version {playbook.version} of the {playbook.name!r} playbook is already "
            f"published with other content (sha256 {existing.fingerprint[:12]}); versions "
            f"never change, so publish it as version {_next(state, playbook.name)}"
        )
    latest = state.latest_published(playbook.name)
    if latest is not None and playbook.version <= latest:
        raise PlaybookVersionNotNewer(
            f"version {playbook.version} of the {playbook.name!r} playbook is not newer than "
            f"the latest published, version {latest}; publish it as version {latest + 1}"
        )
    return None


def check_newer_than_built_ins(
    playbook: Playbook, built_in: Mapping[tuple[str, int], Playbook]
) -> bool:
    """True when this very version is built in with the same content: nothing to publish.
    A built-in version with other content, or one not newer than the newest built in,
    is refused."""
    same = built_in.get((playbook.name, playbook.version))
    if same is not None and same == playbook:
        return True
    newest = max((v for n, v in built_in if n == playbook.name), default=None)
    if same is not None:
        raise PlaybookVersionExists(
            f"version {playbook.version} of the {playbook.name!r} playbook is built in, with "
            f"other content; versions never change, so publish it as version {(newest or 0) + 1}"
        )
    if newest is not None and playbook.version <= newest:
        raise PlaybookVersionNotNewer(
            f"version {playbook.version} of the {playbook.name!r} playbook is not newer than "
            f"the newest built in, version {newest}; publish it as version {newest + 1}"
        )
    return False


def check_not_built_in(playbook: Playbook, built_in: Mapping[tuple[str, int], Playbook]) -> None:
    """What the directory may publish: nothing that is, or is not newer than, built in."""
    if check_newer_than_built_ins(playbook, built_in):
        raise PlaybookVersionExists(
            f"version {playbook.version} of the {playbook.name!r} playbook is built in; "
            "there is nothing to publish"
        )


def apply_publish_playbook(
    state: DirectoryState, cmd: PublishPlaybook, now: datetime
) -> list[AuditEvent]:
    """Record the version, with its whole document and fingerprint; nothing if the same
    content is already published."""
    if check_publish_playbook(state, cmd) is not None:
        return []
    playbook, document = cmd.playbook, playbook_document(cmd.playbook)
    sha = fingerprint(document)
    payload = {
        "name": playbook.name,
        "version": playbook.version,
        "fingerprint": sha,
        "document": document,
    }
    event = record(state, Kind.PLAYBOOK_PUBLISHED, cmd.actor, now, payload)
    published = PublishedPlaybook(
        name=playbook.name,
        version=playbook.version,
        document=document,
        fingerprint=sha,
        published_by=cmd.actor,
        published_at=now,
        seq=event.seq,
    )
    state.playbooks.append(published)
    return [event]


def _same_content(existing: PublishedPlaybook, playbook: Playbook) -> bool:
    """Same content, even if fields with defaults were added to the model since."""
    if existing.fingerprint == playbook_fingerprint(playbook):
        return True
    try:
        return Playbook.model_validate(existing.document) == playbook
    except ValidationError:
        return False


def _next(state: DirectoryState, name: str) -> int:
    return (state.latest_published(name) or 0) + 1
