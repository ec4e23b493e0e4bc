"""The playbook catalogue and publishing through the directory workflow, on a real dev
server: versions immutable, new changes on the latest unless they ask for another:
throughline/services/playbooks.py."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
import yaml
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from api.playbook_examples import PLAYBOOK
from models import errors
from models.audit import HashScheme
from models.directory.state import OPERATOR
from models.playbook_catalogue import PlaybookSource
from models.playbook_source import PlaybookFormat, PlaybookText
from models.playbooks import PDCA_V3_PLAYBOOK_DATA
from models.roles import Role
from tests.factories import Team, new_team, seed_team
from tests.workflows.helpers import change_service
from throughline.services.directory import DirectoryService
from throughline.services.playbooks import PlaybookAdmin, PlaybookCatalogue
from throughline.settings import Settings
from throughline.store import directory, readmodel


def custom(name: str, version: int = 1, **changes: Any) -> PlaybookText:
    """The example playbook under a name of the test's own, as YAML."""
    data = copy.deepcopy(PLAYBOOK)
    data.update(name=name, version=version, **changes)
    return PlaybookText(text=yaml.safe_dump(data), form=PlaybookFormat.YAML)


@pytest.fixture
def name() -> str:
    return f"custom-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def catalogue(sqlite_sessions: async_sessionmaker[AsyncSession]) -> PlaybookCatalogue:
    return PlaybookCatalogue(sqlite_sessions)


@pytest.fixture
def admin(catalogue: PlaybookCatalogue, directory_service: DirectoryService) -> PlaybookAdmin:
    return PlaybookAdmin(catalogue, directory_service)


async def test_a_version_is_published_once_as_a_directory_event(
    admin: PlaybookAdmin,
    catalogue: PlaybookCatalogue,
    directory_service: DirectoryService,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    name: str,
) -> None:
    published = await admin.publish(OPERATOR, custom(name))
    assert (published.changed, published.source, published.published_by) == (
        True, PlaybookSource.PUBLISHED, OPERATOR
    )  # fmt: skip
    async with sqlite_sessions() as session:
        events = await directory.events_of(session, directory_service.directory_id)
    assert (events[-1].kind, events[-1].seq) == ("playbook_published", published.directory_seq)
    assert events[-1].payload["fingerprint"] == published.fingerprint
    again = await admin.publish(OPERATOR, custom(name))
    assert (again.changed, again.directory_seq) == (False, published.directory_seq)
    entry = await catalogue.version(name, 1)
    assert entry.playbook.stage("intent").gate.quorum[Role.POLICY] == 2


async def test_a_version_never_changes_and_never_goes_back(admin: PlaybookAdmin, name: str) -> None:
    await admin.publish(OPERATOR, custom(name, version=2))
    with pytest.raises(errors.PlaybookVersionExists, match=f"version 2 of the '{name}'"):
        await admin.publish(OPERATOR, custom(name, version=2, title="Quietly changed"))
    with pytest.raises(errors.PlaybookVersionNotNewer, match="latest published, version 2"):
        await admin.publish(OPERATOR, custom(name, version=1))


async def test_built_in_versions_answer_unchanged_or_are_refused(admin: PlaybookAdmin) -> None:
    built_in = PlaybookText(text=yaml.safe_dump(PDCA_V3_PLAYBOOK_DATA), form=PlaybookFormat.YAML)
    same = await admin.publish(OPERATOR, built_in)
    assert (same.changed, same.source, same.directory_seq) == (False, PlaybookSource.BUILT_IN, None)
    other = {**PDCA_V3_PLAYBOOK_DATA, "title": "Changed"}
    with pytest.raises(errors.PlaybookVersionExists, match="version 3 of the 'pdca' playbook"):
        await admin.publish(
            OPERATOR, PlaybookText(text=yaml.safe_dump(other), form=PlaybookFormat.YAML)
        )


async def test_only_admins_publish(
    admin: PlaybookAdmin, directory_service: DirectoryService, name: str
) -> None:
    team = await seed_team(directory_service, new_team())
    with pytest.raises(errors.NotPermitted, match="needs the admin role"):
        await admin.publish(team.proposer, custom(name))
    assert (await admin.publish(team.admin, custom(name))).published_by == team.admin


async def _propose(
    client: Client, settings: Settings, sessions: Any, team: Team, **intake: Any
) -> str:
    commands = change_service(client, settings, sessions)
    return (await commands.propose(team.intake(**intake), team.proposer, key=None)).change_id


async def test_new_changes_start_on_the_latest_unless_they_ask_for_another(
    admin: PlaybookAdmin,
    directory_service: DirectoryService,
    temporal_client: Client,
    task_queue: str,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    name: str,
) -> None:
    team = await seed_team(directory_service, new_team())
    for version in (1, 2):
        await admin.publish(OPERATOR, custom(name, version=version, title=f"Version {version}"))
    settings = Settings(task_queue=task_queue)
    latest = await _propose(temporal_client, settings, sqlite_sessions, team, playbook=name)
    pinned = await _propose(
        temporal_client, settings, sqlite_sessions, team, playbook=name, playbook_version=1
    )
    async with sqlite_sessions() as session:
        assert (await readmodel.change_state(session, latest)).playbook.version == 2
        state = await readmodel.change_state(session, pinned)
    assert (state.playbook.version, state.playbook.title) == (1, "Version 1")
    with pytest.raises(errors.UnknownPlaybook, match="has no version 7; its versions are 1, 2"):
        await _propose(
            temporal_client, settings, sqlite_sessions, team, playbook=name, playbook_version=7
        )
    with pytest.raises(errors.UnknownPlaybook, match="no playbook named 'waterfall'"):
        await _propose(temporal_client, settings, sqlite_sessions, team, playbook="waterfall")


async def test_a_new_version_hashes_canonically_unless_it_says_otherwise(
    admin: PlaybookAdmin, catalogue: PlaybookCatalogue, name: str
) -> None:
    await admin.publish(OPERATOR, custom(name))
    assert (await catalogue.get(name, 1)).governance.hash_scheme is HashScheme.JCS
    first_way = {"hash_scheme": "sorted-json"}
    await admin.publish(OPERATOR, custom(name, version=2, governance=first_way))
    assert (await catalogue.get(name, 2)).governance.hash_scheme is HashScheme.SORTED_JSON


async def test_a_version_published_before_the_choice_still_matches_itself(
    admin: PlaybookAdmin,
    catalogue: PlaybookCatalogue,
    directory_service: DirectoryService,
    name: str,
) -> None:
    """Published before playbooks named a scheme: the same file again changes nothing."""
    earlier = custom(name).parsed()
    assert earlier.governance.hash_scheme is HashScheme.SORTED_JSON
    await directory_service.publish_playbook(OPERATOR, earlier, None)
    again = await admin.publish(OPERATOR, custom(name))
    assert again.changed is False
    assert (await catalogue.get(name, 1)).governance.hash_scheme is HashScheme.SORTED_JSON
