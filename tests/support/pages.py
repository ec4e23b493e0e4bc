"""People at their own browsers, signed in through the OpenID provider, for tests that
drive the pages as people would: with the keyboard, each page checked by axe."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page

from tests.factories import Team
from tests.support.browser import NewPage, OidcProvider, assert_accessible, authorize_in_browser
from tests.support.live import Live

SCREENSHOTS = os.environ.get("THROUGHLINE_SCREENSHOTS")
"""A folder to save pictures of pages in (`make screenshots`); none are saved when unset."""
MEASURES = [
    ("median days to decision", "30", "5", "days"),
    ("online take-up", "0", "60", "percent"),
]


@dataclass
class Person:
    """One person at their own browser."""

    page: Page
    live: Live
    javascript: bool = True

    async def go(self, path: str) -> None:
        await self.page.goto(f"{self.live.url}{path}")
        await self.check()

    async def check(self) -> None:
        """axe on the page shown; it needs JavaScript, so a browser without it skips this."""
        if self.javascript:
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
        await self.check()

    async def choose(self, name: str, value: str) -> None:
        await self.page.locator(f'[name="{name}"][value="{value}"]').press("Space")

    async def text(self) -> str:
        return await self.page.locator("main").inner_text()

    async def snap(self, name: str) -> None:
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240  (once, tiny)
            await self.page.screenshot(path=f"{SCREENSHOTS}/{name}.png")


SignInAs = Callable[..., Awaitable["Person"]]
"""`await sign_in(person_id)`, or `sign_in(person_id, javascript=False)`."""


@pytest.fixture
def sign_in(live: Live, new_page: NewPage, oidc_provider: OidcProvider) -> SignInAs:
    async def signed_in(person_id: str, javascript: bool = True) -> Person:
        oidc_provider.add_user(person_id, f"{person_id}@example.test", person_id)
        page = await new_page(javascript=javascript)
        await page.set_viewport_size({"width": 1100, "height": 900})
        person = Person(page=page, live=live, javascript=javascript)
        await person.go("/web/work")
        await page.get_by_role("button", name="Sign in").press("Enter")
        await authorize_in_browser(page, person_id)
        assert page.url.endswith("/web/work"), page.url
        return person

    return signed_in


async def propose(
    team_member: Person, team: Team, title: str = "Let people renew a blue badge online"
) -> str:
    """Proposes a change through the intake form; gives its id."""
    await team_member.go("/web/changes/new")
    await team_member.type_in(
        {
            "title": title,
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
