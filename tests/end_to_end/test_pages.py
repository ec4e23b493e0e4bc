"""A change from proposal to adoption through the pages alone, tried as a new user would:
each person signs in through the OpenID provider in their own Chromium, uses only the
keyboard (no clicks), and axe checks every page they see. It includes a request-changes
loop and a refusal shown in the GOV.UK error summary.

With THROUGHLINE_SCREENSHOTS set to a folder (`make screenshots`), it also saves the
main pages as the README shows them.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import FilePayload, Locator, Page

from models.roles import Role
from tests.factories import Team
from tests.support.browser import NewPage, OidcProvider, assert_accessible, authorize_in_browser
from tests.support.live import Live

pytestmark = pytest.mark.slow
SCREENSHOTS = os.environ.get("THROUGHLINE_SCREENSHOTS")
MEASURES = [
    ("median days to decision", "30", "5", "days"),
    ("online take-up", "0", "60", "percent"),
]


@dataclass
class Person:
    """One person at their own browser."""

    page: Page
    live: Live

    async def go(self, path: str) -> None:
        await self.page.goto(f"{self.live.url}{path}")
        await assert_accessible(self.page)

    def field(self, name: str) -> Locator:
        return self.page.locator(f'[name="{name}"]')

    async def type_in(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            await self.field(name).fill(value)

    async def press(self, button: str) -> None:
        """Presses a button with the keyboard, then checks the page it leads to."""
        await self.page.get_by_role("button", name=button, exact=True).press("Enter")
        await self.page.wait_for_load_state()
        await assert_accessible(self.page)

    async def choose(self, name: str, value: str) -> None:
        await self.page.locator(f'[name="{name}"][value="{value}"]').press("Space")

    async def text(self) -> str:
        return await self.page.locator("main").inner_text()

    async def snap(self, name: str) -> None:
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240  (once, tiny)
            await self.page.screenshot(path=f"{SCREENSHOTS}/{name}.png")


SignInAs = Callable[[str], Awaitable["Person"]]


@pytest.fixture
def sign_in(live: Live, new_page: NewPage, oidc_provider: OidcProvider) -> SignInAs:
    async def signed_in(person_id: str) -> Person:
        oidc_provider.add_user(person_id, f"{person_id}@example.test", person_id)
        page = await new_page()
        await page.set_viewport_size({"width": 1100, "height": 900})
        person = Person(page=page, live=live)
        await person.go("/web/work")
        await page.get_by_role("button", name="Sign in").press("Enter")
        await authorize_in_browser(page, person_id)
        assert page.url.endswith("/web/work"), page.url
        return person

    return signed_in


async def propose(team_member: Person, team: Team) -> str:
    await team_member.go("/web/changes/new")
    await team_member.type_in(
        {
            "title": "Let people renew a blue badge online",
            "service": "Blue badge renewals",
            "intent.problem": "Renewals by post take six weeks and many applicants give up.",
            "intent.intended_outcome": "Most renewals are decided within five working days.",
            "intent.basis": "Disabled Persons (Parking Badges) Act 2013",
            "user_groups.0.name": "Badge holders renewing",
            "user_groups.1.name": "Holders without internet access",
            **{f"people.{role}": " ".join(names) for role, names in team.people().items()},
        }
    )
    await team_member.field("user_groups.1.underserved").press("Space")
    for row, (metric, baseline, target, unit) in enumerate(MEASURES):
        prefix = f"success_measures.{row}"
        await team_member.type_in(
            {
                f"{prefix}.metric": metric,
                f"{prefix}.baseline": baseline,
                f"{prefix}.target": target,
                f"{prefix}.unit": unit,
            }
        )
    await team_member.snap("propose")
    await team_member.press("Propose the change")
    assert "Change proposed" in await team_member.text()
    return team_member.page.url.rsplit("/", 1)[1]


async def submit(team_member: Person, change_id: str, summary: str) -> None:
    await team_member.go(f"/web/changes/{change_id}/submit")
    await team_member.type_in({"summary": summary})
    notes = FilePayload(name="notes.txt", mimeType="text/plain", buffer=summary.encode())
    await team_member.field("files.0.file").set_input_files(files=[notes])
    await team_member.press("Submit the work")
    assert "notes.txt" in await team_member.text()


async def open_sign_off(signer: Person, change_id: str, role: Role) -> None:
    await signer.go(f"/web/changes/{change_id}/sign-off")
    await signer.choose("role", role.value)


async def approve(signer: Person, change_id: str, role: Role) -> None:
    await open_sign_off(signer, change_id, role)
    await signer.choose("decision", "approve")
    await signer.press("Send sign-off")
    assert "Your sign-off is recorded" in await signer.text()


async def pass_stage(team_member: Person, signers: dict[Role, Person], change_id: str) -> None:
    await submit(team_member, change_id, "the work of this stage")
    for role, signer in signers.items():
        await approve(signer, change_id, role)


async def test_a_change_goes_from_proposal_to_adoption_through_the_pages(
    team: Team, sign_in: SignInAs
) -> None:
    member = await sign_in(team.proposer)
    signers = {
        role: await sign_in(team.signer(role))
        for role in (Role.POLICY, Role.DIGITAL, Role.OPERATIONS)
    }
    owner, auditor = await sign_in(team.owner), await sign_in(team.auditor)
    policy, operations = signers[Role.POLICY], signers[Role.OPERATIONS]

    change_id = await propose(member, team)
    await submit(member, change_id, "the intent, written down")
    await policy.go("/web/work")
    await policy.snap("my-work")

    # The policy lead opens the sign-off form; meanwhile operations asks for changes and the
    # team submits revision 2, so the policy lead's approval of revision 1 is refused.
    await open_sign_off(policy, change_id, Role.POLICY)
    await policy.choose("decision", "approve")
    await open_sign_off(operations, change_id, Role.OPERATIONS)
    await operations.choose("decision", "request_changes")
    await operations.type_in({"comment": "Add the call-centre impact"})
    await operations.press("Send sign-off")
    await submit(member, change_id, "the intent, with the call-centre impact")
    await policy.press("Send sign-off")
    summary = policy.page.locator(".govuk-error-summary")
    assert await summary.is_visible()
    assert "revision 1" in (await summary.inner_text()).lower()
    await policy.snap("sign-off-refused")

    for role, signer in signers.items():
        await approve(signer, change_id, role)
    for _ in ("design", "delivery"):
        await pass_stage(member, signers, change_id)
    await member.go(f"/web/changes/{change_id}/measure")
    for metric, value in [("median days to decision", "4"), ("online take-up", "61")]:
        await member.page.locator('[name="metric"]').select_option(value=metric)
        await member.type_in({"value": value})
        await member.press("Record the measurement")
        await member.go(f"/web/changes/{change_id}/measure")
    await pass_stage(member, signers, change_id)

    await owner.go(f"/web/changes/{change_id}/decide")
    await owner.choose("outcome", "adopt")
    await owner.type_in({"comment": "Take-up beat the target"})
    await owner.press("Send decision")
    assert "Your decision is recorded" in await owner.text()
    await owner.snap("change")

    await auditor.go(f"/web/changes/{change_id}/audit")
    assert "complete and unaltered" in (await auditor.text()).lower()
    await auditor.snap("audit")
    await auditor.go("/web/changes")
    await auditor.snap("changes")
