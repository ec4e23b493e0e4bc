"""Signed audit bundles over HTTP, tried as a new user would: an auditor exports a change,
a service or a time range, and the bundle checks out offline against the published key."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from models.bundle_check import check_bundle
from models.roles import Role
from tests.api.client import Api
from tests.api.flows import intake_body, propose, sign, submit
from tests.factories import Team


async def _withdrawn(api: Api, team: Team, service: str | None = None) -> str:
    """A change with sign-offs, a refused attempt, measurements and a withdrawal."""
    body = intake_body(team, service=service) if service else intake_body(team)
    change_id: str = (await api.post(team.proposer, "/changes", body)).json()["change_id"]
    revision = await submit(api, team, change_id, "intent")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    again = await api.post(
        team.signer(Role.POLICY),
        f"/changes/{change_id}/sign-offs",
        {"role": "policy", "decision": "approve", "revision": revision},
    )
    assert again.status_code == 409, again.text
    await sign(api, team.signer(Role.DIGITAL), change_id, Role.DIGITAL, revision)
    reason = {"reason": "Policy changed"}
    response = await api.post(team.proposer, f"/changes/{change_id}/withdrawal", reason)
    assert response.status_code == 200, response.text
    return change_id


async def _key(api: Api) -> str:
    response = await api.http.get("/.well-known/throughline-audit-key")
    key: str = response.json()["public_key"]
    return key


async def test_an_exported_change_verifies_against_the_published_key(api: Api, team: Team) -> None:
    change_id = await _withdrawn(api, team)
    response = await api.get(team.auditor, f"/changes/{change_id}/export")
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    bundle = response.json()
    report = check_bundle(bundle, await _key(api))
    assert report.intact, report.problem
    [entry] = bundle["manifest"]["changes"]
    assert (entry["change_id"], entry["closed"], entry["hash_scheme"]) == (change_id, True, "jcs")
    assert entry["refusals"] == 1
    assert entry["histories"], "the run's Temporal history is in the bundle"
    evidence = bundle["parts"][f"changes/{change_id}/evidence"]
    assert evidence
    assert all(len(item["sha256"]) == 64 for item in evidence)
    held = bundle["parts"][f"changes/{change_id}/authority"]
    assert {item["held_by"] for item in held} == {"own role"}


async def test_an_edited_bundle_fails_with_the_reason(api: Api, team: Team) -> None:
    change_id = await _withdrawn(api, team)
    bundle = (await api.get(team.auditor, f"/changes/{change_id}/export")).json()
    bundle["parts"][f"changes/{change_id}/events"][1]["actor"] = "someone-else"
    report = check_bundle(json.loads(json.dumps(bundle)), await _key(api))
    assert not report.intact
    assert report.problem == (
        f"part changes/{change_id}/events was changed: its digest is not the manifest's"
    )


async def test_a_service_and_a_time_range_export_their_changes(api: Api, team: Team) -> None:
    service = f"Service {uuid.uuid4()}"
    first = await _withdrawn(api, team, service)
    second = await propose(api, team)
    bundle = (await api.get(team.auditor, "/audit/bundle", service=service)).json()
    assert [c["change_id"] for c in bundle["manifest"]["changes"]] == [first]
    assert check_bundle(bundle, await _key(api)).intact
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    ranged = (await api.get(team.auditor, "/audit/bundle", since=since)).json()
    assert {first, second} <= {c["change_id"] for c in ranged["manifest"]["changes"]}


async def test_bundles_are_for_auditors_and_bad_asks_are_named(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    assert (await api.get(team.proposer, f"/changes/{change_id}/export")).status_code == 403
    assert (await api.get(team.auditor, "/changes/nope/export")).status_code == 404
    nothing = await api.get(team.auditor, "/audit/bundle")
    assert (nothing.status_code, nothing.json()["error"]) == (422, "invalid_request")
    naive = await api.get(team.auditor, "/audit/bundle", since="2026-01-01T00:00:00")
    assert naive.status_code == 422
    assert "since" in naive.json()["detail"]
    both = await api.get(team.auditor, "/audit/bundle", service="x", since="2026-01-01T00:00:00Z")
    assert "not both" in both.json()["detail"]
    backwards = await api.get(
        team.auditor, "/audit/bundle", since="2026-02-01T00:00:00Z", until="2026-01-01T00:00:00Z"
    )
    assert "before until" in backwards.json()["detail"]


async def test_positions_and_times_beyond_what_the_store_holds_are_named(
    api: Api, team: Team
) -> None:
    """Tried as a new user would, adversarially: no 500 for a huge `after` or a time
    that leaves the calendar once moved to UTC."""
    change_id = await propose(api, team)
    early, late = "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"
    asks: list[tuple[str, str, dict[str, object]]] = [
        (team.auditor, f"/changes/{change_id}/audit", {"after": 10**20}),
        (team.auditor, f"/changes/{change_id}/refusals", {"after": 2**31}),
        (team.auditor, f"/changes/{change_id}/timeline", {"after": 10**20}),
        (team.admin, "/admin/archive", {"after": 10**20}),
        (team.auditor, f"/changes/{change_id}/audit", {"since": early}),
        (team.auditor, "/audit/bundle", {"until": late}),
        (team.auditor, "/audit/events", {"since": early}),
    ]
    for person, path, params in asks:
        response = await api.get(person, path, **params)
        assert response.status_code == 422, (path, params, response.text)
        assert next(iter(params)) in response.json()["detail"]
