"""The where-to-start and alignment page, as the people named on a change use it: the
three conditions rated, an area's readiness recorded, and the service owner's override;
each refusal shown in the rule's own words."""

from __future__ import annotations

from typing import Any

import httpx

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose
from tests.factories import Team, add_people
from tests.web.conftest import SignIn, csrf_of
from throughline.services.directory import DirectoryService
from web.pages.practice import prioritisation_fields

CAPABILITY_LOW = {
    "senior_interest": {"rating": "high", "note": "The minister asked for it"},
    "operational_capacity": {"rating": "medium"},
    "capability": {"rating": "low", "note": "No user researcher yet"},
}


async def _post(
    client: httpx.AsyncClient, change_id: str, form: str, data: dict[str, str]
) -> httpx.Response:
    page = await client.get(f"/web/changes/{change_id}/practice")
    assert page.status_code == 200, page.text
    path = f"/web/changes/{change_id}/practice/{form}"
    return await client.post(path, data={"csrf_token": csrf_of(page), **data})


async def _practice(api: Api, team: Team, change_id: str) -> dict[str, Any]:
    view = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    practice: dict[str, Any] = view["practice"]
    return practice


async def _capability_low(api: Api, team: Team) -> str:
    change_id = await propose(api, team)
    path = f"/changes/{change_id}/prioritisation"
    rated = await api.post(team.proposer, path, CAPABILITY_LOW)
    assert rated.status_code == 200, rated.text
    return change_id


async def test_the_page_shows_where_to_start_and_how_the_areas_stand(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await _capability_low(api, team)
    body = {"status": "blocked", "owner": team.signer(Role.OPERATIONS), "note": "No trainers"}
    readiness = await api.put(team.proposer, f"/changes/{change_id}/readiness/skills", body)
    assert readiness.status_code == 200, readiness.text
    auditor = await browse(team.auditor)

    page = await auditor.get(f"/web/changes/{change_id}/practice")

    assert page.status_code == 200, page.text
    assert "The minister asked for it" in page.text
    assert "Build or borrow capability: capability is rated low (No user researcher yet)" in (
        page.text
    )
    assert f"Skills is blocked, owned by {team.signer(Role.OPERATIONS)}" in page.text
    assert "No trainers" in page.text
    assert 'name="capability.rating" type="radio" value="low" checked' in page.text
    assert "Go on without a missing condition" not in page.text  # not a service owner
    change = await (await browse(team.proposer)).get(f"/web/changes/{change_id}")
    assert f'href="/web/changes/{change_id}/practice"' in change.text


async def test_the_team_rates_the_three_conditions(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)
    data = {
        "senior_interest.rating": "high",
        "senior_interest.note": "A senior sponsor chairs the board",
        "operational_capacity.rating": "medium",
        "capability.rating": "high",
    }

    sent = await _post(proposer, change_id, "prioritisation", data)

    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/web/changes/{change_id}/practice"
    practice = await _practice(api, team, change_id)
    assert practice["assessed_by"] == team.proposer
    rated = practice["prioritisation"]
    assert rated["senior_interest"] == {
        "rating": "high",
        "note": "A senior sponsor chairs the board",
    }
    assert (rated["operational_capacity"]["rating"], rated["capability"]["rating"]) == (
        "medium",
        "high",
    )
    shown = await proposer.get(sent.headers["location"])
    assert "Where to start is assessed" in shown.text


async def test_a_missing_rating_shows_by_its_radios_with_the_typed_notes_kept(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)
    data = {
        "senior_interest.rating": "high",
        "operational_capacity.rating": "low",
        "capability.note": "Two developers, no researcher",
    }

    sent = await _post(proposer, change_id, "prioritisation", data)

    assert sent.status_code == 400
    assert '<a href="#capability-rating">Select how capability is rated</a>' in sent.text
    assert 'id="capability-rating-error"' in sent.text
    assert "Two developers, no researcher" in sent.text
    assert 'name="operational_capacity.rating" type="radio" value="low" checked' in sent.text
    assert (await _practice(api, team, change_id))["assessed_by"] is None


async def test_an_area_readiness_is_recorded_and_shows_out_of_step(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    owner = team.signer(Role.POLICY, 1)
    lead = await browse(owner)

    ready = {"area": "policy", "status": "ready", "owner": owner, "note": "Guidance agreed"}
    assert (await _post(lead, change_id, "readiness", ready)).status_code == 303
    behind = {"area": "skills", "status": "in_progress", "owner": owner}
    sent = await _post(lead, change_id, "readiness", behind)

    assert sent.status_code == 303, sent.text
    lines = {line["area"]: line for line in (await _practice(api, team, change_id))["alignment"]}
    assert (lines["policy"]["status"], lines["policy"]["note"]) == ("ready", "Guidance agreed")
    assert (lines["skills"]["status"], lines["skills"]["owner"]) == ("in_progress", owner)
    page = await lead.get(sent.headers["location"])
    assert f"Skills is in progress, owned by {owner} while policy is ready" in page.text


async def test_a_readiness_form_names_what_is_missing_and_who_may_record_it(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)

    unnamed = await _post(proposer, change_id, "readiness", {"owner": "Not An Id"})

    assert unnamed.status_code == 400
    assert '<a href="#area">Select the area</a>' in unnamed.text
    assert '<a href="#status">Select how ready the area is</a>' in unnamed.text
    assert "The user ID of the area&#39;s owner may use only lower-case letters" in unnamed.text
    assert 'value="Not An Id"' in unnamed.text
    auditor = await browse(team.auditor)
    data = {"area": "technology", "status": "ready", "owner": team.auditor}
    refused = await _post(auditor, change_id, "readiness", data)
    assert refused.status_code == 403
    assert (
        f"Only people named on the change may record an area&#39;s readiness; {team.auditor} is not"
    ) in refused.text
    assert 'id="area-error"' in refused.text


async def test_the_service_owner_lets_the_change_go_on_without_a_missing_condition(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await _capability_low(api, team)
    owner = await browse(team.owner)
    page = await owner.get(f"/web/changes/{change_id}/practice")
    assert "Why the change may go on without capability" in page.text

    reason = {"reason": "A researcher joins from another team next week"}
    sent = await _post(owner, change_id, "ground-override", reason)

    assert sent.status_code == 303, sent.text
    override = (await _practice(api, team, change_id))["ground_override"]
    assert (override["overridden_by"], override["reason"]) == (team.owner, reason["reason"])
    shown = await owner.get(sent.headers["location"])
    assert f"The service owner, {team.owner}, let the change go on" in shown.text


async def test_an_override_by_anyone_but_the_changes_owner_is_refused(
    api: Api, team: Team, browse: SignIn, directory_service: DirectoryService
) -> None:
    change_id = await _capability_low(api, team)
    reason = {"reason": "We will find a researcher"}
    proposer = await browse(team.proposer)
    no_role = await _post(proposer, change_id, "ground-override", reason)
    assert no_role.status_code == 403
    assert "this page needs the service owner role" in no_role.text
    other = f"owner-elsewhere-{team.suffix}"
    await add_people(directory_service, {other: [Role.SERVICE_OWNER]})

    refused = await _post(await browse(other), change_id, "ground-override", reason)

    assert refused.status_code == 403
    assert f"Only the change&#39;s service owner may override; {other} is not" in refused.text
    assert 'id="reason-error"' in refused.text
    assert "We will find a researcher" in refused.text
    assert (await _practice(api, team, change_id))["ground_override"] is None


async def test_with_nothing_missing_the_owner_has_nothing_to_override(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    page = await (await browse(team.owner)).get(f"/web/changes/{change_id}/practice")
    assert "nothing to override" in page.text
    assert 'name="reason"' not in page.text


def test_the_ratings_form_carries_each_condition_and_the_alignment_over() -> None:
    values = {
        "senior_interest": {"rating": "high"},
        "alignment": {"policy": {"rating": "low"}},
        "area": "skills",
    }
    assert prioritisation_fields(values) == {
        "senior_interest": {"rating": "high"},
        "operational_capacity": {},
        "capability": {},
        "alignment": {"policy": {"rating": "low"}},
    }
