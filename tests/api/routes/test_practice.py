"""The improvement practice over HTTP: a change taken through the GOV.UK service phases
with a red assessment and its reassessment, the ground prepared or overridden before
design, areas that must be ready before a gate, and days of live data before another."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from api.playbook_examples import PLAYBOOK
from models.roles import Role
from models.tables import MeasurePointRow
from tests.api.client import Api
from tests.api.flows import approve_all, intake_body, submit, work_body
from tests.api.phases import assess, propose_phases, ratings, seat_panel
from tests.factories import Team
from throughline.services.directory import DirectoryService

NEXT_MONTH = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
ALL_AREAS = ["policy", "operating_model", "digital_service", "technology", "skills"]


@pytest.fixture
async def panel(team: Team, directory_service: DirectoryService) -> list[str]:
    return await seat_panel(directory_service, team)


async def _ready(api: Api, team: Team, change_id: str, areas: list[str]) -> None:
    """Each area marked ready by its owner, the operations lead."""
    owner = team.signer(Role.OPERATIONS)
    for area in areas:
        body = {"status": "ready", "owner": owner, "note": "Done."}
        response = await api.put(owner, f"/changes/{change_id}/readiness/{area}", body)
        assert response.status_code == 200, response.text


async def test_a_change_goes_through_the_govuk_phases_with_a_red_alpha_reassessed(
    api: Api, team: Team, panel: list[str]
) -> None:
    lead = panel[0]
    change_id = await propose_phases(api, team, panel)
    await approve_all(api, team, change_id, await submit(api, team, change_id, "discovery"))

    alpha = await submit(api, team, change_id, "alpha prototypes")
    action = {"point": 2, "description": "Map the whole journey", "owner": team.proposer}
    first = {
        "revision": alpha,
        "ratings": ratings(red=(1,), amber=(2,)),
        "actions": [{**action, "due": NEXT_MONTH}],
        "summary": "Research must reach paper applicants.",
    }
    failed = await assess(api, lead, change_id, first)
    assert failed.status_code == 200, failed.text
    assert (failed.json()["stage"], failed.json()["gate"]["status"]) == (
        "alpha",
        "changes_requested",
    )

    rework = await submit(api, team, change_id, "alpha with paper research")
    everything = {"revision": rework, "ratings": ratings()}
    refused = await assess(api, lead, change_id, everything)
    assert refused.status_code == 422
    assert "only the points that were red: 1" in refused.json()["detail"]

    point_one = {"point": 1, "rating": "green", "comment": "Paper applicants were researched."}
    met = await assess(api, lead, change_id, {"revision": rework, "ratings": [point_one]})
    assert met.status_code == 200, met.text
    assert met.json()["stage"] == "private_beta"

    reports = (await api.get(team.auditor, f"/changes/{change_id}/assessments")).json()
    alpha_report = reports[0]
    assert (alpha_report["assessment"], alpha_report["outcome"]) == ("alpha assessment", "met")
    assert alpha_report["panel"]["lead assessor"] == lead
    points = {p["point"]: p for p in alpha_report["points"]}
    assert (points[1]["rating"], points[1]["earlier"]) == ("green", ["red"])
    assert points[2]["rating"] == "amber"
    assert [a["status"] for a in alpha_report["actions"]] == ["open"]

    await _through_beta(api, team, change_id, lead, alpha_report["actions"][0]["id"])


async def _through_beta(api: Api, team: Team, change_id: str, lead: str, action: str) -> None:
    beta = await submit(api, team, change_id, "private beta")
    all_green = {"revision": beta, "ratings": ratings()}
    held = await assess(api, lead, change_id, all_green)
    assert held.status_code == 409
    assert "close the open actions before the next assessment" in held.json()["detail"]

    closure = {"note": "Journey mapped", "evidence": [work_body("journey map")["evidence"][0]]}
    path = f"/changes/{change_id}/conditions/{action}/closure"
    assert (await api.post(team.proposer, path, closure)).status_code == 200

    not_ready = await assess(api, lead, change_id, all_green)
    assert not_ready.status_code == 409
    assert "operating model (not recorded yet)" in not_ready.json()["detail"]
    await _ready(api, team, change_id, ["operating_model", "digital_service"])
    passed = await assess(api, lead, change_id, all_green)
    assert passed.json()["stage"] == "public_beta"

    for metric, value in [("median days to decision", 4), ("online take-up", 61)]:
        body = {"metric": metric, "value": value}
        assert (
            await api.post(team.proposer, f"/changes/{change_id}/measurements", body)
        ).is_success
    public = await submit(api, team, change_id, "public beta data")
    await _ready(api, team, change_id, ALL_AREAS)
    live = await assess(api, lead, change_id, {"revision": public, "ratings": ratings()})
    assert live.json()["stage"] == "live"
    adopted = await api.post(team.owner, f"/changes/{change_id}/decision", {"outcome": "adopt"})
    assert adopted.json()["status"] == "completed"
    audit = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    assert audit["verdict"]["intact"] is True
    assert [e["kind"] for e in audit["events"]].count("assessed") == 4


async def test_only_the_lead_assessor_assesses_and_nobody_signs_an_assessment_gate(
    api: Api, team: Team, panel: list[str]
) -> None:
    change_id = await propose_phases(api, team, panel)
    await approve_all(api, team, change_id, await submit(api, team, change_id, "discovery"))
    alpha = await submit(api, team, change_id, "alpha")

    by_another = await assess(api, panel[1], change_id, {"revision": alpha, "ratings": ratings()})
    assert by_another.status_code == 403
    assert f"only the lead assessor, {panel[0]}" in by_another.json()["detail"]
    body = {"role": "policy", "decision": "approve", "revision": alpha}
    signed = await api.post(team.signer(Role.POLICY), f"/changes/{change_id}/sign-offs", body)
    assert signed.status_code == 409
    assert "is an assessment" in signed.json()["detail"]
    incomplete = await assess(
        api, panel[0], change_id, {"revision": alpha, "ratings": ratings()[:13]}
    )
    assert incomplete.status_code == 422
    assert "missing: 14" in incomplete.json()["detail"]
    no_action = await assess(
        api, panel[0], change_id, {"revision": alpha, "ratings": ratings(amber=(5,))}
    )
    assert no_action.status_code == 422
    assert "none for: 5" in no_action.json()["detail"]


async def test_a_panel_too_small_or_marking_its_own_work_is_refused_at_proposal(
    api: Api, team: Team, panel: list[str]
) -> None:
    people = {**team.people(), "assessor": panel[:3]}
    small = intake_body(team, playbook="govuk-phases", people=people)
    refused = await api.post(team.proposer, "/changes", small)
    assert refused.status_code == 422
    assert "'alpha assessment' needs a panel of 4 assessors" in refused.json()["detail"]

    own = {**team.people(), "assessor": [*panel[:3], team.signer(Role.DIGITAL)]}
    marking = await api.post(
        team.proposer, "/changes", intake_body(team, playbook="govuk-phases", people=own)
    )
    assert marking.status_code == 422
    assert "an assessor is independent of the change" in marking.json()["detail"]


async def test_design_waits_for_the_ground_to_be_prepared_or_the_owner_to_override(
    api: Api, team: Team
) -> None:
    response = await api.post(team.proposer, "/changes", intake_body(team))
    change_id = response.json()["change_id"]
    low = {"rating": "low", "note": "No user researcher yet"}
    high = {"rating": "high"}
    rated = {"senior_interest": high, "operational_capacity": high, "capability": low}
    prioritised = await api.post(team.proposer, f"/changes/{change_id}/prioritisation", rated)
    assert prioritised.status_code == 200, prioritised.text
    await approve_all(api, team, change_id, await submit(api, team, change_id, "intent"))

    design = await submit(api, team, change_id, "design")
    body = {"role": "policy", "decision": "approve", "revision": design}
    held = await api.post(team.signer(Role.POLICY), f"/changes/{change_id}/sign-offs", body)
    assert held.status_code == 409
    assert held.json()["error"] == "ground_not_prepared"
    assert "build or borrow capability" in held.json()["detail"]

    reason = {"reason": "A researcher joins from another team next week."}
    path = f"/changes/{change_id}/ground-override"
    assert (await api.post(team.proposer, path, reason)).status_code == 403
    overridden = await api.post(team.owner, path, reason)
    assert overridden.status_code == 200, overridden.text
    passed = await approve_all(api, team, change_id, design)
    assert passed["stage"] == "delivery"

    late = await api.post(team.proposer, f"/changes/{change_id}/prioritisation", rated)
    assert late.status_code == 409
    view = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    assert view["practice"]["ground_override"]["overridden_by"] == team.owner
    assert [m["condition"] for m in view["practice"]["missing"]] == ["capability"]
    audit = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    kinds = [e["kind"] for e in audit["events"]]
    assert kinds.index("prioritised") < kinds.index("ground_overridden")


async def test_an_area_readiness_is_recorded_with_its_owner_and_shows_as_misaligned(
    api: Api, team: Team
) -> None:
    response = await api.post(team.proposer, "/changes", intake_body(team))
    change_id = response.json()["change_id"]
    path = f"/changes/{change_id}/readiness"
    owner = team.signer(Role.OPERATIONS)
    body = {"status": "in_progress", "owner": owner, "note": "Guidance drafted"}
    assert (await api.put(team.proposer, f"{path}/operating_model", body)).status_code == 200
    ready = {"status": "ready", "owner": team.proposer}
    assert (await api.put(team.proposer, f"{path}/digital_service", ready)).status_code == 200
    stranger = await api.put(team.auditor, f"{path}/skills", ready)
    assert stranger.status_code == 403
    unknown = await api.put(team.proposer, f"{path}/finance", ready)
    assert unknown.status_code == 422

    gate = (await api.get(team.auditor, f"/changes/{change_id}/gate")).json()
    assert (
        f"operating model is in progress, owned by {owner} while digital service is ready"
        in gate["misaligned"]
    )


async def test_a_gate_needing_days_of_live_data_waits_until_every_measure_has_them(
    api: Api, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    playbook = copy.deepcopy(PLAYBOOK) | {"name": f"observed-{team.suffix}"}
    playbook["stages"][0]["gate"] |= {"quorum": {"policy": 1}, "min_observation_days": 3}
    assert (await api.post(team.admin, "/admin/playbooks", playbook)).status_code == 201
    response = await api.post(
        team.proposer, "/changes", intake_body(team, playbook=playbook["name"])
    )
    change_id = response.json()["change_id"]
    revision = await submit(api, team, change_id, "intent")
    approve = {"role": "policy", "decision": "approve", "revision": revision}
    path = f"/changes/{change_id}/sign-offs"

    unobserved = await api.post(team.signer(Role.POLICY), path, approve)
    assert unobserved.status_code == 409
    assert unobserved.json()["error"] == "observation_too_short"
    assert "'online take-up' has not been observed yet" in unobserved.json()["detail"]

    long_ago = (datetime.now(UTC) - timedelta(days=60)).isoformat()
    await _push(api, team, change_id, "median days to decision", long_ago)
    await _push(api, team, change_id, "online take-up", long_ago)
    backdated = await api.post(team.signer(Role.POLICY), path, approve)
    assert backdated.status_code == 409
    assert "'online take-up' has been observed for 0 days" in backdated.json()["detail"]

    await _received_days_ago(sqlite_sessions, change_id, 4)
    passed = await api.post(team.signer(Role.POLICY), path, approve)
    assert passed.status_code == 200, passed.text
    assert passed.json()["stage"] == "design"


async def _received_days_ago(
    sessions: async_sessionmaker[AsyncSession], change_id: str, days: int
) -> None:
    """As if the change's live data had first arrived some days ago."""
    async with sessions() as session, session.begin():
        await session.exec(
            update(MeasurePointRow)
            .where(col(MeasurePointRow.change_id) == change_id)
            .values(received_at=datetime.now(UTC) - timedelta(days=days))
        )


async def _push(api: Api, team: Team, change_id: str, metric: str, at: str) -> None:
    """Upload one point for a measure, as a team member would."""
    path = f"/changes/{change_id}/measures/{quote(metric)}/points"
    response = await api.post(team.proposer, path, [{"observed_at": at, "value": 10}])
    assert response.status_code == 200, response.text
