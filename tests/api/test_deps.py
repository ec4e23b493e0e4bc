"""401 without a valid token, 403 without the role, and revocation at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.api.client import Api, auth, token
from tests.api.flows import intake_body, propose
from tests.factories import Team
from throughline.tokens import KeyRing, issue_token


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "send a bearer token"),
        ({"Authorization": "Bearer not-a-token"}, "not valid"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "send a bearer token"),
    ],
)
async def test_missing_or_malformed_token_is_401(
    http: httpx.AsyncClient, headers: dict[str, str], detail: str
) -> None:
    response = await http.get("/changes", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert detail in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_expired_token_is_401(http: httpx.AsyncClient, team: Team) -> None:
    expired = token(team.proposer, ttl=timedelta(seconds=-1))
    response = await http.get("/changes", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_token_signed_with_another_secret_is_401(http: httpx.AsyncClient, team: Team) -> None:
    other = KeyRing.of("some-other-secret-of-sufficient-length!!")
    forged = issue_token(team.admin, other, timedelta(hours=1)).token
    response = await http.get("/people", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


async def test_token_for_unknown_person_is_401(http: httpx.AsyncClient) -> None:
    response = await http.get("/changes", headers=auth("nobody-at-all"))
    assert response.status_code == 401
    assert "not active in the directory" in response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("auditor", "POST", "/changes"),
        ("owner", "GET", "/people"),
        ("proposer", "GET", "/changes/{id}/audit"),
        ("auditor", "POST", "/changes/{id}/submissions"),
        ("auditor", "POST", "/changes/{id}/decision"),
        ("proposer", "POST", "/changes/{id}/decision"),
        ("auditor", "POST", "/changes/{id}/withdrawal"),
        ("auditor", "POST", "/changes/{id}/measurements"),
        ("auditor", "POST", "/changes/{id}/sign-offs"),
    ],
)
async def test_wrong_role_is_403(api: Api, team: Team, who: str, method: str, path: str) -> None:
    change_id = await propose(api, team)
    person = getattr(team, who)
    url = path.replace("{id}", change_id)
    body = {"role": "policy", "decision": "approve", "revision": 1} if "sign-offs" in path else {}
    response = await api.http.request(method, url, json=body, headers=auth(person))
    assert response.status_code == 403, response.text
    assert response.json()["error"] in {"not_permitted", "not_eligible"}


async def test_signing_in_a_role_not_held_is_403(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    body = {"role": "operations", "decision": "approve", "revision": 1}
    response = await api.post(team.signer_of("policy"), f"/changes/{change_id}/sign-offs", body)
    assert response.status_code == 403
    assert "does not hold the operations role" in response.json()["detail"]


async def test_revoking_a_role_takes_effect_on_the_next_request(api: Api, team: Team) -> None:
    assert (await api.post(team.proposer, "/changes", intake_body(team))).status_code == 201
    revoked = await api.http.delete(
        f"/people/{team.proposer}/roles/digital", headers=auth(team.admin)
    )
    assert revoked.status_code == 200
    assert revoked.json()["roles"] == []
    refused = await api.post(team.proposer, "/changes", intake_body(team))
    assert refused.status_code == 403


OPEN_TO_ANYONE = {"/healthz", "/.well-known/throughline-audit-key"}
"""Health, and the key anyone checks an audit bundle with."""


def _operations(schema: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if path not in OPEN_TO_ANYONE
    ]


def _concrete(path: str) -> str:
    return (
        path.replace("{change_id}", "some-change")
        .replace("{person_id}", "someone")
        .replace("{role}", "policy")
        .replace("{condition_id}", "c1-1")
        .replace("{delegation_id}", "1")
        .replace("{area}", "skills")
        .replace("{metric}", "online take-up")
        .replace("{source_id}", "src_missing")
    )


async def test_every_route_refuses_a_caller_without_a_token(http: httpx.AsyncClient) -> None:
    schema = (await http.get("/openapi.json")).json()
    for method, path in _operations(schema):
        response = await http.request(method, _concrete(path), json={})
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"


OPEN_TO_ANY_PERSON = {
    ("GET", "/me"),
    ("GET", "/me/inbox"),
    ("GET", "/delegations"),
    ("GET", "/me/notifications"),
    ("PUT", "/me/notifications"),
}

TAKES_A_SOURCE_KEY_NOT_A_PERSON = {("POST", "/sources/{source_id}/points")}


async def test_every_role_gated_route_refuses_a_person_with_no_roles(api: Api, team: Team) -> None:
    nobody = f"nobody-{team.suffix}"
    created = await api.post(team.admin, "/people", {"name": "No roles", "id": nobody})
    assert created.status_code == 201
    change_id = await propose(api, team)
    schema = (await api.http.get("/openapi.json")).json()
    for method, path in _operations(schema):
        url = _concrete(path).replace("some-change", change_id)
        body = _body_for(path, someone_else=team.admin)
        response = await api.http.request(method, url, json=body, headers=auth(nobody))
        if (method, path) in OPEN_TO_ANY_PERSON:
            assert response.status_code == 200, f"{method} {path}: {response.text}"
        elif (method, path) in TAKES_A_SOURCE_KEY_NOT_A_PERSON:
            assert response.status_code == 401, f"{method} {path}: {response.text}"
        else:
            assert response.status_code in {403, 404}, f"{method} {path}: {response.text}"
            assert response.json()["error"] in {
                "not_permitted", "not_eligible", "delegation_not_allowed",
                "delegation_not_found", "not_condition_owner", "condition_not_found",
            }  # fmt: skip


def _body_for(path: str, someone_else: str) -> Any:
    bodies: dict[str, Any] = {
        "/tokens/revocation": {"token": token(someone_else)},
        "/people/{person_id}/tokens": {"hours": 1},
        "/changes/{change_id}/sign-offs": {"role": "policy", "decision": "approve", "revision": 1},
        "/delegations": {"delegate": "x", "role": "policy", "ends_at": "2099-01-01T00:00:00Z"},
        "/changes/{change_id}/conditions/{condition_id}/closure": {
            "note": "done", "evidence": [{"title": "t", "uri": "https://x.test/a", "content": "c"}]
        },
        "/changes/{change_id}/prioritisation": {
            "senior_interest": {"rating": "high"}, "operational_capacity": {"rating": "high"},
            "capability": {"rating": "high"},
        },
        "/changes/{change_id}/readiness/{area}": {"status": "ready", "owner": someone_else},
        "/changes/{change_id}/measures/{metric}/points": [
            {"observed_at": "2026-11-24T09:00:00Z", "value": 1}
        ],
        "/admin/archive/purge": {"reason": "retention review"},
    }  # fmt: skip
    return bodies.get(path, {})
