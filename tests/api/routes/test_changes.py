"""Reads: listing with filters, the inbox, the timeline and the audit log."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import GENESIS_HASH, HashScheme, recompute_hash
from models.roles import Role
from models.tables import AuditEventRow
from tests.api.client import Api
from tests.api.flows import approve_all, intake_body, propose, sign, submit
from tests.factories import Team
from throughline.store import readmodel


async def test_list_filters_by_stage_status_and_waiting_role(api: Api, team: Team) -> None:
    service = f"Service {uuid.uuid4()}"
    body = intake_body(team, service=service)
    at_intent = (await api.post(team.proposer, "/changes", body)).json()["change_id"]
    in_review = (await api.post(team.proposer, "/changes", body)).json()["change_id"]
    await submit(api, team, in_review, "intent")

    async def listed(**params: str) -> list[str]:
        response = await api.get(team.auditor, "/changes", service=service, **params)
        assert response.status_code == 200
        return [item["change_id"] for item in response.json()["items"]]

    assert sorted(await listed()) == sorted([at_intent, in_review])
    assert await listed(waiting_on="policy") == [in_review]
    assert set(await listed(waiting_on="digital")) == {at_intent, in_review}
    assert await listed(stage="design") == []
    assert sorted(await listed(status="active")) == sorted([at_intent, in_review])
    page = (await api.get(team.auditor, "/changes", service=service, limit=1, count="true")).json()
    assert (page["total"], len(page["items"])) == (2, 1)


async def test_list_rejects_bad_filters(api: Api, team: Team) -> None:
    response = await api.get(team.auditor, "/changes", waiting_on="janitor")
    assert response.status_code == 422
    assert "waiting_on" in response.json()["detail"]
    response = await api.get(team.auditor, "/changes", limit=0)
    assert response.status_code == 422


async def test_inbox_lists_what_waits_on_my_roles_oldest_first(api: Api, team: Team) -> None:
    older = await propose(api, team)
    newer = await propose(api, team)
    await submit(api, team, older, "intent")
    await submit(api, team, newer, "intent")
    inbox = (await api.get(team.signer(Role.POLICY), "/me/inbox")).json()
    mine = [item["change_id"] for item in inbox["items"]]
    assert mine == [older, newer]
    assert {item["kind"] for item in inbox["items"]} == {"sign_off"}
    await sign(api, team.signer(Role.POLICY), older, Role.POLICY, 1)
    inbox = (await api.get(team.signer(Role.POLICY), "/me/inbox")).json()
    assert [item["change_id"] for item in inbox["items"]] == [newer]
    auditor_inbox = (await api.get(team.auditor, "/me/inbox")).json()
    assert auditor_inbox["items"] == []


async def test_change_view_says_who_it_waits_on_since_when_and_why(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
    view = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    waiting = view["waiting"]
    assert waiting["kind"] == "sign_off"
    assert sorted(waiting["roles"]) == ["digital", "operations"]
    assert team.signer(Role.OPERATIONS) in waiting["people"]
    assert waiting["since"] is not None
    assert f"revision {revision}" in waiting["reason"]
    roles = {r["role"]: r for r in view["gate"]["roles"]}
    assert roles["policy"]["signed_by"] == [team.signer(Role.POLICY)]
    assert (roles["digital"]["required"], roles["digital"]["given"]) == (1, 0)


async def test_timeline_shows_handoffs_and_events_in_order(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    await approve_all(api, team, change_id, revision)
    timeline = (await api.get(team.auditor, f"/changes/{change_id}/timeline")).json()
    kinds = [e["kind"] for e in timeline["events"]]
    assert kinds[:3] == ["change_created", "handoff", "work_submitted"]
    assert "gate_passed" in kinds
    parties = [(h["from_party"], h["to_party"]) for h in timeline["handoffs"]]
    assert parties[:3] == [
        (f"proposer {team.proposer}", "digital team"),
        ("digital team", "gate 'intent agreed'"),
        ("gate 'intent agreed'", "digital team"),
    ]
    assert all(h["closed_at"] for h in timeline["handoffs"][:-1])
    assert timeline["handoffs"][-1]["closed_at"] is None


async def test_audit_log_detects_an_edited_event(
    api: Api, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    intact = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    assert intact["verdict"]["intact"] is True
    async with sqlite_sessions() as session, session.begin():
        await session.exec(
            update(AuditEventRow)
            .where(col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq) == 3)
            .values(actor="someone-else")
        )
    tampered = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    assert tampered["verdict"]["intact"] is False
    assert tampered["verdict"]["first_bad_seq"] == 3


async def test_audit_notices_events_removed_from_the_end(
    api: Api, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    await api.settled(team.proposer, change_id)
    async with sqlite_sessions() as session, session.begin():
        await session.exec(
            delete(AuditEventRow).where(
                col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq) > 2
            )
        )
    verdict = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()["verdict"]
    assert verdict["intact"] is False
    assert verdict["anchored_to"] == "temporal"
    assert verdict["first_bad_seq"] == 3
    assert verdict["problem"].startswith("the log ends at event 2 but temporal records")
    assert "are missing" in verdict["problem"]


async def test_audit_says_from_which_event_a_rehashed_chain_was_rewritten(
    api: Api, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Every event edited and every hash recomputed, so the chain links up by itself:
    the verdict says where it parts from what Temporal recorded, not a count that agrees."""
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    await api.settled(team.proposer, change_id)
    async with sqlite_sessions() as session, session.begin():
        rows = await readmodel.audit_events(session, change_id)
        previous = GENESIS_HASH
        for event in rows:
            forged = event.model_copy(update={"actor": "forger", "prev_hash": previous})
            forged.hash = recompute_hash(forged, HashScheme.JCS)
            await session.exec(
                update(AuditEventRow)
                .where(
                    col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq) == event.seq
                )
                .values(actor="forger", prev_hash=forged.prev_hash, hash=forged.hash)
            )
            previous = forged.hash
    verdict = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()["verdict"]
    assert (verdict["intact"], verdict["first_bad_seq"]) == (False, 1)
    assert verdict["problem"].startswith("the log was rewritten from event 1 on")
    assert "temporal records" not in verdict["problem"]
