"""The browser test fixtures work: Chromium opens a page under a strict Content-Security-Policy,
axe-core passes a tidy page and names what is wrong with an untidy one, each person gets a
context of their own, and a person signs in at the mock OpenID provider with a nonce."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from playwright.async_api import Error, Page

from tests.support.browser import NewPage, OidcProvider, assert_accessible, authorize_in_browser
from tests.support.local_http import QuietHandler, serving

CSP = "default-src 'self'; script-src 'self' 'nonce-abc'"
TIDY = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A tidy page</title></head>
<body><main>
<h1>A tidy page</h1>
<p>Nothing here breaks a rule.</p>
{extra}
<script>window.inlineRan = true;</script>
<script nonce="abc">window.nonceRan = true;</script>
</main></body>
</html>"""
PAGES = {
    "/tidy": TIDY.format(extra=""),
    "/untidy": TIDY.format(extra='<img src="/picture.png">'),
    "/callback": TIDY.format(extra="<p>Back from the provider.</p>"),
}
CLIENT_ID = "throughline-test"


class PageHandler(QuietHandler):
    """Serves PAGES as HTML under the CSP, and a 404 for anything else."""

    def do_GET(self) -> None:
        body = PAGES.get(urlsplit(self.path).path)
        content = (body or "Not found").encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serving(PageHandler, None) as base_url:
        yield base_url


@pytest.mark.slow
async def test_a_tidy_page_under_a_strict_csp_passes_axe(page: Page, site: str) -> None:
    await page.goto(f"{site}/tidy")
    # The policy is in force: the script with the nonce ran and the one without did not.
    assert await page.evaluate("[window.nonceRan, window.inlineRan === undefined]") == [True, True]
    await assert_accessible(page)
    await assert_accessible(page)


@pytest.mark.slow
async def test_an_image_without_alt_text_fails_with_the_rule_and_the_element(
    page: Page, site: str
) -> None:
    await page.goto(f"{site}/untidy")
    with pytest.raises(AssertionError) as failure:
        await assert_accessible(page)
    message = str(failure.value)
    assert f"broken on {site}/untidy" in message
    assert "- image-alt (critical): Images must have alternative text" in message
    assert "    at img" in message


@pytest.mark.slow
async def test_each_new_page_has_cookies_of_its_own(new_page: NewPage, site: str) -> None:
    first, second = await new_page(), await new_page()
    for each in (first, second):
        await each.goto(f"{site}/tidy")
    await first.evaluate("document.cookie = 'who=first'")
    assert await first.evaluate("document.cookie") == "who=first"
    assert await second.evaluate("document.cookie") == ""


@pytest.mark.slow
async def test_pages_reach_no_address_beyond_this_machine(page: Page) -> None:
    with pytest.raises(Error, match="ERR_BLOCKED_BY_CLIENT"):
        await page.goto("http://example.invalid/")


def test_the_provider_names_its_issuer(oidc_provider: OidcProvider) -> None:
    discovery = f"{oidc_provider.issuer}/.well-known/openid-configuration"
    document = httpx.get(discovery).raise_for_status().json()
    assert document["issuer"] == oidc_provider.issuer
    assert document["authorization_endpoint"] == f"{oidc_provider.issuer}/oauth2/authorize"


def _authorize_url(issuer: str, redirect_uri: str, **extra: str) -> str:
    query = {
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "openid email profile",
        "state": "the-state",
        **extra,
    }
    return f"{issuer}/oauth2/authorize?{urlencode(query)}"


def _id_token_claims(issuer: str, code: str, redirect_uri: str) -> dict[str, object]:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    reply = httpx.post(f"{issuer}/oauth2/token", data=form, auth=(CLIENT_ID, "any secret"))
    id_token = reply.raise_for_status().json()["id_token"]
    # The provider has one key and names none (no `kid`), so take the only one it publishes.
    (key,) = jwt.PyJWKSet.from_dict(httpx.get(f"{issuer}/jwks").json()).keys
    claims: dict[str, object] = jwt.decode(
        id_token, key, algorithms=["RS256"], audience=CLIENT_ID, issuer=issuer
    )
    return claims


@pytest.mark.slow
async def test_a_person_authorizes_in_the_browser_and_the_id_token_names_them(
    page: Page, site: str, oidc_provider: OidcProvider
) -> None:
    sub, nonce, callback = (
        f"person-{secrets.token_hex(4)}",
        secrets.token_hex(8),
        f"{site}/callback",
    )
    oidc_provider.add_user(sub, f"{sub}@example.gov.uk", "A policy lead")
    await page.goto(_authorize_url(oidc_provider.issuer, callback, nonce=nonce))
    await authorize_in_browser(page, sub)
    back = urlsplit(page.url)
    assert f"{back.scheme}://{back.netloc}{back.path}" == callback
    answer = parse_qs(back.query)
    assert answer["state"] == ["the-state"]
    claims = _id_token_claims(oidc_provider.issuer, answer["code"][0], callback)
    assert (claims["sub"], claims["nonce"]) == (sub, nonce)
    assert (claims["email"], claims["name"]) == (f"{sub}@example.gov.uk", "A policy lead")


@pytest.mark.slow
async def test_the_provider_refuses_a_request_without_a_nonce(
    page: Page, site: str, oidc_provider: OidcProvider
) -> None:
    await page.goto(_authorize_url(oidc_provider.issuer, f"{site}/callback"))
    answer = parse_qs(urlsplit(page.url).query)
    assert answer["error"] == ["invalid_request"]
    assert "nonce" in answer["error_description"][0]
