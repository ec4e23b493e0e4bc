"""The same Idempotency-Key gives the same result and no second effect."""

from __future__ import annotations

import asyncio

import pytest
from httpx import Response

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import (
    approve_all,
    intake_body,
    measure_all,
    pass_stage,
    propose,
    submit,
    work_body,
)
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


async def _measure(api: Api, team: Team, change_id: str, key: str, value: float) -> Response:
    body = {"metric": "online take-up", "value": value}
    response = await api.post(team.proposer, f"/changes/{change_id}/measurements", body, key)
    assert response.status_code == 200, response.text
    return response


async def _close_the_cycle(api: Api, team: Team, change_id: str) -> None:
    await measure_all(api, team, change_id, take_up=40)
    await approve_all(api, team, change_id, await submit(api, team, change_id, "check"))
    body = {"outcome": "adapt", "comment": "again", "restart_at": "design"}
    adapted = await api.post(team.owner, f"/changes/{change_id}/decision", body)
    assert adapted.status_code == 200, adapted.text


CYCLES = [["intent", "design", "delivery"], ["design", "delivery"], ["design", "delivery"]]


@pytest.mark.slow
async def test_a_key_means_once_for_the_life_of_the_change(api: Api, team: Team) -> None:
    """A thousand keyed commands over three cycles, across continue-as-new, then the first
    key and one key from each cycle again: each gives its first answer and no effect."""
    change_id = await propose(api, team)
    path = f"/changes/{change_id}/submissions"
    first = await api.post(team.proposer, path, work_body("intent draft"), key="first")
    assert first.status_code == 200
    originals: dict[str, Response] = {}
    for cycle, stages in enumerate(CYCLES):
        for stage in stages:
            await pass_stage(api, team, change_id, stage)
        for batch in range(0, 334, 8):
            indexes = range(batch, min(batch + 8, 334))
            sent = [_measure(api, team, change_id, f"{cycle}-{i}", float(i)) for i in indexes]
            for index, response in zip(indexes, await asyncio.gather(*sent), strict=True):
                if index == 7:
                    originals[f"{cycle}-{index}"] = response
        await _close_the_cycle(api, team, change_id)
    before = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    assert before["iteration"] == 4
    again = await api.post(team.proposer, path, work_body("intent draft"), key="first")
    assert again.json() == first.json()
    assert again.json()["gate"]["revision"] == 1
    for key, original in originals.items():
        replayed = await _measure(api, team, change_id, key, 7.0)
        assert replayed.json() == original.json()
    after = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    assert after["last_seq"] == before["last_seq"]
    assert len(originals) == 3
