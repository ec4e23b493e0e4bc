"""The auditor's pages: a change's audit log and the directory's history, each with its
check in plain words; and nobody else may read them, as the API allows only auditors."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import ChainVerdict
from models.bundle_check import check_bundle
from models.roles import Role
from models.tables import AuditEventRow
from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team
from tests.web.conftest import SignIn
from web.pages.audit import verdict_words


async def test_an_auditor_sees_the_verdict_in_words_and_every_event(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    log = (await api.get(team.auditor, f"/changes/{change_id}/audit")).json()
    auditor = await browse(team.auditor)

    page = await auditor.get(f"/web/changes/{change_id}/audit")

    assert page.status_code == 200
    count = len(log["events"])
    assert "The history is complete and unaltered" in page.text
    assert f"{count} events, each chained to the one before" in page.text
    assert "matching Temporal&#39;s own record of the last event" in page.text
    for event in log["events"]:
        assert event["hash"] in page.text
        assert f"Hash of event {event['seq']}, beginning" in page.text


async def test_an_edited_event_shows_where_the_history_breaks(
    api: Api, team: Team, browse: SignIn, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    await api.settled(team.proposer, change_id)
    async with sqlite_sessions() as session, session.begin():
        await session.exec(
            update(AuditEventRow)
            .where(col(AuditEventRow.change_id) == change_id, col(AuditEventRow.seq) == 3)
            .values(actor="someone-else")
        )
    auditor = await browse(team.auditor)

    page = await auditor.get(f"/web/changes/{change_id}/audit")

    assert page.status_code == 200
    assert "The history breaks at event 3" in page.text
    assert "Event 3 was altered after it was written." in page.text


async def test_an_auditor_sees_the_directorys_history(team: Team, browse: SignIn) -> None:
    auditor = await browse(team.auditor)

    page = await auditor.get("/web/directory")

    assert page.status_code == 200
    assert "The history is complete and unaltered" in page.text
    assert team.auditor in page.text


async def test_only_auditors_read_the_audit_pages(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await propose(api, team)
    for person in (team.signer(Role.POLICY), team.admin):
        browser = await browse(person)
        for path in (f"/web/changes/{change_id}/audit", "/web/directory"):
            refused = await browser.get(path)
            assert refused.status_code == 403, (person, path)
            assert "auditor role" in refused.text


def test_a_broken_chain_says_where_it_broke() -> None:
    verdict = ChainVerdict(
        change_id="c-1",
        intact=False,
        events_checked=2,
        first_bad_seq=3,
        problem="event 3 was altered after it was written",
    )

    words = verdict_words(verdict)

    assert words["heading"] == "The history breaks at event 3"
    assert words["text"] == "Event 3 was altered after it was written."


async def test_an_auditor_sees_refused_attempts_in_words_with_their_repeats(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    body = {"role": "digital", "decision": "approve", "revision": revision}
    for _ in range(2):
        refused = await api.post(team.proposer, f"/changes/{change_id}/sign-offs", body)
    auditor = await browse(team.auditor)

    page = await auditor.get(f"/web/changes/{change_id}/refusals")

    assert page.status_code == 200
    assert "The history is complete and unaltered" in page.text
    assert f"Refused sign off ({refused.json()['error']})" in page.text
    assert "Tried 1 more time." in page.text
    others = await browse(team.proposer)
    assert (await others.get(f"/web/changes/{change_id}/refusals")).status_code == 403


async def test_an_auditor_downloads_a_bundle_that_verifies(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    auditor = await browse(team.auditor)
    page = await auditor.get(f"/web/changes/{change_id}/audit")
    assert f"/web/changes/{change_id}/audit/bundle" in page.text

    download = await auditor.get(f"/web/changes/{change_id}/audit/bundle")

    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    key = (await api.http.get("/.well-known/throughline-audit-key")).json()["public_key"]
    report = check_bundle(download.json(), key)
    assert report.intact, report.problem
    proposer = await browse(team.proposer)
    refused = await proposer.get(f"/web/changes/{change_id}/audit/bundle")
    assert refused.status_code == 403
