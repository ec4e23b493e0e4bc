"""Issue 3's rules end to end over HTTP, with the dev server, a worker and SQLite."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.roles import Role
from tests.api.client import Api, auth
from tests.api.flows import approve_all, intake_body, propose, sign, submit
from tests.factories import Team

FUTURE = (date.today() + timedelta(days=30)).isoformat()


def _evidence(title: str, roles: list[str]) -> dict[str, Any]:
    return {
        "title": title,
        "uri": "https://docs.example.test/" + title,
        "content": title,
        "roles": roles,
    }


async def _submit_tagged(api: Api, team: Team, change_id: str, items: list[dict[str, Any]]) -> int:
    body = {"summary": "tagged work", "evidence": items}
    response = await api.post(team.proposer, f"/changes/{change_id}/submissions", body)
    assert response.status_code == 200, response.text
    revision: int = response.json()["gate"]["revision"]
    return revision


async def _gate(api: Api, team: Team, change_id: str) -> dict[str, Any]:
    response = await api.get(team.auditor, f"/changes/{change_id}/gate")
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


async def test_the_gate_report_explains_what_blocks_it(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    report = await _gate(api, team, change_id)
    roles = {r["role"]: r for r in report["gate"]["roles"]}
    assert roles["policy"]["signed_by"] == [team.signer(Role.POLICY)]
    assert roles["digital"]["not_yet_signed"] == [
        team.signer(Role.DIGITAL),
        team.signer(Role.DIGITAL, 1),
    ]
    assert (
        f"needs 1 more operations approval (eligible: {team.signer(Role.OPERATIONS)}"
        in " ".join(report["gate"]["unmet"])
    )
    assert report["waiting"]["kind"] == "sign_off"
    assert report["waiting"]["since"] is not None
    past = await api.get(team.auditor, f"/changes/{change_id}/gate", gate_id="9.nothing.1")
    assert (past.status_code, past.json()["error"]) == (404, "gate_not_found")


async def test_an_approver_of_one_gate_cannot_approve_the_next_in_another_role(
    api: Api, team: Team
) -> None:
    both = team.signer(Role.POLICY)
    await api.http.put(f"/people/{both}/roles/digital", headers=auth(team.admin))
    people = {**team.people(), "digital": [*team.people()["digital"], both]}
    created = await api.post(team.proposer, "/changes", intake_body(team, people=people))
    assert created.status_code == 201, created.text
    change_id = created.json()["change_id"]
    await approve_all(api, team, change_id, await submit(api, team, change_id, "intent"))
    revision = await submit(api, team, change_id, "design")
    body = {"role": "digital", "decision": "approve", "revision": revision}
    response = await api.post(team.signer(Role.POLICY), f"/changes/{change_id}/sign-offs", body)
    assert response.status_code == 403
    assert response.json()["error"] == "cross_stage_separation"
    assert "separation of duties across stages" in response.json()["detail"]


async def test_a_delegate_signs_for_the_holder_and_both_names_are_recorded(
    api: Api, team: Team
) -> None:
    deputy = f"deputy-{team.suffix}"
    await api.post(team.admin, "/people", {"name": "Deputy", "id": deputy})
    ends = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    body = {"delegate": deputy, "role": "policy", "ends_at": ends, "reason": "leave"}
    delegation = await api.post(team.signer(Role.POLICY), "/delegations", body)
    assert delegation.status_code == 201, delegation.text
    assert delegation.json()["in_force"] is True
    refused = await api.post(
        deputy, "/delegations", {**body, "delegate": team.signer(Role.POLICY, 1)}
    )
    assert (refused.status_code, refused.json()["error"]) == (403, "delegation_not_allowed")

    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    signed = await sign(
        api, deputy, change_id, Role.POLICY, revision, acting_for=team.signer(Role.POLICY)
    )
    policy = next(r for r in signed["gate"]["roles"] if r["role"] == "policy")
    assert policy["signed_by"] == [team.signer(Role.POLICY)]
    timeline = (await api.get(team.auditor, f"/changes/{change_id}/timeline")).json()
    assert any(
        e["summary"].startswith(f"{deputy} (policy) acting for {team.signer(Role.POLICY)}")
        for e in timeline["events"]
    )

    revoked = await api.http.delete(
        f"/delegations/{delegation.json()['id']}", headers=auth(team.signer(Role.POLICY))
    )
    assert revoked.json()["in_force"] is False
    await api.post(team.proposer, f"/changes/{change_id}/submissions", {
        "summary": "again", "evidence": [_evidence("again", [])]
    })  # fmt: skip
    after_revocation = {
        "role": "policy",
        "decision": "approve",
        "revision": revision + 1,
        "acting_for": team.signer(Role.POLICY),
    }
    response = await api.post(deputy, f"/changes/{change_id}/sign-offs", after_revocation)
    assert (response.status_code, response.json()["error"]) == (403, "delegation_not_active")


async def test_a_revoked_approver_no_longer_counts_when_the_gate_would_pass(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    revoked = await api.http.delete(
        f"/people/{team.signer(Role.POLICY)}/roles/policy", headers=auth(team.admin)
    )
    assert revoked.status_code == 200
    await sign(api, team.signer(Role.DIGITAL), change_id, Role.DIGITAL, revision)
    result = await sign(api, team.signer(Role.OPERATIONS), change_id, Role.OPERATIONS, revision)
    assert (result["stage"], result["gate"]["status"]) == ("intent", "in_review")
    unmet = " ".join((await _gate(api, team, change_id))["gate"]["unmet"])
    assert f"{team.signer(Role.POLICY)}'s policy approval no longer counts" in unmet
    assert "does not hold the policy role" in unmet
    passed = await sign(api, team.signer(Role.POLICY, 1), change_id, Role.POLICY, revision)
    assert passed["stage"] == "design"


async def test_amber_conditions_hold_the_next_gate_until_their_owner_closes_them(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    await sign(api, team.signer(Role.DIGITAL), change_id, Role.DIGITAL, revision)
    owner = team.signer(Role.OPERATIONS, 1)
    condition = {"description": "Brief the call centre", "owner": owner, "due": FUTURE}
    amber = await sign(
        api, team.signer(Role.OPERATIONS), change_id, Role.OPERATIONS, revision,
        "approve_with_conditions", conditions=[condition],
    )  # fmt: skip
    assert amber["stage"] == "design"
    inbox = (await api.get(owner, "/me/inbox")).json()["items"]
    [item] = [i for i in inbox if i["kind"] == "condition"]
    assert (item["change_id"], item["due"]) == (change_id, FUTURE)

    held = await approve_all(api, team, change_id, await submit(api, team, change_id, "design"))
    assert (held["stage"], held["gate"]["status"]) == ("design", "in_review")
    report = await _gate(api, team, change_id)
    assert [c["description"] for c in report["gate"]["blocked_by"]] == ["Brief the call centre"]
    assert (report["waiting"]["kind"], report["waiting"]["people"]) == ("condition", [owner])
    assert any("Brief the call centre" in line for line in report["gate"]["unmet"])

    path = f"/changes/{change_id}/conditions/{item['condition_id']}/closure"
    closure = {"note": "Briefed", "evidence": [_evidence("briefing", [])]}
    refused = await api.post(team.signer(Role.OPERATIONS), path, closure)
    assert (refused.status_code, refused.json()["error"]) == (403, "not_condition_owner")
    closed = await api.post(owner, path, closure)
    assert closed.status_code == 200, closed.text
    assert closed.json()["stage"] == "delivery"
    assert [
        i for i in (await api.get(owner, "/me/inbox")).json()["items"] if i["kind"] == "condition"
    ] == []


async def test_a_new_revision_resets_only_what_its_evidence_touched(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    first = [_evidence("policy note", ["policy"]), _evidence("ops plan", ["operations"])]
    revision = await _submit_tagged(api, team, change_id, first)
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    await sign(api, team.signer(Role.OPERATIONS), change_id, Role.OPERATIONS, revision)
    second = [_evidence("policy note", ["policy"]), _evidence("ops plan v2", ["operations"])]
    await _submit_tagged(api, team, change_id, second)
    report = await _gate(api, team, change_id)
    notes = {n["role"]: n for n in report["gate"]["approval_notes"]}
    assert notes["policy"]["carried_over"] is True
    assert notes["operations"]["carried_over"] is False
    assert notes["operations"]["reason"].endswith("evidence for operations changed")
    given = {r["role"]: r["given"] for r in report["gate"]["roles"]}
    assert given == {"policy": 1, "digital": 0, "operations": 0}


async def test_a_challenged_reject_is_overturned_and_the_gate_restored(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    await approve_all(api, team, change_id, await submit(api, team, change_id, "intent"))
    revision = await submit(api, team, change_id, "design")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    rejected = await sign(
        api, team.signer(Role.OPERATIONS), change_id, Role.OPERATIONS, revision,
        "reject", comment="The rota is not funded", reject_to="intent",
    )  # fmt: skip
    assert rejected["stage"] == "intent"
    wrong = await api.post(team.owner, f"/changes/{change_id}/challenges", {"reason": "x"})
    assert wrong.status_code == 403
    challenged = await api.post(
        team.proposer, f"/changes/{change_id}/challenges", {"reason": "The rota was funded in May"}
    )
    assert challenged.status_code == 200, challenged.text
    owner_inbox = (await api.get(team.owner, "/me/inbox")).json()["items"]
    assert [i["kind"] for i in owner_inbox if i["change_id"] == change_id] == ["challenge"]
    resolution = {"outcome": "overturn", "comment": "The May budget covers the rota"}
    overturned = await api.post(
        team.owner, f"/changes/{change_id}/challenges/resolution", resolution
    )
    assert overturned.status_code == 200, overturned.text
    assert (overturned.json()["stage"], overturned.json()["gate"]["status"]) == (
        "design",
        "in_review",
    )
    roles = {r["role"]: r["signed_by"] for r in overturned.json()["gate"]["roles"]}
    assert roles["policy"] == [team.signer(Role.POLICY)]
    again = await api.post(team.proposer, f"/changes/{change_id}/challenges", {"reason": "x"})
    assert (again.status_code, again.json()["error"]) == (409, "challenge_already_filed")
    await sign(api, team.signer(Role.DIGITAL), change_id, Role.DIGITAL, revision)
    passed = await sign(api, team.signer(Role.OPERATIONS, 1), change_id, Role.OPERATIONS, revision)
    assert passed["stage"] == "delivery"
