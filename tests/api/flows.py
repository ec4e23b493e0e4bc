"""What people do over HTTP, step by step, for API tests."""

from __future__ import annotations

from typing import Any

from models.evidence import fingerprint
from models.roles import Role
from tests.api.client import Api
from tests.factories import Team, intake_data

SIGNING = [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]


def intake_body(team: Team, **overrides: Any) -> dict[str, Any]:
    return intake_data(**{"people": team.people(), **overrides})


def work_body(text: str) -> dict[str, Any]:
    return {
        "summary": text,
        "evidence": [
            {
                "title": text,
                "uri": "https://docs.example.test/" + text.replace(" ", "-"),
                "sha256": fingerprint(text),
            }
        ],
    }


async def propose(api: Api, team: Team, key: str | None = None) -> str:
    response = await api.post(team.proposer, "/changes", intake_body(team), key)
    assert response.status_code == 201, response.text
    change_id: str = response.json()["change_id"]
    return change_id


async def submit(api: Api, team: Team, change_id: str, text: str) -> int:
    response = await api.post(team.proposer, f"/changes/{change_id}/submissions", work_body(text))
    assert response.status_code == 200, response.text
    revision: int = response.json()["gate"]["revision"]
    return revision


async def sign(
    api: Api,
    person: str,
    change_id: str,
    role: Role,
    revision: int,
    decision: str = "approve",
    **extra: Any,
) -> dict[str, Any]:
    body = {"role": role.value, "decision": decision, "revision": revision, **extra}
    response = await api.post(person, f"/changes/{change_id}/sign-offs", body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def approve_all(api: Api, team: Team, change_id: str, revision: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for role in SIGNING:
        result = await sign(api, team.signer(role), change_id, role, revision)
    return result


async def measure_all(api: Api, team: Team, change_id: str, take_up: float) -> None:
    for metric, value in [("median days to decision", 4), ("online take-up", take_up)]:
        body = {"metric": metric, "value": value}
        response = await api.post(team.proposer, f"/changes/{change_id}/measurements", body)
        assert response.status_code == 200, response.text


async def pass_stage(api: Api, team: Team, change_id: str, stage: str) -> dict[str, Any]:
    if stage == "check":
        await measure_all(api, team, change_id, take_up=61)
    revision = await submit(api, team, change_id, f"{stage} work")
    return await approve_all(api, team, change_id, revision)


async def run_whole_lifecycle(api: Api, team: Team) -> None:
    """Rework, a reject, an adapt and an adopt, each gate signed by distinct people."""
    change_id = await propose(api, team)
    view = (await api.get(team.proposer, f"/changes/{change_id}")).json()
    assert (view["stage"], view["waiting"]["kind"]) == ("intent", "submission")

    # Intent: operations asks for changes, the team reworks, everyone approves.
    first = await submit(api, team, change_id, "intent draft")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, first)
    sent_back = await sign(
        api,
        team.signer(Role.OPERATIONS),
        change_id,
        Role.OPERATIONS,
        first,
        "request_changes",
        comment="Add the call-centre impact",
    )
    assert sent_back["gate"]["status"] == "changes_requested"
    second = await submit(api, team, change_id, "intent with call-centre impact")
    assert second == first + 1
    passed = await approve_all(api, team, change_id, second)
    assert passed["stage"] == "design"
    assert passed["closed_gate"]["status"] == "passed"

    # Design passes; delivery is rejected back to design, then both pass again.
    await pass_stage(api, team, change_id, "design")
    delivery = await submit(api, team, change_id, "release candidate")
    rejected = await sign(
        api,
        team.signer(Role.POLICY),
        change_id,
        Role.POLICY,
        delivery,
        "reject",
        comment="Eligibility rules changed",
        reject_to="design",
    )
    assert (rejected["stage"], rejected["gate"]["id"]) == ("design", "1.design.2")
    await pass_stage(api, team, change_id, "design")
    await pass_stage(api, team, change_id, "delivery")

    # Check: take-up misses target, so the service owner adapts.
    await measure_all(api, team, change_id, take_up=40)
    check = await submit(api, team, change_id, "four weeks of data")
    at_act = await approve_all(api, team, change_id, check)
    measures = {m["metric"]: m for m in at_act["closed_gate"]["measures"]}
    assert measures["online take-up"]["met"] is False
    assert at_act["stage"] == "act"
    adapted = await api.post(
        team.owner,
        f"/changes/{change_id}/decision",
        {"outcome": "adapt", "comment": "Take-up short of target"},
    )
    assert adapted.status_code == 200, adapted.text
    assert (adapted.json()["iteration"], adapted.json()["stage"]) == (2, "design")

    # Cycle two: design, delivery, check pass, and the change is adopted.
    for stage in ["design", "delivery", "check"]:
        await pass_stage(api, team, change_id, stage)
    adopted = await api.post(team.owner, f"/changes/{change_id}/decision", {"outcome": "adopt"})
    assert adopted.json()["status"] == "completed"

    final = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    assert [c["outcome"] for c in final["cycles"]] == ["adapt", "adopt"]
    assert final["waiting"]["kind"] == "nothing"
    audit = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    assert audit["verdict"]["intact"] is True
    assert audit["verdict"]["events_checked"] == final["last_seq"]
    signed = [e for e in audit["events"] if e["kind"] == "signed_off"]
    assert len({(e["actor"], e["payload"]["revision"]) for e in signed}) == len(signed)


async def whole_inbox(api: Api, person: str) -> list[dict[str, Any]]:
    """Every item of the person's inbox, page after page: an admin's holds every stuck
    change the test database has."""
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        response = await api.get(person, "/me/inbox", limit=200, offset=offset)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        offset = response.json()["next_offset"]
    return items
