"""Refusals are 4xx with {"error": code, "detail": message}, and change nothing."""

from __future__ import annotations

import pytest

from models.roles import Role
from tests.api.client import Api, auth
from tests.api.flows import approve_all, intake_body, propose, submit, work_body
from tests.factories import Team


def _refusal(response_json: dict[str, str]) -> tuple[str, str]:
    return response_json["error"], response_json["detail"]


async def test_separation_of_duties_is_403(api: Api, team: Team) -> None:
    digital = team.signer(Role.DIGITAL)
    created = await api.post(digital, "/changes", intake_body(team))
    change_id = created.json()["change_id"]
    await api.post(digital, f"/changes/{change_id}/submissions", work_body("own work"))
    body = {"role": "digital", "decision": "approve", "revision": 1}
    response = await api.post(digital, f"/changes/{change_id}/sign-offs", body)
    assert response.status_code == 403
    error, detail = _refusal(response.json())
    assert error == "separation_of_duties"
    assert "cannot approve" in detail


async def test_decision_on_a_closed_gate_is_409(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    await approve_all(api, team, change_id, revision)
    body = {"role": "policy", "decision": "approve", "revision": revision}
    response = await api.post(team.signer(Role.POLICY, 1), f"/changes/{change_id}/sign-offs", body)
    assert response.status_code == 409
    assert _refusal(response.json())[0] == "gate_closed"


async def test_superseded_revision_is_409(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    first = await submit(api, team, change_id, "draft")
    await submit(api, team, change_id, "redraft")
    body = {"role": "policy", "decision": "approve", "revision": first}
    response = await api.post(team.signer(Role.POLICY), f"/changes/{change_id}/sign-offs", body)
    assert response.status_code == 409
    assert _refusal(response.json())[0] == "revision_superseded"


async def test_unknown_change_is_404(api: Api, team: Team) -> None:
    for response in [
        await api.get(team.proposer, "/changes/no-such-change"),
        await api.post(team.proposer, "/changes/no-such-change/submissions", work_body("x")),
        await api.get(team.proposer, "/changes/no-such-change/timeline"),
    ]:
        assert response.status_code == 404
        assert response.json()["error"] == "change_not_found"


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"success_measures": []}, "at least one success measure is required"),
        ({"title": ""}, "title:"),
        ({"user_groups": []}, "user_groups:"),
        ({"playbook": "waterfall"}, "there is no playbook named 'waterfall'"),
    ],
)
async def test_bad_intake_is_422_with_a_clear_message(
    api: Api, team: Team, overrides: dict[str, object], detail: str
) -> None:
    response = await api.post(team.proposer, "/changes", intake_body(team, **overrides))
    assert response.status_code == 422, response.text
    assert detail in response.json()["detail"]


async def test_unknown_or_unqualified_people_are_refused(api: Api, team: Team) -> None:
    people = {**team.people(), "policy": ["nobody-here"]}
    response = await api.post(team.proposer, "/changes", intake_body(team, people=people))
    assert response.status_code == 422
    assert "nobody-here is not an active person" in response.json()["detail"]
    people = {**team.people(), "policy": [team.signer(Role.OPERATIONS)]}
    response = await api.post(team.proposer, "/changes", intake_body(team, people=people))
    assert "is named for policy but does not hold that role" in response.json()["detail"]


async def test_malformed_json_is_422(api: Api, team: Team) -> None:
    response = await api.http.post(
        "/changes",
        content=b"{not json",
        headers={**auth(team.proposer), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


async def test_comment_and_reject_target_rules_over_http(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    path = f"/changes/{change_id}/sign-offs"
    silent = {"role": "policy", "decision": "reject", "revision": revision}
    response = await api.post(team.signer(Role.POLICY), path, silent)
    assert (response.status_code, response.json()["error"]) == (422, "comment_required")
    bad_target = {**silent, "comment": "no", "reject_to": "delivery"}
    response = await api.post(team.signer(Role.POLICY), path, bad_target)
    assert (response.status_code, response.json()["error"]) == (422, "reject_target_not_allowed")


async def test_refused_command_writes_nothing(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    before = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    response = await api.post(
        team.auditor, f"/changes/{change_id}/measurements", {"metric": "m", "value": 1}
    )
    assert response.status_code == 403
    wrong_stage = await api.post(
        team.proposer, f"/changes/{change_id}/measurements", {"metric": "m", "value": 1}
    )
    assert (wrong_stage.status_code, wrong_stage.json()["error"]) == (409, "wrong_stage")
    after = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    assert after["events"] == before["events"]


async def test_unknown_route_is_404_in_the_same_shape(api: Api, team: Team) -> None:
    response = await api.get(team.proposer, "/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


async def test_withdraw_closes_and_later_commands_are_409(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    response = await api.post(
        team.proposer, f"/changes/{change_id}/withdrawal", {"reason": "funding moved"}
    )
    assert response.json()["status"] == "withdrawn"
    later = await api.post(team.proposer, f"/changes/{change_id}/submissions", work_body("late"))
    assert later.status_code == 409
    assert later.json()["error"] == "change_closed"
