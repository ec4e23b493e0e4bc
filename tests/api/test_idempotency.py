"""The same Idempotency-Key gives the same result and no second effect."""

from __future__ import annotations

import asyncio

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import intake_body, propose, submit, work_body
from tests.factories import Team


async def test_duplicate_create_returns_the_same_change(api: Api, team: Team) -> None:
    body = intake_body(team)
    first = await api.post(team.proposer, "/changes", body, key="create-once")
    second = await api.post(team.proposer, "/changes", body, key="create-once")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()


async def test_duplicate_sign_off_counts_once(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    body = {"role": "policy", "decision": "approve", "revision": revision}
    path = f"/changes/{change_id}/sign-offs"
    responses = await asyncio.gather(
        *[api.post(team.signer(Role.POLICY), path, body, key="sign-1") for _ in range(5)]
    )
    assert {r.status_code for r in responses} == {200}
    assert len({r.text for r in responses}) == 1
    audit = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    assert [e["kind"] for e in audit["events"]].count("signed_off") == 1


async def test_key_reused_for_a_different_request_is_409(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    path = f"/changes/{change_id}/submissions"
    first = await api.post(team.proposer, path, work_body("draft"), key="k1")
    assert first.status_code == 200
    second = await api.post(team.proposer, path, work_body("other draft"), key="k1")
    assert second.status_code == 409
    assert second.json()["error"] == "idempotency_key_reused"


async def test_keys_are_scoped_to_the_sender(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    path = f"/changes/{change_id}/sign-offs"
    policy = {"role": "policy", "decision": "approve", "revision": revision}
    operations = {"role": "operations", "decision": "approve", "revision": revision}
    await api.post(team.signer(Role.POLICY), path, policy, key="same-key")
    response = await api.post(team.signer(Role.OPERATIONS), path, operations, key="same-key")
    assert response.status_code == 200
    signed_by = {r["role"]: r["signed_by"] for r in response.json()["gate"]["roles"]}
    assert signed_by["operations"] == [team.signer(Role.OPERATIONS)]


async def test_adding_a_person_twice_with_one_key_adds_once(api: Api, team: Team) -> None:
    body = {"name": "Policy deputy", "id": f"deputy-{team.suffix}", "roles": ["policy"]}
    first = await api.post(team.admin, "/people", body, key="add-deputy")
    again = await api.post(team.admin, "/people", body, key="add-deputy")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    other = await api.post(team.admin, "/people", {**body, "name": "Other"}, key="add-deputy")
    assert (other.status_code, other.json()["error"]) == (409, "idempotency_key_reused")
    without_key = await api.post(team.admin, "/people", body)
    assert (without_key.status_code, without_key.json()["error"]) == (409, "already_exists")
