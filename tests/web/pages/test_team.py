"""The delivery team's pages, tried as the team would: work submitted with a file the
server fingerprints, a measurement, a condition closed, and a challenge refused."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from models.evidence import fingerprint
from models.roles import Role
from tests.api.client import Api
from tests.api.flows import pass_stage, propose, sign, submit
from tests.factories import Team
from tests.web.conftest import SignIn, csrf_of


async def _post(
    client: httpx.AsyncClient, path: str, data: dict[str, str], **files: Any
) -> httpx.Response:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return await client.post(path, data={"csrf_token": csrf_of(page), **data}, files=files)


async def _view(api: Api, team: Team, change_id: str) -> dict[str, Any]:
    view: dict[str, Any] = (await api.get(team.proposer, f"/changes/{change_id}")).json()
    return view


async def test_an_uploaded_file_is_fingerprinted_by_the_server(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)
    content = b"The intent, as the team wrote it down.\n" * 5000  # more than one chunk read
    link = "https://docs.example.test/research"
    data = {
        "summary": "The intent, with research",
        "links.1.title": "User research",
        "links.1.uri": link,
        "links.1.sha256": fingerprint("research"),
    }
    upload = ("intent notes.txt", content, "text/plain")

    sent = await _post(
        proposer, f"/web/changes/{change_id}/submit", data, **{"files.1.file": upload}
    )

    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/web/changes/{change_id}"
    evidence = (await _view(api, team, change_id))["gate"]["submission"]["evidence"]
    assert evidence == [
        {
            "title": "intent notes.txt",
            "uri": "https://uploaded-file.invalid/intent%20notes.txt",
            "sha256": hashlib.sha256(content).hexdigest(),
        },
        {"title": "User research", "uri": link, "sha256": fingerprint("research")},
    ]


async def test_work_without_evidence_asks_for_it(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)
    page = await proposer.get(f"/web/changes/{change_id}/submit")
    assert 'enctype="multipart/form-data"' in page.text

    data = {"links.0.title": "Research", "links.0.uri": "javascript:alert(1)"}
    sent = await _post(proposer, f"/web/changes/{change_id}/submit", data)

    assert sent.status_code == 400
    assert '<a href="#summary">Enter the summary of the work</a>' in sent.text
    assert 'href="#links-0-uri"' in sent.text
    assert 'id="links-0-uri-error"' in sent.text
    empty = await _post(proposer, f"/web/changes/{change_id}/submit", {"summary": "Work"})
    message = "Choose a file or give a link: at least one piece of evidence is needed"
    assert f'<a href="#files-0-file">{message}</a>' in empty.text
    titled = await _post(proposer, f"/web/changes/{change_id}/submit", {"files.1.title": "Notes"})
    assert '<a href="#files-1-file">Choose a file to upload as file 2</a>' in titled.text
    assert 'value="Notes"' in titled.text
    unhashed = {"links.2.title": "Research", "links.2.uri": "https://docs.example.test/r"}
    no_hash = await _post(proposer, f"/web/changes/{change_id}/submit", unhashed)
    assert '<a href="#links-2-sha256">The SHA-256 fingerprint of link 3: ' in no_hash.text
    assert (await _view(api, team, change_id))["gate"]["submission"] is None


async def test_a_measurement_is_recorded_at_the_check_stage(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    for stage in ("intent", "design", "delivery"):
        await pass_stage(api, team, change_id, stage)
    proposer = await browse(team.proposer)
    path = f"/web/changes/{change_id}/measure"
    assert '<option value="online take-up">' in (await proposer.get(path)).text

    data = {"metric": "online take-up", "value": "61.5", "note": "First four weeks"}
    sent = await _post(proposer, path, data)

    assert sent.status_code == 303, sent.text
    [recorded] = (await _view(api, team, change_id))["measurements"]
    assert (recorded["metric"], recorded["value"], recorded["note"]) == (
        "online take-up",
        61.5,
        "First four weeks",
    )


async def test_a_measured_value_that_is_not_a_number_shows_by_its_field(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)

    sent = await _post(
        proposer, f"/web/changes/{change_id}/measure", {"metric": "online take-up", "value": "x"}
    )

    assert sent.status_code == 400
    assert '<a href="#value">The measured value must be a number</a>' in sent.text
    assert 'value="x"' in sent.text


async def test_the_owner_closes_a_condition_with_evidence(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    for role in (Role.POLICY, Role.DIGITAL):
        await sign(api, team.signer(role), change_id, role, revision)
    owner = team.signer(Role.OPERATIONS, 1)
    due = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    condition = {"description": "Brief the call centre", "owner": owner, "due": due}
    extra = {"conditions": [condition]}
    ops = team.signer(Role.OPERATIONS)
    await sign(api, ops, change_id, Role.OPERATIONS, revision, "approve_with_conditions", **extra)
    [raised] = (await _view(api, team, change_id))["conditions"]
    browser = await browse(owner)
    path = f"/web/changes/{change_id}/conditions/{raised['id']}/close"
    assert "Brief the call centre" in (await browser.get(path)).text

    upload = ("briefing.pdf", b"%PDF- the briefing", "application/pdf")
    sent = await _post(browser, path, {"note": "Briefed on Monday"}, **{"files.0.file": upload})

    assert sent.status_code == 303, sent.text
    [closed] = (await _view(api, team, change_id))["conditions"]
    assert (closed["status"], closed["note"]) == ("closed", "Briefed on Monday")
    assert closed["evidence"][0]["sha256"] == hashlib.sha256(b"%PDF- the briefing").hexdigest()


async def test_a_condition_that_is_not_there_is_not_found(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)

    page = await proposer.get(f"/web/changes/{change_id}/conditions/c1-0/close")

    assert page.status_code == 404
    assert "no condition" in page.text


async def test_a_challenge_with_nothing_to_challenge_is_refused_in_the_summary(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)
    path = f"/web/changes/{change_id}/challenge"
    assert "This change has had no reject" in (await proposer.get(path)).text

    sent = await _post(proposer, path, {"reason": "The reject misread the research"})

    assert sent.status_code == 409
    message = "There is no reject on this change to challenge"
    assert f'<a href="#reason">{message}</a>' in sent.text
    assert 'id="reason-error"' in sent.text
    assert "The reject misread the research" in sent.text


async def test_a_post_without_the_form_token_is_refused(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)

    sent = await proposer.post(f"/web/changes/{change_id}/challenge", data={"reason": "Why"})

    assert sent.status_code == 403


async def test_work_sent_twice_from_one_form_is_one_revision(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    proposer = await browse(team.proposer)
    path = f"/web/changes/{change_id}/submit"
    page = await proposer.get(path)
    key = re.search(r'name="form_key" value="([^"]+)"', page.text)
    assert key, "the form carries no key"
    data = {
        "csrf_token": csrf_of(page),
        "form_key": key.group(1),
        "summary": "The intent",
        "links.0.title": "Notes",
        "links.0.uri": "https://docs.example.test/notes",
        "links.0.sha256": fingerprint("notes"),
    }

    first = await proposer.post(path, data=data)
    second = await proposer.post(path, data=data)

    assert first.status_code == second.status_code == 303
    assert (await _view(api, team, change_id))["gate"]["revision"] == 1
