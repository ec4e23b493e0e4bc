"""What a change waits on is true against today's directory: a handoff nobody can take
is stuck, a held gate names its condition, and a change at its size budget can always
move forward."""

from __future__ import annotations

from typing import Any

from models.roles import Role
from tests.api.client import Api, auth
from tests.api.flows import approve_all, propose, sign, submit, whole_inbox
from tests.factories import Team

FUTURE = "2099-01-01"


async def _revoke(api: Api, team: Team, person: str, role: str) -> None:
    response = await api.http.delete(f"/people/{person}/roles/{role}", headers=auth(team.admin))
    assert response.status_code == 200, response.text


async def _view(api: Api, team: Team, change_id: str) -> dict[str, Any]:
    view: dict[str, Any] = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    return view


async def test_a_gate_nobody_may_sign_for_a_role_is_stuck_everywhere(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    for index in (0, 1):
        await _revoke(api, team, team.signer(Role.POLICY, index), "policy")

    waiting = (await _view(api, team, change_id))["waiting"]
    assert (waiting["kind"], waiting["roles"]) == ("stuck", ["policy"])
    # The service owner first, then every active admin (the test database holds many).
    assert waiting["people"][0] == team.owner
    assert team.admin in waiting["people"]
    assert f"{team.signer(Role.POLICY)} does not hold the policy role" in waiting["reason"]
    stuck = await api.get(team.auditor, "/changes", waiting_kind="stuck", limit=200)
    assert change_id in {c["change_id"] for c in stuck.json()["items"]}
    [summary] = [c for c in stuck.json()["items"] if c["change_id"] == change_id]
    assert summary["waiting_reason"] == waiting["reason"]
    on_policy = await api.get(team.auditor, "/changes", waiting_on="policy", limit=200)
    assert change_id in {c["change_id"] for c in on_policy.json()["items"]}
    for asked in (team.owner, team.admin):
        inbox = await whole_inbox(api, asked)
        assert [(i["kind"], i["role"]) for i in inbox if i["change_id"] == change_id] == [
            ("stuck", "policy")
        ]

    granted = await api.http.put(
        f"/people/{team.signer(Role.POLICY)}/roles/policy", headers=auth(team.admin)
    )
    assert granted.status_code == 200
    again = (await _view(api, team, change_id))["waiting"]
    assert again["kind"] == "sign_off"
    owner_inbox = await whole_inbox(api, team.owner)
    assert [i for i in owner_inbox if i["change_id"] == change_id] == []


async def test_a_team_with_nobody_left_to_submit_is_stuck(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    for person in (team.proposer, team.signer(Role.DIGITAL), team.signer(Role.DIGITAL, 1)):
        await _revoke(api, team, person, "digital")
    waiting = (await _view(api, team, change_id))["waiting"]
    assert (waiting["kind"], waiting["roles"]) == ("stuck", ["digital"])
    assert "is not named" not in waiting["reason"]
    assert f"{team.proposer} does not hold the digital role" in waiting["reason"]


async def test_a_gate_held_by_a_condition_waits_on_its_owner_and_says_so(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    owner = team.signer(Role.OPERATIONS, 1)
    condition = {"description": "Brief the call centre", "owner": owner, "due": FUTURE}
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    await sign(api, team.signer(Role.DIGITAL), change_id, Role.DIGITAL, revision)
    await sign(
        api, team.signer(Role.OPERATIONS), change_id, Role.OPERATIONS, revision,
        "approve_with_conditions", conditions=[condition],
    )  # fmt: skip
    held = await approve_all(api, team, change_id, await submit(api, team, change_id, "design"))
    assert held["gate"]["status"] == "in_review"
    view = await _view(api, team, change_id)
    waiting, handoff = view["waiting"], view["handoffs"][-1]
    assert (waiting["kind"], waiting["people"]) == ("condition", [owner])
    assert "held by condition" in waiting["reason"]
    assert f"Brief the call centre (owner {owner}, due {FUTURE})" in waiting["reason"]
    assert handoff["to_party"] == f"condition owners {owner}"
    assert handoff["reason"] == waiting["reason"]
    assert handoff["closed_at"] is None
    listed = await api.get(team.auditor, "/changes", waiting_kind="condition", limit=200)
    [summary] = [c for c in listed.json()["items"] if c["change_id"] == change_id]
    assert "Brief the call centre" in summary["waiting_reason"]


def _large_work(text: str) -> dict[str, Any]:
    evidence = [
        {
            "title": f"{text} {n}",
            "uri": "https://docs.example.test/" + "p" * 2000,
            "content": f"{text} {n}",
        }
        for n in range(50)
    ]
    return {"summary": text + " " + "x" * 3900, "evidence": evidence}


async def test_a_change_full_of_large_revisions_still_moves_forward(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    path = f"/changes/{change_id}/submissions"
    for round_ in range(9):
        submitted = await api.post(team.proposer, path, _large_work(f"intent {round_}"))
        assert submitted.status_code == 200, submitted.text
    revision = submitted.json()["gate"]["revision"]
    passed = await approve_all(api, team, change_id, revision)
    assert passed["stage"] == "design"
    next_stage = await api.post(team.proposer, path, _large_work("design"))
    assert next_stage.status_code == 200, next_stage.text
    rows = (await api.get(team.auditor, f"/changes/{change_id}/timeline")).json()["events"]
    assert sum(1 for e in rows if e["kind"] == "work_submitted") == 10
