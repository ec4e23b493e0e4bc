"""The audit service a page at a time: a filter gives a page and where the next starts,
no filter gives the whole log as before, and the verdict, read in chunks, is always the
whole log's, anchored to Temporal: throughline/services/audit.py."""

from __future__ import annotations

from fastapi import FastAPI

from models.read.audit_pages import EventFilter
from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team
from throughline.services.audit import AuditService


def _audit(app: FastAPI) -> AuditService:
    service: AuditService = app.state.resources.services.audit
    return service


async def test_a_filter_gives_a_page_and_no_filter_the_whole_log(
    app: FastAPI, api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    await api.settled(team.proposer, change_id)
    audit = _audit(app)

    whole = await audit.change_log(change_id)
    page = await audit.change_log(change_id, EventFilter(limit=2, after=1))

    assert whole.next_after is None
    assert [e.seq for e in whole.events] == [1, 2, 3, 4]
    assert [e.seq for e in page.events] == [2, 3]
    assert page.next_after == 3
    assert page.verdict == whole.verdict
    assert (whole.verdict.intact, whole.verdict.anchored_to) == (True, "temporal")
    assert (whole.verdict.events_checked, whole.verdict.head_hash) == (4, whole.events[-1].hash)


async def test_refusals_page_through_the_service_too(app: FastAPI, api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    for role in ("digital", "policy"):
        body = {"role": role, "decision": "approve", "revision": revision}
        assert (await api.post(team.proposer, f"/changes/{change_id}/sign-offs", body)).is_error
    audit = _audit(app)

    whole = await audit.refusals(change_id)
    first = await audit.refusals(change_id, EventFilter(limit=1))

    assert [e.seq for e in whole.refusals] == [1, 2]
    assert ([e.seq for e in first.refusals], first.next_after) == ([1], 1)
    assert first.verdict == whole.verdict
    assert whole.verdict.events_checked == 2
