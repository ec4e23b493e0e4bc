"""What people do over HTTP, step by step, for API tests."""

from __future__ import annotations

from typing import Any

from models.evidence import fingerprint
from models.roles import Role
from tests.api.conftest import Api
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
