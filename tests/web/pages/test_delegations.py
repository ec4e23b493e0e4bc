"""Delegations, tried as a role holder would: give one, see it from both ends, revoke it;
and the directory's refusal in its own words, with nothing typed lost."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from models.roles import Role
from tests.factories import Team
from tests.web.conftest import SignIn, csrf_of

REVOKE = re.compile(r'action="/web/delegations/(\d+)/revoke"')


def _day(days_from_now: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days_from_now)).date().isoformat()


async def test_a_policy_lead_gives_a_delegation_sees_it_and_revokes_it(
    team: Team, browse: SignIn
) -> None:
    lead, deputy = team.signer(Role.POLICY), team.signer(Role.POLICY, 1)
    browser = await browse(lead)
    page = await browser.get("/web/delegations")
    assert page.status_code == 200
    form = {"csrf_token": csrf_of(page), "delegate": deputy, "role": "policy"}
    given = await browser.post(
        "/web/delegations", data={**form, "ends_on": _day(10), "reason": "Annual leave"}
    )
    assert (given.status_code, given.headers["location"]) == (303, "/web/delegations")

    page = await browser.get("/web/delegations")
    assert "The delegation was given" in page.text
    assert deputy in page.text
    assert "Annual leave" in page.text
    assert "In force" in page.text
    received = await (await browse(deputy)).get("/web/delegations")
    assert lead in received.text
    assert "Delegations you received" in received.text
    assert REVOKE.search(received.text) is None  # the deputy may not revoke it

    found = REVOKE.search(page.text)
    assert found, "the delegation has no revoke button"
    revoked = await browser.post(
        f"/web/delegations/{found.group(1)}/revoke", data={"csrf_token": csrf_of(page)}
    )
    assert revoked.status_code == 303
    page = await browser.get("/web/delegations")
    assert "The delegation was revoked" in page.text
    assert "Revoked" in page.text
    assert REVOKE.search(page.text) is None


async def test_a_delegation_longer_than_ninety_days_is_refused_in_the_rules_words(
    team: Team, browse: SignIn
) -> None:
    browser = await browse(team.signer(Role.POLICY))
    page = await browser.get("/web/delegations")
    form = {
        "csrf_token": csrf_of(page),
        "delegate": team.signer(Role.POLICY, 1),
        "role": "policy",
        "ends_on": _day(120),
    }

    refused = await browser.post("/web/delegations", data=form)

    assert refused.status_code == 422
    assert "There is a problem" in refused.text
    assert "A delegation may last at most 90 days" in refused.text
    assert f'value="{_day(120)}"' in refused.text


async def test_a_form_without_a_last_day_names_the_field(team: Team, browse: SignIn) -> None:
    browser = await browse(team.signer(Role.POLICY))
    page = await browser.get("/web/delegations")
    form = {"csrf_token": csrf_of(page), "delegate": team.signer(Role.POLICY, 1)}

    refused = await browser.post("/web/delegations", data=form)

    assert refused.status_code == 400
    assert 'href="#ends_on"' in refused.text
    assert "Enter the last day" in refused.text
    assert 'href="#role"' in refused.text


async def test_a_last_day_at_the_end_of_the_calendar_is_refused_plainly(
    team: Team, browse: SignIn
) -> None:
    browser = await browse(team.signer(Role.POLICY))
    page = await browser.get("/web/delegations")
    form = {
        "csrf_token": csrf_of(page),
        "delegate": team.signer(Role.POLICY, 1),
        "role": "policy",
        "ends_on": "9999-12-31",
    }

    refused = await browser.post("/web/delegations", data=form)

    assert refused.status_code == 400
    assert 'href="#ends_on"' in refused.text
