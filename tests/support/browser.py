"""Browser test fixtures: Debian's Chromium driven by Playwright, a fresh browser context per
person, an axe-core accessibility check, and a mock OpenID provider to sign in against.
Registered for the whole suite in tests/conftest.py.

- `browser` (session): one headless Chromium, `/usr/bin/chromium`, launched with Playwright's
  async API, because the suite's tests and fixtures share one session event loop.
  `make test` installs the Debian package; Playwright's own browser downloads are blocked
  here, so never run `playwright install`.
- `new_page()` (per test): a page in a context of its own, so two people in one test do not
  share cookies. Each context reaches loopback addresses only: the mock provider's form
  links a stylesheet on a public CDN, and no test should leave the machine.
- `page` (per test): one such page.
- `assert_accessible(page)`: runs axe-core against the WCAG 2.2 AA rules and fails with
  every violation, its impact, its help text and the selectors of the offending elements.
- `oidc_provider` (session): `oidc_provider_mock` on a free port, requiring a nonce, with
  `issuer` and `add_user(sub, email, name)`.

The provider's authorization form (GET `{issuer}/oauth2/authorize?...`) has one text input,
`<input name="sub" placeholder="sub">`, and a submit button labelled "Authorize" that has no
name of its own. A second form holds `<button name="action" value="deny">Deny</button>`, and
people authorized before appear as extra buttons `name="sub" value="<their sub>"`. So
`authorize_in_browser(page, sub)` fills the input named `sub` and clicks the button whose
accessible name is exactly "Authorize". An authorization request without a `nonce` is refused
before the form shows: the provider redirects back with `error=invalid_request`.

The provider names its issuer after the Host header it is reached by, in discovery and in
the ID token's `iss` alike: reach it as `http://localhost:{port}`, never `127.0.0.1`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, Route, async_playwright

ROOT = Path(__file__).parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map(n => n.target.flat(Infinity).join(' >> ')),
    }));
}"""
"""Only the parts of axe's result the message needs: the whole result is large."""

NewPage = Callable[..., Awaitable[Page]]
"""`await new_page()`, or `await new_page(javascript=False)` for a browser without it."""


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole run."""
    executable = _chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


def _chromium() -> Path:
    """Debian's chromium, or a failure that says how to get it: never a skip, which would
    let a machine without it pass every browser test unseen."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    return CHROMIUM


@pytest.fixture
async def new_page(browser: Browser) -> AsyncIterator[NewPage]:
    """Open pages with `await new_page()`, each in a context of its own, closed after the test."""
    async with AsyncExitStack() as contexts:

        async def open_page(javascript: bool = True) -> Page:
            context = await browser.new_context(java_script_enabled=javascript)
            contexts.push_async_callback(context.close)
            await context.route("**/*", _loopback_only)
            return await context.new_page()

        yield open_page


@pytest.fixture
async def page(new_page: NewPage) -> Page:
    """A page in a fresh browser context."""
    return await new_page()


async def _loopback_only(route: Route) -> None:
    if _is_loopback(route.request.url):
        await route.continue_()
    else:
        await route.abort("blockedbyclient")


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def assert_accessible(page: Page) -> None:
    """Fail with every WCAG 2.2 AA violation axe-core finds on the page as it is now."""
    # add_script_tag would insert an inline script, which the pages' nonce-based
    # Content-Security-Policy blocks; evaluate runs through the debugging protocol, outside it.
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(_axe_source())
    violations = cast(list[dict[str, Any]], await page.evaluate(RUN_AXE, WCAG_TAGS))
    if violations:
        raise AssertionError(_describe(page.url, violations))


@cache
def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install`, which runs npm ci")
    return AXE.read_text()


def _describe(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility rule(s) broken on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    at {target}" for target in violation["targets"])
    return "\n".join(lines)


@dataclass(frozen=True)
class OidcProvider:
    """The running mock provider: where it is, and the people it knows."""

    issuer: str

    def add_user(self, sub: str, email: str, name: str) -> None:
        """Give the provider the claims it reports for `sub` once that person authorizes."""
        response = httpx.put(
            f"{self.issuer}/users/{quote(sub, safe='')}", json={"email": email, "name": name}
        )
        response.raise_for_status()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """A mock OpenID provider on a free local port that requires a nonce."""
    # Imported here, not at the top: it brings Flask and authlib, half a second of every
    # run's start and a few deprecation warnings, which most runs never need.
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        yield OidcProvider(issuer=f"http://localhost:{int(server.server_port)}")


async def authorize_in_browser(page: Page, sub: str) -> None:
    """On the provider's authorization form, authorize as `sub`; return once the browser
    has been sent back and has loaded the page it was sent to."""
    form = urlsplit(page.url)
    await page.locator('input[name="sub"]').fill(sub)
    await page.get_by_role("button", name="Authorize", exact=True).click()
    await page.wait_for_url(lambda url: urlsplit(url)[:2] != form[:2])
