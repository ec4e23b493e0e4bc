"""The admin's pages, tried as an admin would: add a person, grant a role, deactivate
someone (whose page session ends there and then), end a person's sessions; and the last
admin keeps the role, refused in the rule's own words."""

from __future__ import annotations

import httpx

from models.roles import Role
from tests.factories import Team
from tests.web.conftest import SignIn, csrf_of


async def _press(admin: httpx.AsyncClient, person: str, action: str) -> httpx.Response:
    """Opens the person's page and presses one of its buttons."""
    page = await admin.get(f"/web/people/{person}")
    assert page.status_code == 200, page.text
    return await admin.post(f"/web/people/{person}/{action}", data={"csrf_token": csrf_of(page)})


async def test_an_admin_adds_a_person_with_a_role(team: Team, browse: SignIn) -> None:
    admin = await browse(team.admin)
    page = await admin.get("/web/people")
    assert team.signer(Role.POLICY) in page.text
    new = f"new-{team.suffix}"
    form = {"csrf_token": csrf_of(page), "name": "New person", "id": new, "roles.0": "policy"}

    added = await admin.post("/web/people", data=form)

    assert (added.status_code, added.headers["location"]) == (303, "/web/people")
    page = await admin.get("/web/people")
    assert "The person was added" in page.text
    assert f'href="/web/people/{new}"' in page.text


async def test_an_admin_grants_a_role_and_deactivates_a_person(team: Team, browse: SignIn) -> None:
    admin, person = await browse(team.admin), team.signer(Role.POLICY)

    granted = await _press(admin, person, "roles/digital/grant")
    assert (granted.status_code, granted.headers["location"]) == (303, f"/web/people/{person}")
    page = await admin.get(f"/web/people/{person}")
    assert f"{person} now holds the digital role" in page.text
    assert f'action="/web/people/{person}/roles/digital/revoke"' in page.text

    deactivated = await _press(admin, person, "status/deactivate")
    assert deactivated.status_code == 303
    page = await admin.get(f"/web/people/{person}")
    assert "Deactivated" in page.text
    assert f'action="/web/people/{person}/status/reactivate"' in page.text


async def test_a_deactivated_persons_session_ends(team: Team, browse: SignIn) -> None:
    person = team.signer(Role.POLICY)
    browser, admin = await browse(person), await browse(team.admin)
    assert (await browser.get("/web/work")).status_code == 200

    assert (await _press(admin, person, "status/deactivate")).status_code == 303

    ended = await browser.get("/web/work")
    assert ended.status_code == 303
    assert ended.headers["location"].startswith("/web/sign-in")


async def test_ending_a_persons_sessions_signs_them_out(team: Team, browse: SignIn) -> None:
    person = team.signer(Role.DIGITAL)
    browser, admin = await browse(person), await browse(team.admin)

    assert (await _press(admin, person, "tokens/revoke")).status_code == 303

    ended = await browser.get("/web/work")
    assert (ended.status_code, ended.headers["location"].startswith("/web/sign-in")) == (303, True)


async def test_the_last_admin_keeps_the_role(team: Team, browse: SignIn) -> None:
    admin = await browse(team.admin)

    refused = await _press(admin, team.admin, "roles/admin/revoke")

    assert refused.status_code == 409
    assert "There is a problem" in refused.text
    assert 'href="#roles-admin"' in refused.text
    assert "is the last active admin and cannot" in refused.text


async def test_only_admins_see_people(team: Team, browse: SignIn) -> None:
    auditor = await browse(team.auditor)
    assert (await auditor.get("/web/people")).status_code == 403
    assert (await auditor.get(f"/web/people/{team.admin}")).status_code == 403
