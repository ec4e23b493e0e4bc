"""The record-an-assessment page, as the lead assessor uses it on the GOV.UK service
phases: every point rated at a first sitting, only the red ones at a reassessment,
actions for amber points, and each refusal shown in the rule's own words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.datastructures import FormData

from tests.api.client import Api
from tests.api.flows import approve_all, propose, submit
from tests.api.phases import propose_phases, seat_panel
from tests.factories import Team
from tests.web.conftest import SignIn, csrf_of
from throughline.services.directory import DirectoryService
from web.forms import FormProblems
from web.pages.assess import read_assessment

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
DUE = (datetime.now(UTC) + timedelta(days=30)).date()


@pytest.fixture
async def panel(team: Team, directory_service: DirectoryService) -> list[str]:
    return await seat_panel(directory_service, team)


async def _at_alpha(api: Api, team: Team, panel: list[str]) -> str:
    change_id = await propose_phases(api, team, panel)
    await approve_all(api, team, change_id, await submit(api, team, change_id, "discovery"))
    await submit(api, team, change_id, "alpha prototypes")
    return change_id


def _rated(
    points: list[int], red: tuple[int, ...] = (), amber: tuple[int, ...] = ()
) -> dict[str, str]:
    """The rating fields as the form names them: each point in the order shown."""
    fields = {}
    for index, point in enumerate(points):
        rating = "red" if point in red else "amber" if point in amber else "green"
        fields[f"ratings.{index}.rating"] = rating
        fields[f"ratings.{index}.comment"] = f"Point {point}: {rating} because."
    return fields


async def _post(client: httpx.AsyncClient, change_id: str, data: dict[str, str]) -> httpx.Response:
    """Sends the form as shown, with its hidden fields, and the fields given."""
    path = f"/web/changes/{change_id}/assess"
    page = await client.get(path)
    assert page.status_code == 200, page.text
    hidden = dict(_hidden(page.text))
    return await client.post(path, data={**hidden, "csrf_token": csrf_of(page), **data})


def _hidden(html: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = HIDDEN.findall(html)
    return found


async def _view(api: Api, team: Team, change_id: str) -> dict[str, Any]:
    view: dict[str, Any] = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    return view


async def test_a_red_point_sends_the_work_back_and_only_it_is_rated_again(
    api: Api, team: Team, browse: SignIn, panel: list[str]
) -> None:
    change_id = await _at_alpha(api, team, panel)
    lead = await browse(panel[0])
    action = {
        "actions.0.point": "2",
        "actions.0.description": "Map the whole journey",
        "actions.0.owner": team.proposer,
        "actions.0.due.day": str(DUE.day),
        "actions.0.due.month": str(DUE.month),
        "actions.0.due.year": str(DUE.year),
    }
    first = {**_rated(list(range(1, 15)), red=(1,), amber=(2,)), **action, "summary": "Go on"}

    failed = await _post(lead, change_id, first)

    assert failed.status_code == 303, failed.text
    assert failed.headers["location"] == f"/web/changes/{change_id}/assessments"
    view = await _view(api, team, change_id)
    assert (view["stage"], view["gate"]["status"]) == ("alpha", "changes_requested")
    [raised] = view["conditions"]
    assert raised["description"].endswith(": Map the whole journey")
    assert (raised["owner"], raised["due"]) == (team.proposer, DUE.isoformat())

    await submit(api, team, change_id, "alpha with paper research")
    again = await lead.get(f"/web/changes/{change_id}/assess")
    assert "rate only the points that were red" in again.text
    assert 'name="ratings.0.point" value="1"' in again.text
    assert 'name="ratings.1.point"' not in again.text
    met = await _post(lead, change_id, _rated([1]))
    assert met.status_code == 303, met.text
    assert (await _view(api, team, change_id))["stage"] == "private_beta"


async def test_missing_ratings_and_reasons_show_by_their_points(
    api: Api, team: Team, browse: SignIn, panel: list[str]
) -> None:
    change_id = await _at_alpha(api, team, panel)
    lead = await browse(panel[0])
    data = _rated(list(range(1, 15)))
    del data["ratings.2.rating"], data["ratings.4.comment"]
    data["actions.1.description"] = "Test with screen readers"
    data["actions.1.due.day"] = "31"
    data["actions.1.due.month"] = "2"

    sent = await _post(lead, change_id, data)

    assert sent.status_code == 400
    assert '<a href="#ratings-2-rating">Select a rating for point 3</a>' in sent.text
    assert 'id="ratings-2-rating-error"' in sent.text
    assert '<a href="#ratings-4-comment">Enter the reasons for point 5</a>' in sent.text
    assert '<a href="#actions-1-point">Select the point action 2 answers</a>' in sent.text
    assert '<a href="#actions-1-owner">Enter the owner of action 2</a>' in sent.text
    assert '<a href="#actions-1-due">The due date of action 2 must be a real date' in sent.text
    assert 'id="actions-1-due-date-error"' in sent.text
    assert "Test with screen readers" in sent.text
    assert "Point 1: green because." in sent.text
    assert (await _view(api, team, change_id))["gate"]["status"] == "in_review"


async def test_an_amber_point_without_an_action_is_refused_in_the_rules_words(
    api: Api, team: Team, browse: SignIn, panel: list[str]
) -> None:
    change_id = await _at_alpha(api, team, panel)
    lead = await browse(panel[0])

    sent = await _post(lead, change_id, _rated(list(range(1, 15)), amber=(5,)))

    assert sent.status_code == 422
    message = "Each amber point needs at least one action with an owner and a due date"
    assert f'<a href="#assessment">{message}; none for: 5</a>' in sent.text
    assert 'id="assessment-error"' in sent.text
    assert 'name="ratings.4.rating" type="radio" value="amber" checked' in sent.text


async def test_only_the_lead_assessor_records_the_assessment(
    api: Api, team: Team, browse: SignIn, panel: list[str]
) -> None:
    change_id = await _at_alpha(api, team, panel)

    refused = await _post(await browse(panel[1]), change_id, _rated(list(range(1, 15))))

    assert refused.status_code == 403
    assert f"Only the lead assessor, {panel[0]}, records the panel" in refused.text
    proposer = await browse(team.proposer)
    assert (await proposer.get(f"/web/changes/{change_id}/assess")).status_code == 403
    change = await (await browse(panel[0])).get(f"/web/changes/{change_id}")
    assert f'href="/web/changes/{change_id}/assess"' in change.text


async def test_a_gate_people_sign_off_has_nothing_to_assess(
    api: Api, team: Team, browse: SignIn, panel: list[str]
) -> None:
    change_id = await propose(api, team)

    page = await (await browse(panel[0])).get(f"/web/changes/{change_id}/assess")

    assert page.status_code == 200, page.text
    assert "There is nothing to assess now: the change is at intent agreed" in page.text
    assert 'name="ratings.0.rating"' not in page.text


def test_action_rows_left_empty_are_dropped_and_a_problem_shows_on_its_own_row() -> None:
    form = FormData(
        [
            ("revision", "2"),
            ("ratings.0.point", "4"),
            ("ratings.0.rating", "amber"),
            ("ratings.0.comment", "Hard to use"),
            ("actions.2.point", "4"),
            ("actions.2.description", "Simplify the form"),
            ("actions.2.owner", "dev"),
            ("actions.2.due.day", "1"),
            ("actions.2.due.month", "4"),
            ("actions.2.due.year", "2031"),
        ]
    )
    values = {
        "revision": "2",
        "ratings": [{"point": "4", "rating": "amber", "comment": "Hard to use"}],
    }
    body = read_assessment(form, values)
    assert [(a.point, a.owner, a.due.isoformat()) for a in body.actions] == [
        (4, "dev", "2031-04-01")
    ]

    bad = FormData([*form.multi_items()[:-1], ("actions.2.due.year", "20x1")])
    with pytest.raises(FormProblems) as invalid:
        read_assessment(bad, values)
    assert list(invalid.value.problems.by_field) == ["actions.2.due"]
