"""Proposing a change through the page, as a delivery team member would: a filled form
makes the change, and whatever is wrong shows by the field it is about."""

from __future__ import annotations

import re

import httpx

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import intake_body
from tests.factories import Team
from tests.web.conftest import SignIn, csrf_of


def _form(team: Team, **overrides: str) -> dict[str, str]:
    """The form as a person fills it: the second rows left empty, the third rows used."""
    people = team.people()
    fields = {
        "title": "Let people renew a blue badge online",
        "service": f"Blue badge renewals {team.suffix}",
        "intent.problem": "Renewals by post take six weeks.",
        "intent.intended_outcome": "Most renewals are decided within five working days.",
        "intent.basis": "Disabled Persons (Parking Badges) Act 2013",
        "user_groups.0.name": "Badge holders renewing",
        "user_groups.2.name": "Holders without internet access",
        "user_groups.2.underserved": "true",
        "success_measures.0.metric": "median days to decision",
        "success_measures.0.baseline": "30",
        "success_measures.0.target": "5",
        "success_measures.0.unit": "days",
        "success_measures.2.metric": "online take-up",
        "success_measures.2.baseline": "0",
        "success_measures.2.target": "1,200",
        "success_measures.2.unit": "applications",
        **{f"people.{role}": ", ".join(named) for role, named in people.items()},
        "calendar": "GB-SCT",
    }
    return {**fields, **overrides}


async def _post(client: httpx.AsyncClient, fields: dict[str, str]) -> httpx.Response:
    page = await client.get("/web/changes/new")
    assert page.status_code == 200, page.text
    return await client.post("/web/changes/new", data={"csrf_token": csrf_of(page), **fields})


async def test_a_filled_form_proposes_the_change(api: Api, team: Team, browse: SignIn) -> None:
    proposer = await browse(team.proposer)

    sent = await _post(proposer, _form(team))

    assert sent.status_code == 303, sent.text
    change_id = sent.headers["location"].removeprefix("/web/changes/")
    view = (await api.get(team.proposer, f"/changes/{change_id}")).json()
    intake = view["intake"]
    assert (view["title"], view["proposer"]) == (_form(team)["title"], team.proposer)
    assert [(g["name"], g["underserved"]) for g in intake["user_groups"]] == [
        ("Badge holders renewing", False),
        ("Holders without internet access", True),
    ]
    assert [m["target"] for m in intake["success_measures"]] == [5, 1200]
    assert intake["people"] == {**team.people(), "assessor": []}
    assert intake["calendar"] == "GB-SCT"
    assert "Change proposed" in (await proposer.get(sent.headers["location"])).text


async def test_an_empty_form_asks_for_every_required_field(
    api: Api, team: Team, browse: SignIn
) -> None:
    proposer = await browse(team.proposer)
    before = (await api.get(team.auditor, "/changes", count="true")).json()["total"]

    sent = await _post(proposer, dict.fromkeys(_form(team), ""))  # as a browser sends it

    assert sent.status_code == 400
    assert ">None<" not in sent.text
    asked = {
        "title": "Enter the title",
        "service": "Enter the service",
        "intent-problem": "Enter the problem",
        "intent-intended_outcome": "Enter the intended outcome",
        "intent-basis": "Enter the policy or legal basis",
        "user_groups-0-name": "Enter the name of user group 1",
        "success_measures-0-metric": "Enter the metric of success measure 1",
        "success_measures-0-baseline": "Enter the baseline of success measure 1",
        "success_measures-0-target": "Enter the target of success measure 1",
        "success_measures-0-unit": "Enter the unit of success measure 1",
    }
    for field, message in asked.items():
        assert f'<a href="#{field}">{message}</a>' in sent.text  # in the summary
        assert f'id="{field}-error"' in sent.text  # and by the field
        assert f'id="{field}"' in sent.text
    assert "There is a problem" in sent.text
    assert (await api.get(team.auditor, "/changes", count="true")).json()["total"] == before


async def test_a_problem_in_a_later_row_shows_on_that_row(team: Team, browse: SignIn) -> None:
    proposer = await browse(team.proposer)
    fields = _form(team, **{"success_measures.2.baseline": "lots", "title": "Kept as typed"})

    sent = await _post(proposer, fields)

    assert sent.status_code == 400
    message = "The baseline of success measure 3 must be a number"
    assert f'<a href="#success_measures-2-baseline">{message}</a>' in sent.text
    assert 'id="success_measures-2-baseline-error"' in sent.text
    assert 'value="Kept as typed"' in sent.text
    assert 'name="user_groups.2.underserved" type="checkbox" value="true" checked' in sent.text


async def test_a_person_not_in_the_directory_is_refused_in_the_rules_words(
    team: Team, browse: SignIn
) -> None:
    proposer = await browse(team.proposer)
    stranger = f"nobody-{team.suffix}"
    people = team.people()
    fields = _form(team, **{"people.policy": f"{people['policy'][0]} {stranger}"})

    sent = await _post(proposer, fields)

    assert sent.status_code == 422
    message = f"{stranger} is not an active person in the directory"
    assert f'<a href="#people">{message}</a>' in sent.text
    assert 'id="people-error"' in sent.text


async def test_a_malformed_id_shows_on_its_roles_field(team: Team, browse: SignIn) -> None:
    proposer = await browse(team.proposer)

    sent = await _post(proposer, _form(team, **{"people.operations": "Ops A"}))

    assert sent.status_code == 400
    message = "The operations id “Ops” may use only lower-case letters, digits, dots"
    assert f'<a href="#people-operations">{message}' in sent.text
    assert 'id="people-operations-error"' in sent.text


async def test_a_title_with_markup_is_shown_as_text_in_the_list(
    api: Api, team: Team, browse: SignIn
) -> None:
    title = "<script>alert(1)</script>"
    body = intake_body(team, title=title, service=f"Escaping {team.suffix}")
    assert (await api.post(team.proposer, "/changes", body)).status_code == 201
    reader = await browse(team.auditor)

    page = await reader.get("/web/changes", params={"service": f"Escaping {team.suffix}"})

    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert title not in page.text


async def test_a_post_without_the_form_token_is_refused(team: Team, browse: SignIn) -> None:
    proposer = await browse(team.proposer)

    sent = await proposer.post("/web/changes/new", data=_form(team))

    assert sent.status_code == 403


async def test_only_the_delivery_team_may_propose(team: Team, browse: SignIn) -> None:
    lead = await browse(team.signer(Role.POLICY))

    page = await lead.get("/web/changes/new")

    assert page.status_code == 403
    assert "digital role" in page.text


async def test_a_form_sent_twice_proposes_one_change(api: Api, team: Team, browse: SignIn) -> None:
    proposer = await browse(team.proposer)
    page = await proposer.get("/web/changes/new")
    key = re.search(r'name="form_key" value="([^"]+)"', page.text)
    assert key, "the form carries no key"
    fields = {"csrf_token": csrf_of(page), "form_key": key.group(1), **_form(team)}

    first = await proposer.post("/web/changes/new", data=fields)
    second = await proposer.post("/web/changes/new", data=fields)

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    listed = await api.get(team.proposer, "/changes", service=_form(team)["service"], count="true")
    assert listed.json()["total"] == 1
