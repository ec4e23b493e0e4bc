"""The list of changes, tried as a new user would: filters that cannot match are refused
plainly, and a person with no role reads no changes, as in the API."""

from __future__ import annotations

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team, add_people
from tests.web.conftest import SignIn
from throughline.services.directory import DirectoryService


async def test_a_service_with_a_control_character_is_refused_plainly(
    team: Team, browse: SignIn
) -> None:
    reader = await browse(team.signer(Role.POLICY))

    page = await reader.get("/web/changes?service=%00")

    assert page.status_code == 400
    assert "govuk-template" in page.text


async def test_a_person_with_no_role_reads_no_changes(
    team: Team, browse: SignIn, directory_service: DirectoryService
) -> None:
    nobody = f"no-role-{team.suffix}"
    await add_people(directory_service, {nobody: []})
    reader = await browse(nobody)

    listed = await reader.get("/web/changes")
    work = await reader.get("/web/work")

    assert listed.status_code == 403
    assert work.status_code == 200


async def test_changes_are_found_by_the_person_they_wait_on(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "the intent")
    reader = await browse(team.auditor)

    waiting = await reader.get(f"/web/changes?person={team.signer(Role.POLICY)}&order=newest")
    not_waiting = await reader.get(f"/web/changes?person={team.auditor}")
    by_api = await api.get(team.auditor, "/changes", waiting_on_person=team.signer(Role.POLICY))

    assert f"/web/changes/{change_id}" in waiting.text
    on_whom = by_api.json()["items"][0]["waiting_on_people"]
    assert team.signer(Role.POLICY) in on_whom
    assert f"On {', '.join(on_whom)}" in waiting.text
    assert f"/web/changes/{change_id}" not in not_waiting.text
    assert [c["change_id"] for c in by_api.json()["items"]] == [change_id]
