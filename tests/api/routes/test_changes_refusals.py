"""Refusals on the record over HTTP: an attempt a rule refused is kept in the change's
own chained log, repeats are counted rather than stored again, bad input is not an
attempt, and only auditors read the log: api/routes/changes.py."""

from __future__ import annotations

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team


async def test_a_refused_approval_is_on_the_record_once_and_its_repeats_counted(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    body = {"role": "digital", "decision": "approve", "revision": revision}
    for _ in range(3):
        refused = await api.post(team.proposer, f"/changes/{change_id}/sign-offs", body)
        assert refused.status_code == 403, refused.text

    log = (await api.get(team.auditor, f"/changes/{change_id}/refusals")).json()

    [entry] = log["refusals"]
    assert (entry["actor"], entry["role"], entry["kind"]) == (team.proposer, "digital", "refused")
    assert entry["payload"]["command"] == "sign_off"
    assert entry["payload"]["code"] == refused.json()["error"]
    assert entry["payload"]["reason"] == refused.json()["detail"]
    assert log["repeats"] == {"1": 2}
    assert log["verdict"]["intact"] is True


async def test_each_different_refusal_is_chained_after_the_one_before(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    approve = {"role": "policy", "decision": "approve", "revision": revision}
    path = f"/changes/{change_id}/sign-offs"
    assert (await api.post(team.signer(Role.POLICY), path, approve)).status_code == 200
    again = await api.post(team.signer(Role.POLICY), path, approve)
    wrong_role = await api.post(team.signer(Role.POLICY, 1), path, {**approve, "role": "digital"})
    assert (again.status_code, wrong_role.status_code) == (409, 403)

    log = (await api.get(team.auditor, f"/changes/{change_id}/refusals")).json()

    first, second = log["refusals"]
    assert (first["seq"], second["seq"]) == (1, 2)
    assert second["prev_hash"] == first["hash"]
    assert [first["payload"]["code"], second["payload"]["code"]] == [
        again.json()["error"],
        wrong_role.json()["error"],
    ]
    assert log["verdict"]["intact"] is True


async def test_bad_input_and_a_missing_token_are_not_attempts_and_not_recorded(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    path = f"/changes/{change_id}/sign-offs"
    bad = await api.post(team.signer(Role.POLICY), path, {"role": "policy"})
    anonymous = await api.http.post(path, json={"role": "policy"})
    assert (bad.status_code, anonymous.status_code) == (422, 401)

    log = (await api.get(team.auditor, f"/changes/{change_id}/refusals")).json()

    assert log["refusals"] == []
    assert log["verdict"]["intact"] is True


async def test_only_auditors_read_the_refusals(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    refused = await api.get(team.proposer, f"/changes/{change_id}/refusals")
    missing = await api.get(team.auditor, "/changes/no-such-change/refusals")
    assert (refused.status_code, missing.status_code) == (403, 404)
