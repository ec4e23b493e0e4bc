"""Signing in, tried as a new user would: through the OpenID provider in a real browser,
and with one-time links on a development stack."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Page

from api.deps import Resources
from models.roles import Role
from tests.factories import Team
from tests.support.browser import NewPage, OidcProvider, assert_accessible, authorize_in_browser
from tests.support.live import Live
from tests.web.conftest import csrf_of, sign_in_with_link

pytestmark = pytest.mark.slow


async def _sign_in_through_provider(page: Page, live: Live, sub: str) -> None:
    await page.goto(f"{live.url}/web/work")
    await page.get_by_role("button", name="Sign in").press("Enter")
    await authorize_in_browser(page, sub)


async def test_a_policy_lead_signs_in_through_the_provider_and_sees_their_work(
    live: Live, team: Team, oidc_provider: OidcProvider, new_page: NewPage
) -> None:
    lead = team.signer(Role.POLICY)
    oidc_provider.add_user(lead, f"{lead}@example.test", "Policy lead")
    page = await new_page()

    await page.goto(f"{live.url}/web/work")
    assert "/web/sign-in" in page.url
    await assert_accessible(page)
    await page.get_by_role("button", name="Sign in").press("Enter")
    await authorize_in_browser(page, lead)

    assert page.url == f"{live.url}/web/work"
    assert await page.get_by_role("heading", name="My work").is_visible()
    await assert_accessible(page)
    cookie = next(c for c in await page.context.cookies() if c["name"] == "throughline_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"


async def test_someone_the_directory_does_not_know_is_not_let_in(
    live: Live,
    team: Team,  # noqa: ARG001  (a directory with people in it, the stranger not among them)
    oidc_provider: OidcProvider,
    new_page: NewPage,
) -> None:
    oidc_provider.add_user("stranger", "stranger@example.test", "Stranger")
    page = await new_page()

    await _sign_in_through_provider(page, live, "stranger")

    assert "is not active in the directory" in await page.locator("main").inner_text()
    await page.goto(f"{live.url}/web/work")
    assert "/web/sign-in" in page.url


async def test_signing_out_ends_the_session(
    live: Live, team: Team, oidc_provider: OidcProvider, new_page: NewPage
) -> None:
    owner = team.owner
    oidc_provider.add_user(owner, f"{owner}@example.test", "Service owner")
    page = await new_page()
    await _sign_in_through_provider(page, live, owner)

    await page.get_by_role("button", name="Sign out").press("Enter")

    assert "You have signed out." in await page.locator("main").inner_text()
    await page.goto(f"{live.url}/web/work")
    assert "/web/sign-in" in page.url


async def test_a_one_time_link_works_once(
    app: FastAPI, http: httpx.AsyncClient, team: Team
) -> None:
    resources: Resources = app.state.resources
    link = await resources.services.sign_in.link_for(team.auditor)

    first = await sign_in_with_link(http, link)
    assert first.status_code == 303
    assert first.headers["location"] == "/web/work"

    http.cookies.clear()
    again = await sign_in_with_link(http, link)
    assert again.status_code == 401
    assert "has been used, has expired or is not valid" in again.text


async def test_after_signing_in_a_person_returns_to_the_page_they_asked_for(
    app: FastAPI, http: httpx.AsyncClient, team: Team
) -> None:
    resources: Resources = app.state.resources
    asked = await http.get("/web/changes?status=active")
    assert asked.status_code == 303
    await http.get(asked.headers["location"])

    back = await sign_in_with_link(http, await resources.services.sign_in.link_for(team.auditor))

    assert back.headers["location"] == "/web/changes?status=active"


async def test_a_return_address_off_the_site_is_ignored(
    app: FastAPI, http: httpx.AsyncClient, team: Team
) -> None:
    resources: Resources = app.state.resources
    await http.get("/web/sign-in?next=//evil.example/web/work")

    back = await sign_in_with_link(http, await resources.services.sign_in.link_for(team.auditor))

    assert back.headers["location"] == "/web/work"


async def test_a_form_without_its_token_is_refused(http: httpx.AsyncClient) -> None:
    page = await http.get("/web/sign-in/link?token=whatever")
    assert csrf_of(page)

    refused = await http.post("/web/sign-in/link", data={"token": "whatever"})

    assert refused.status_code == 403
    assert "not sent from a Throughline page" in refused.text


async def test_a_copy_of_the_cookie_is_refused_after_signing_out(
    app: FastAPI, http: httpx.AsyncClient, team: Team
) -> None:
    resources: Resources = app.state.resources
    await sign_in_with_link(http, await resources.services.sign_in.link_for(team.auditor))
    copied = dict(http.cookies)
    token = csrf_of(await http.get("/web/work"))

    signed_out = await http.post("/web/sign-out", data={"csrf_token": token})
    http.cookies.clear()
    http.cookies.update(copied)
    again = await http.get("/web/work")

    assert signed_out.status_code == 303
    assert again.status_code == 303
    assert again.headers["location"].startswith("/web/sign-in")
    notice = await http.get(again.headers["location"])
    assert "you signed out of this session" in notice.text
