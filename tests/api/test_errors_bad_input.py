"""Bad input gets a clear 4xx, never a 500, and never reaches a change."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import pytest

from models.base import PRINTABLE_PATTERN
from tests.api.client import Api, auth
from tests.api.flows import intake_body, propose, work_body
from tests.factories import Team


async def _post_raw(http: httpx.AsyncClient, person: str, path: str, raw: bytes) -> httpx.Response:
    headers = {**auth(person), "Content-Type": "application/json"}
    return await http.post(path, content=raw, headers=headers)


@pytest.mark.parametrize(
    ("field", "value", "detail"),
    [
        ("title", "Null\u0000byte", "must not contain control characters"),
        ("service", "Bell\u0007", "must not contain control characters"),
        ("title", "x" * 201, "at most 200 characters"),
    ],
)
async def test_unprintable_or_oversized_text_is_422(
    api: Api, team: Team, field: str, value: str, detail: str
) -> None:
    response = await api.post(team.proposer, "/changes", intake_body(team, **{field: value}))
    assert response.status_code == 422
    assert detail in response.json()["detail"]


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"1e400"])
async def test_numbers_must_be_finite(http: httpx.AsyncClient, team: Team, number: bytes) -> None:
    body = json.dumps(intake_body(team)).encode()
    raw = body.replace(b'"baseline": 30', b'"baseline": ' + number)
    response = await _post_raw(http, team.proposer, "/changes", raw)
    assert response.status_code == 422
    assert "finite number" in response.json()["detail"]


async def test_overlong_uri_and_too_much_evidence_are_422(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    long_uri = work_body("x")
    long_uri["evidence"][0]["uri"] = "https://docs.example.test/" + "a" * 2100
    response = await api.post(team.proposer, f"/changes/{change_id}/submissions", long_uri)
    assert response.status_code == 422
    many = work_body("x")
    many["evidence"] = many["evidence"] * 51
    response = await api.post(team.proposer, f"/changes/{change_id}/submissions", many)
    assert response.status_code == 422
    assert "at most 50 items" in response.json()["detail"]


async def test_an_oversized_body_is_413(http: httpx.AsyncClient, team: Team) -> None:
    raw = b'{"padding": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = await _post_raw(http, team.proposer, "/changes", raw)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/changes", {"offset": 10**20}),
        ("/changes", {"stage": "intent\x00"}),
        ("/changes", {"service": "a\x00b"}),
        ("/people/a%00b/roles/policy", {}),
    ],
)
async def test_bad_query_and_path_values_are_422(
    api: Api, team: Team, path: str, params: dict[str, Any]
) -> None:
    response = await api.http.request(
        "PUT" if "roles" in path else "GET", path, params=params, headers=auth(team.admin)
    )
    assert response.status_code == 422, response.text


async def test_concurrent_adds_of_one_person_give_one_201(api: Api, team: Team) -> None:
    body = {"name": "Racer", "id": f"racer-{team.suffix}", "roles": ["policy"]}
    keyed = await asyncio.gather(
        *[api.post(team.admin, "/people", body, key="race") for _ in range(4)]
    )
    assert [r.status_code for r in keyed] == [201] * 4
    assert len({r.text for r in keyed}) == 1
    body = {**body, "id": f"racer-two-{team.suffix}"}
    unkeyed = await asyncio.gather(*[api.post(team.admin, "/people", body) for _ in range(4)])
    assert sorted(r.status_code for r in unkeyed) == [201, 409, 409, 409]


async def test_a_change_nobody_could_sign_is_refused(api: Api, team: Team) -> None:
    people = {**team.people(), "digital": [team.proposer]}
    response = await api.post(team.proposer, "/changes", intake_body(team, people=people))
    assert response.status_code == 422
    assert "does not name enough people besides the proposer" in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"success_measures": [{"metric": "m", "baseline": 1, "target": False, "unit": "u"}]},
         "success_measures.0.target: Input should be a valid number"),
        ({"success_measures": [{"metric": "m", "baseline": "1", "target": 2, "unit": "u"}]},
         "success_measures.0.baseline: Input should be a valid number"),
        ({"user_groups": [{"name": "g", "underserved": "yes"}]},
         "user_groups.0.underserved: Input should be a valid boolean"),
    ],
)  # fmt: skip
async def test_booleans_and_strings_are_not_numbers(
    api: Api, team: Team, change: dict[str, Any], detail: str
) -> None:
    response = await api.post(team.proposer, "/changes", intake_body(team, **change))
    assert response.status_code == 422
    assert detail in response.json()["detail"]


async def test_a_revision_or_a_value_must_be_a_number(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    body = {"role": "policy", "decision": "approve", "revision": True}
    signed = await api.post(team.signer_of("policy"), f"/changes/{change_id}/sign-offs", body)
    assert signed.status_code == 422
    assert "revision: Input should be a valid integer" in signed.json()["detail"]
    measured = await api.post(
        team.proposer, f"/changes/{change_id}/measurements", {"metric": "m", "value": "4"}
    )
    assert measured.status_code == 422
    assert "value: Input should be a valid number" in measured.json()["detail"]


@pytest.mark.parametrize(
    "uri", ["javascript:alert(1)", "data:text/html,<script>1</script>", "file:///etc/passwd"]
)
async def test_evidence_links_must_be_web_pages(api: Api, team: Team, uri: str) -> None:
    change_id = await propose(api, team)
    body = work_body("draft")
    body["evidence"][0]["uri"] = uri
    response = await api.post(team.proposer, f"/changes/{change_id}/submissions", body)
    assert response.status_code == 422
    assert "URL scheme should be 'https' or 'http'" in response.json()["detail"]


async def test_evidence_needs_a_fingerprint_or_content(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    body = {"summary": "s", "evidence": [{"title": "t", "uri": "https://x.test/a"}]}
    response = await api.post(team.proposer, f"/changes/{change_id}/submissions", body)
    assert response.status_code == 422
    assert "give either sha256 or content" in response.json()["detail"]


async def test_the_schema_states_the_rules_the_server_applies(http: httpx.AsyncClient) -> None:
    schemas = (await http.get("/openapi.json")).json()["components"]["schemas"]
    measure = schemas["SuccessMeasure"]["properties"]
    assert measure["target"]["type"] == "number"
    assert measure["metric"]["pattern"] == PRINTABLE_PATTERN
    evidence = schemas["EvidenceInput"]
    assert "required without content" in evidence["properties"]["sha256"]["description"]
    assert "required without sha256" in evidence["properties"]["content"]["description"]
    assert evidence["properties"]["uri"]["pattern"] == "^[Hh][Tt][Tt][Pp][Ss]?://"
    assert re.fullmatch(PRINTABLE_PATTERN, "a line\twith a tab") is not None
    assert re.fullmatch(PRINTABLE_PATTERN, "a bell\x07") is None
