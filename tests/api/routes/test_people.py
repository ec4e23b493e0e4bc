"""The directory over HTTP: admins change it within their bounds, auditors read it with
each person's history, and tokens are issued, revoked and rotated: api/routes/people.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jwt
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from models.roles import Role
from tests.api.client import Api, auth
from tests.api.flows import propose
from tests.factories import Team
from throughline.settings import Settings
from throughline.tokens import PRIMARY_KID, TOKEN_MAX_HOURS


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _issue(api: Api, team: Team, person: str, hours: float = 1) -> str:
    response = await api.post(team.admin, f"/people/{person}/tokens", {"hours": hours})
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


@pytest.fixture
async def own_keys_app(
    settings: Settings,
    temporal_client: Client,
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
    tmp_path: Path,
) -> AsyncIterator[tuple[FastAPI, Settings]]:
    private = settings.model_copy(update={"data_dir": tmp_path / "keys"})
    application = create_app(private, temporal=temporal_client)
    async with application.router.lifespan_context(application):
        yield application, private


def _kid(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


async def test_adding_a_person_is_recorded_with_actor_time_before_and_after(
    api: Api, team: Team
) -> None:
    pid = f"new-{team.suffix}"
    added = await api.post(team.admin, "/people", {"name": "New", "id": pid, "roles": ["policy"]})
    assert added.status_code == 201, added.text
    assert added.json() == {"id": pid, "name": "New", "active": True, "roles": ["policy"]}
    await api.http.put(f"/people/{pid}/roles/digital", headers=auth(team.admin))
    history = (await api.get(team.auditor, f"/people/{pid}/history")).json()
    first, second = history["entries"]
    assert (first["actor"], first["role"], first["kind"]) == (team.admin, "admin", "person_added")
    assert first["payload"] == {
        "person": pid,
        "before": None,
        "after": {"name": "New", "active": True, "roles": ["policy"]},
    }
    assert second["summary"] == f"{team.admin} granted {pid} the digital role"
    assert second["payload"]["before"]["roles"] == ["policy"]
    assert second["payload"]["after"]["roles"] == ["policy", "digital"]


async def test_an_admin_cannot_grant_themself_a_role(api: Api, team: Team) -> None:
    response = await api.http.put(f"/people/{team.admin}/roles/policy", headers=auth(team.admin))
    assert (response.status_code, response.json()["error"]) == (403, "self_grant")
    assert "another admin must" in response.json()["detail"]


async def test_the_last_active_admin_cannot_be_removed(api: Api, team: Team) -> None:
    other = f"admin-two-{team.suffix}"
    revoked = await api.http.delete(f"/people/{team.admin}/roles/admin", headers=auth(team.admin))
    assert (revoked.status_code, revoked.json()["error"]) == (409, "last_admin")
    await api.post(team.admin, "/people", {"name": "Second admin", "id": other, "roles": ["admin"]})
    stopped = await api.post(other, f"/people/{team.admin}/deactivation", {})
    assert stopped.status_code == 200
    back = await api.post(other, f"/people/{team.admin}/reactivation", {})
    assert back.json()["active"] is True
    self_stop = await api.post(other, f"/people/{other}/deactivation", {})
    assert (self_stop.status_code, self_stop.json()["error"]) == (403, "self_grant")


async def test_a_deactivated_person_is_refused_and_gets_no_token(api: Api, team: Team) -> None:
    person = team.signer(Role.POLICY)
    token = await _issue(api, team, person)
    assert (await api.http.get("/me", headers=bearer(token))).status_code == 200
    deactivated = await api.post(team.admin, f"/people/{person}/deactivation", {})
    assert deactivated.json()["active"] is False
    refused = await api.http.get("/me", headers=bearer(token))
    assert refused.status_code == 401
    assert "not active in the directory" in refused.json()["detail"]
    none = await api.post(team.admin, f"/people/{person}/tokens", {"hours": 1})
    assert (none.status_code, "no token is issued" in none.json()["detail"]) == (422, True)


async def test_reactivating_a_person_brings_back_none_of_their_old_tokens(
    api: Api, team: Team
) -> None:
    person = team.signer(Role.POLICY)
    old = await _issue(api, team, person)
    await api.post(team.admin, f"/people/{person}/deactivation", {})
    await api.post(team.admin, f"/people/{person}/reactivation", {})

    refused = await api.http.get("/me", headers=bearer(old))
    fresh = await _issue(api, team, person)

    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert (await api.http.get("/me", headers=bearer(fresh))).status_code == 200


async def test_a_token_lives_at_most_thirty_days(api: Api, team: Team) -> None:
    path = f"/people/{team.proposer}/tokens"
    too_long = await api.post(team.admin, path, {"hours": TOKEN_MAX_HOURS + 1})
    assert too_long.status_code == 422
    longest = await api.post(team.admin, path, {"hours": TOKEN_MAX_HOURS})
    assert longest.status_code == 201


async def test_one_token_is_revoked_by_its_person_or_an_admin(api: Api, team: Team) -> None:
    mine, other = await _issue(api, team, team.proposer), await _issue(api, team, team.owner)
    theirs = await api.http.post("/tokens/revocation", json={"token": other}, headers=bearer(mine))
    assert (theirs.status_code, theirs.json()["error"]) == (403, "not_permitted")
    signed_out = await api.http.post(
        "/tokens/revocation", json={"token": mine}, headers=bearer(mine)
    )
    assert signed_out.json()["revoked"] is True
    assert (await api.http.get("/me", headers=bearer(mine))).status_code == 401
    by_admin = await api.post(team.admin, "/tokens/revocation", {"token": other})
    assert by_admin.json()["person"] == team.owner
    assert (await api.http.get("/me", headers=bearer(other))).status_code == 401
    still = await _issue(api, team, team.owner)
    assert (await api.http.get("/me", headers=bearer(still))).status_code == 200


async def test_all_of_a_persons_tokens_are_revoked_at_once(api: Api, team: Team) -> None:
    before = [await _issue(api, team, team.proposer) for _ in range(2)]
    revoked = await api.http.delete(f"/people/{team.proposer}/tokens", headers=auth(team.admin))
    assert revoked.status_code == 200, revoked.text
    for token in before:
        assert (await api.http.get("/me", headers=bearer(token))).status_code == 401
    after = await _issue(api, team, team.proposer)
    assert (await api.http.get("/me", headers=bearer(after))).status_code == 200


async def test_an_admin_without_the_auditor_role_reads_no_audit_log(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    for path in [
        f"/changes/{change_id}/audit",
        "/directory/audit",
        f"/people/{team.owner}/history",
    ]:
        assert (await api.get(team.admin, path)).status_code == 403, path
        assert (await api.get(team.auditor, path)).status_code == 200, path


async def test_auditors_read_the_directory_and_its_chain_holds(api: Api, team: Team) -> None:
    people = await api.get(team.auditor, "/people")
    assert team.owner in {p["id"] for p in people.json()}
    log = (await api.get(team.auditor, "/directory/audit")).json()
    assert log["verdict"]["intact"] is True
    assert log["verdict"]["anchored_to"] == "temporal"
    assert {e["kind"] for e in log["events"]} >= {"person_added"}


async def test_the_signing_key_rotates_without_a_restart(
    own_keys_app: tuple[FastAPI, Settings], team: Team
) -> None:
    application, private = own_keys_app
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://keys.test") as http:
        api = Api(http)
        old = await _issue(api, team, team.proposer)
        key = private.key_file().rotate()
        new = await _issue(api, team, team.proposer)
        assert (_kid(old), _kid(new)) == (PRIMARY_KID, key.kid)
        for token in (old, new):
            assert (await http.get("/me", headers=bearer(token))).status_code == 200
        private.key_file().rotate()
        assert (await http.get("/me", headers=bearer(new))).status_code == 200


async def test_admin_manages_people_and_roles(api: Api, team: Team) -> None:
    new_id = f"deputy-{team.suffix}"
    created = await api.post(
        team.admin, "/people", {"name": "Policy deputy", "id": new_id, "roles": ["policy"]}
    )
    assert created.status_code == 201
    assert created.json()["roles"] == ["policy"]
    duplicate = await api.post(team.admin, "/people", {"name": "Policy deputy", "id": new_id})
    assert (duplicate.status_code, duplicate.json()["error"]) == (409, "already_exists")
    granted = await api.http.put(f"/people/{new_id}/roles/operations", headers=auth(team.admin))
    assert granted.json()["roles"] == ["policy", "operations"]
    me = (await api.get(new_id, "/me")).json()
    assert me["roles"] == ["policy", "operations"]
    missing = await api.http.put("/people/nobody/roles/policy", headers=auth(team.admin))
    assert (missing.status_code, missing.json()["error"]) == (404, "person_not_found")
    bad_role = await api.http.put(f"/people/{new_id}/roles/janitor", headers=auth(team.admin))
    assert bad_role.status_code == 422
