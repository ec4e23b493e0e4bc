"""The assessment reports page: read like a published service assessment report, by
anyone signed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.client import Api
from tests.api.flows import approve_all, propose, submit
from tests.api.phases import assess, propose_phases, ratings, seat_panel
from tests.factories import Team
from tests.web.conftest import SignIn
from throughline.services.directory import DirectoryService


async def test_a_failed_alpha_reads_as_a_report_with_each_point_and_the_actions(
    api: Api, team: Team, browse: SignIn, directory_service: DirectoryService
) -> None:
    panel = await seat_panel(directory_service, team)
    change_id = await propose_phases(api, team, panel)
    await approve_all(api, team, change_id, await submit(api, team, change_id, "discovery"))
    alpha = await submit(api, team, change_id, "alpha")
    due = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    action = {
        "point": 4,
        "description": "Test the form with screen readers",
        "owner": team.proposer,
        "due": due,
    }
    body = {"revision": alpha, "ratings": ratings(red=(9,), amber=(4,)), "actions": [action]}
    assert (await assess(api, panel[0], change_id, body)).status_code == 200
    reader = await browse(team.auditor)

    page = await reader.get(f"/web/changes/{change_id}/assessments")

    assert page.status_code == 200
    assert "Alpha assessment" in page.text
    assert "Not met" in page.text
    assert "9. Create a secure service which protects users&#39; privacy" in page.text
    assert "Point 9: red because." in page.text
    assert "Test the form with screen readers" in page.text
    assert panel[0] in page.text


async def test_a_change_with_no_assessment_says_so(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await propose(api, team)
    page = await (await browse(team.proposer)).get(f"/web/changes/{change_id}/assessments")
    assert "No assessment has been held on this change yet." in page.text
