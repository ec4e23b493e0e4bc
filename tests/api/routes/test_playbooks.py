"""Playbooks over HTTP: a custom playbook published from YAML with two of three policy
people needed at a gate, immutable versions, the impact preview, and changes pinned to
the version they ask for: api/routes/playbooks.py."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest
import yaml

from api.playbook_examples import PLAYBOOK
from models.roles import Role
from tests.api.client import Api, auth
from tests.api.flows import intake_body, submit
from tests.factories import Team


@pytest.fixture
def name() -> str:
    return f"custom-{uuid.uuid4().hex[:8]}"


def playbook(name: str, version: int = 1, policy: int = 2) -> dict[str, Any]:
    data = copy.deepcopy(PLAYBOOK)
    data.update(name=name, version=version)
    data["stages"][0]["gate"]["quorum"]["policy"] = policy
    return data


async def post_yaml(http: httpx.AsyncClient, person: str, path: str, body: Any) -> httpx.Response:
    headers = {**auth(person), "Content-Type": "application/yaml"}
    return await http.post(path, content=yaml.safe_dump(body, sort_keys=False), headers=headers)


async def third_policy_person(api: Api, team: Team) -> str:
    person = f"pol-c-{team.suffix}"
    body = {"name": "Third policy lead", "id": person, "roles": ["policy"]}
    assert (await api.post(team.admin, "/people", body)).status_code == 201
    return person


def three_policy_people(team: Team, third: str) -> dict[str, list[str]]:
    return {**team.people(), "policy": [*team.people()["policy"], third]}


async def sign(api: Api, person: str, change_id: str, role: Role, revision: int) -> httpx.Response:
    body = {"role": role.value, "decision": "approve", "revision": revision}
    return await api.post(person, f"/changes/{change_id}/sign-offs", body)


async def test_a_two_of_three_policy_quorum_needs_two_distinct_policy_approvals(
    api: Api, http: httpx.AsyncClient, team: Team, name: str
) -> None:
    published = await post_yaml(http, team.admin, "/admin/playbooks", playbook(name))
    assert published.status_code == 201, published.text
    assert (published.json()["changed"], published.json()["published_by"]) == (True, team.admin)
    third = await third_policy_person(api, team)
    body = intake_body(team, playbook=name, people=three_policy_people(team, third))
    proposed = await api.post(team.proposer, "/changes", body)
    assert proposed.status_code == 201, proposed.text
    change_id = proposed.json()["change_id"]
    revision = await submit(api, team, change_id, "intent work")
    for role in [Role.DIGITAL, Role.OPERATIONS, Role.POLICY]:
        answer = await sign(api, team.signer(role), change_id, role, revision)
        assert answer.json()["gate"]["status"] == "in_review", answer.text
    twice = await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    assert twice.status_code == 409
    passed = await sign(api, third, change_id, Role.POLICY, revision)
    assert passed.status_code == 200, passed.text
    assert (passed.json()["closed_gate"]["status"], passed.json()["stage"]) == ("passed", "design")
    approvers = [
        s["person"] for s in passed.json()["closed_gate"]["signoffs"] if s["role"] == "policy"
    ]
    assert approvers == [team.signer(Role.POLICY), third]


async def test_one_policy_person_for_a_quorum_of_two_is_refused_naming_gate_and_role(
    api: Api, http: httpx.AsyncClient, team: Team, name: str
) -> None:
    await post_yaml(http, team.admin, "/admin/playbooks", playbook(name))
    people = {**team.people(), "policy": [team.signer(Role.POLICY)]}
    refused = await api.post(
        team.proposer, "/changes", intake_body(team, playbook=name, people=people)
    )
    assert refused.status_code == 422
    assert "2 policy sign-off(s)" in refused.json()["detail"]
    assert "gate 'intent agreed' needs 2 policy approvals" in refused.json()["detail"]


async def test_a_published_version_never_changes(
    api: Api, http: httpx.AsyncClient, team: Team, name: str
) -> None:
    assert (await api.post(team.admin, "/admin/playbooks", playbook(name))).status_code == 201
    same = await post_yaml(http, team.admin, "/admin/playbooks", playbook(name))
    assert (same.status_code, same.json()["changed"]) == (200, False)
    other = await api.post(team.admin, "/admin/playbooks", playbook(name, policy=1))
    assert other.status_code == 409
    assert other.json()["error"] == "playbook_version_exists"
    assert f"version 1 of the '{name}' playbook is already published" in other.json()["detail"]
    older = await api.post(team.admin, "/admin/playbooks", playbook("pdca", version=1))
    assert (older.status_code, older.json()["error"]) == (409, "playbook_version_exists")


async def test_the_diff_shows_the_quorum_change_and_its_impact_on_an_open_change(
    api: Api, team: Team, name: str
) -> None:
    await api.post(team.admin, "/admin/playbooks", playbook(name))
    body = intake_body(team, playbook=name)
    change_id = (await api.post(team.proposer, "/changes", body)).json()["change_id"]
    revision = await submit(api, team, change_id, "intent work")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)

    preview = await api.post(team.admin, "/admin/playbooks/diff", playbook(name, 2, policy=3))
    assert preview.status_code == 200, preview.text
    diff = preview.json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert diff["differences"] == ["gate 'intent agreed': policy quorum 2 → 3"]
    [impact] = diff["open_changes"]
    assert (impact["change_id"], impact["pinned_version"]) == (change_id, 1)
    assert impact["would_differ"][0] == (
        "gate 'intent agreed': it has 1 policy approval(s); version 2 would need 3 where its "
        "own version needs 2, so 2 more"
    )
    assert impact["would_differ"][1].startswith("its named people could not staff version 2")
    assert "never move" in diff["running_changes"]
    unmoved = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    assert unmoved["playbook_version"] == 1


async def test_a_new_change_may_pin_an_older_version(api: Api, team: Team, name: str) -> None:
    for version in (1, 2):
        await api.post(team.admin, "/admin/playbooks", playbook(name, version))
    latest = await api.post(team.proposer, "/changes", intake_body(team, playbook=name))
    older = await api.post(
        team.proposer, "/changes", intake_body(team, playbook=name, playbook_version=1)
    )
    views = [
        (await api.get(team.auditor, f"/changes/{r.json()['change_id']}")).json()
        for r in (latest, older)
    ]
    assert [v["playbook_version"] for v in views] == [2, 1]
    unknown = await api.post(
        team.proposer, "/changes", intake_body(team, playbook=name, playbook_version=9)
    )
    assert unknown.status_code == 422
    assert "has no version 9; its versions are 1, 2" in unknown.json()["detail"]


async def test_the_catalogue_lists_built_in_and_published_versions(
    api: Api, team: Team, name: str
) -> None:
    await api.post(team.admin, "/admin/playbooks", playbook(name))
    listed = (await api.get(team.auditor, "/playbooks")).json()
    pdca = [p for p in listed if p["name"] == "pdca"]
    assert [p["version"] for p in pdca][:3] == [1, 2, 3]
    assert pdca[1]["governance"]["challenge_window_working_days"] == 10
    assert pdca[1]["governance"]["service_levels"] is None
    assert [s["gate"]["service_level_days"] for s in pdca[2]["stages"]] == [5, 5, 5, 5, 3]
    assert (name, 1) in [(p["name"], p["version"]) for p in listed]
    versions = (await api.get(team.proposer, f"/playbooks/{name}")).json()
    assert (versions["latest"], versions["versions"][0]["source"]) == (1, "published")
    one = (await api.get(team.proposer, "/playbooks/pdca/versions/2")).json()
    assert (one["source"], one["playbook"]["version"]) == ("built_in", 2)
    missing = await api.get(team.proposer, f"/playbooks/{name}/versions/5")
    assert (missing.status_code, missing.json()["error"]) == (404, "playbook_not_found")


async def test_validation_tells_every_problem_and_syntax_errors_name_their_line(
    http: httpx.AsyncClient, api: Api, team: Team, name: str
) -> None:
    broken = playbook(name)
    broken["stages"][0]["gate"]["quorum"]["policy"] = 0
    checked = await post_yaml(http, team.admin, "/admin/playbooks/validate", broken)
    assert (checked.status_code, checked.json()["valid"]) == (200, False)
    assert checked.json()["problems"] == [
        "gate 'intent agreed' needs a quorum of at least 1 for each role"
    ]
    fine = (await post_yaml(http, team.admin, "/admin/playbooks/validate", playbook(name))).json()
    assert (fine["valid"], fine["name"], fine["latest_version"]) == (True, name, None)
    headers = {**auth(team.admin), "Content-Type": "application/yaml"}
    garbled = await http.post(
        "/admin/playbooks", content=b"name: x\ntitle: a: b\n", headers=headers
    )
    assert (garbled.status_code, garbled.json()["error"]) == (400, "unreadable_playbook")
    assert "line 2, column 9" in garbled.json()["detail"]
    refused = await api.post(team.admin, "/admin/playbooks", broken)
    assert (refused.status_code, refused.json()["error"]) == (422, "invalid_playbook")


async def test_only_admins_validate_publish_or_diff(
    http: httpx.AsyncClient, api: Api, team: Team, name: str
) -> None:
    for path in ["/admin/playbooks", "/admin/playbooks/validate", "/admin/playbooks/diff"]:
        refused = await post_yaml(http, team.proposer, path, playbook(name))
        assert refused.status_code == 403, path
        anonymous = await http.post(path, json=playbook(name))
        assert anonymous.status_code == 401, path
    assert (await api.get(team.proposer, f"/playbooks/{name}")).status_code == 404
    text = await http.post(
        "/admin/playbooks",
        content=b"name: x",
        headers={**auth(team.admin), "Content-Type": "text/plain"},
    )
    assert text.status_code == 415
