"""Long logs a page at a time over HTTP: the audit log, the refusals and the timeline
follow `next_after` from page to page, filter by actor, role, kind and time, refuse bad
paging with a 422 that names the parameter, and always carry the whole log's verdict:
api/routes/changes.py."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.roles import Role
from models.tables import AuditEventRow
from tests.api.client import Api
from tests.api.flows import intake_body, propose, submit
from tests.factories import Team


async def _every_page(
    api: Api, person: str, path: str, items: str, **params: Any
) -> list[dict[str, Any]]:
    """Each page in turn, following next_after as a client does."""
    pages: list[dict[str, Any]] = []
    after = 0
    while after is not None:
        response = await api.get(person, path, after=after, **params)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        after = pages[-1]["next_after"]
        assert after is None or after == pages[-1][items][-1]["seq"]
    return pages


async def test_the_audit_log_pages_through_every_event_with_the_whole_verdict(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    path = f"/changes/{change_id}/audit"
    whole = (await api.get(team.auditor, path)).json()

    pages = await _every_page(api, team.auditor, path, "events", limit=3)

    count = len(whole["events"])
    assert count == 4
    assert whole["next_after"] is None
    assert [len(page["events"]) for page in pages] == [3, 1]
    assert [e for page in pages for e in page["events"]] == whole["events"]
    assert all(page["verdict"] == whole["verdict"] for page in pages)
    assert whole["verdict"]["events_checked"] == count


async def test_the_verdict_covers_events_on_no_page_shown(
    api: Api, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    await api.settled(team.proposer, change_id)
    async with sqlite_sessions() as session, session.begin():
        await session.exec(
            update(AuditEventRow)
            .where(col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq) == 4)
            .values(actor="someone-else")
        )

    page = (await api.get(team.auditor, f"/changes/{change_id}/audit", limit=2)).json()

    assert [e["seq"] for e in page["events"]] == [1, 2]
    assert (page["verdict"]["intact"], page["verdict"]["first_bad_seq"]) == (False, 4)


async def test_filters_pick_events_by_kind_actor_role_and_time(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    path = f"/changes/{change_id}/audit"
    events = (await api.get(team.auditor, path)).json()["events"]
    middle = events[len(events) // 2]["at"]

    def seqs(response: Any) -> list[int]:
        assert response.status_code == 200, response.text
        return [e["seq"] for e in response.json()["events"]]

    kinds = await api.get(team.auditor, path, kind=["change_created", "work_submitted"])
    actor = await api.get(team.auditor, path, actor=team.proposer, role="digital")
    since = await api.get(team.auditor, path, since=middle)
    until = await api.get(team.auditor, path, until=middle)

    wanted = {"change_created", "work_submitted"}
    assert seqs(kinds) == [e["seq"] for e in events if e["kind"] in wanted]
    by_proposer = [
        e["seq"] for e in events if e["actor"] == team.proposer and e["role"] == "digital"
    ]
    assert seqs(actor) == by_proposer
    assert by_proposer
    assert seqs(since) == [e["seq"] for e in events if e["at"] >= middle]
    assert seqs(until) == [e["seq"] for e in events if e["at"] < middle]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"since": "2026-03-02T09:00:00"}, "query.since"),
        ({"until": "next tuesday"}, "query.until"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 1001}, "query.limit"),
        ({"after": -1}, "query.after"),
        ({"kind": "Not A Kind"}, "query.kind"),
    ],
)
async def test_bad_paging_is_a_422_naming_the_parameter(
    api: Api, team: Team, params: dict[str, Any], named: str
) -> None:
    change_id = await propose(api, team)
    for route in ("audit", "refusals", "timeline"):
        response = await api.get(team.auditor, f"/changes/{change_id}/{route}", **params)
        assert response.status_code == 422, (route, response.text)
        assert response.json()["error"] == "invalid_request"
        assert response.json()["detail"].startswith(named), response.text


async def test_the_refusals_page_with_their_repeats_and_the_whole_verdict(
    api: Api, team: Team
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    for role in ("digital", "policy", "operations"):
        body = {"role": role, "decision": "approve", "revision": revision}
        for _ in range(2):
            refused = await api.post(team.proposer, f"/changes/{change_id}/sign-offs", body)
            assert refused.status_code == 403, refused.text
    path = f"/changes/{change_id}/refusals"

    pages = await _every_page(api, team.auditor, path, "refusals", limit=2)
    by_role = await api.get(team.auditor, path, role="policy")

    assert [[e["seq"] for e in page["refusals"]] for page in pages] == [[1, 2], [3]]
    assert [page["repeats"] for page in pages] == [{"1": 1, "2": 1}, {"3": 1}]
    assert all(page["verdict"]["events_checked"] == 3 for page in pages)
    assert [e["role"] for e in by_role.json()["refusals"]] == ["policy"]


async def test_the_timeline_pages_its_events_and_keeps_every_handoff(api: Api, team: Team) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    path = f"/changes/{change_id}/timeline"
    whole = (await api.get(team.signer(Role.POLICY), path)).json()

    pages = await _every_page(api, team.signer(Role.POLICY), path, "events", limit=3)
    handoffs = await api.get(team.signer(Role.POLICY), path, kind="handoff")

    assert [e for page in pages for e in page["events"]] == whole["events"]
    parties = [(h["seq"], h["from_party"], h["to_party"]) for h in whole["handoffs"]]
    for page in pages:
        assert [(h["seq"], h["from_party"], h["to_party"]) for h in page["handoffs"]] == parties
    assert {e["kind"] for e in handoffs.json()["events"]} == {"handoff"}


async def test_the_list_pages_by_cursor_and_counts_only_when_asked(api: Api, team: Team) -> None:
    """Tried as a new user would: follow next_cursor to the end, as from the first page."""
    service = f"Cursor paging {team.suffix}"
    made = [await propose_for(api, team, service) for _ in range(5)]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"service": service, "order": "oldest", "limit": 2}
        response = await api.get(team.auditor, "/changes", **params, **_cursor(cursor))
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] is None
        seen += [item["change_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    counted = (await api.get(team.auditor, "/changes", service=service, count="true")).json()
    assert counted["total"] == 5


def _cursor(cursor: str | None) -> dict[str, str]:
    return {"cursor": cursor} if cursor else {}


async def propose_for(api: Api, team: Team, service: str) -> str:
    body = intake_body(team, service=service)
    response = await api.post(team.proposer, "/changes", body)
    assert response.status_code == 201, response.text
    change_id: str = response.json()["change_id"]
    return change_id


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"cursor": "bm90LWpzb24"}, "cursor"),
        ({"cursor": "has spaces"}, "cursor"),
        ({"cursor": "x" * 3000}, "cursor"),
        ({"cursor": "bm90LWpzb24", "offset": "3"}, "cursor"),
        ({"count": "perhaps"}, "count"),
    ],
)
async def test_a_bad_cursor_or_count_is_a_422_that_names_it(
    api: Api, team: Team, params: dict[str, str], named: str
) -> None:
    response = await api.get(team.auditor, "/changes", **params)
    assert response.status_code == 422, response.text
    assert named in response.text


async def test_the_audit_log_of_no_change_is_a_404(api: Api, team: Team) -> None:
    """Temporal is asked for the change's head while the read model is read; the read
    model's answer, that there is no such change, is the one given."""
    response = await api.get(team.auditor, "/changes/no-such-change/audit")
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "change_not_found"
