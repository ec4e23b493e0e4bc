"""The provider's JWTs on the API, tried as a new user would: a token the in-process OpenID
provider issued is accepted as a bearer token, and forged, foreign or stale ones are not."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from models.errors import Unauthenticated, Unavailable
from models.roles import Role
from tests.factories import Team
from tests.support.browser import OidcProvider
from tests.support.live import CLIENT_ID
from throughline.oidc import Provider
from throughline.settings import Settings

CALLBACK = "http://127.0.0.1:9/callback"


async def id_token_for(provider: OidcProvider, sub: str, client_id: str = CLIENT_ID) -> str:
    """An ID token from the provider's own code flow, with no browser: its form is posted."""
    query = {
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "openid email profile",
        "state": "s",
        "nonce": secrets.token_hex(8),
    }
    async with httpx.AsyncClient() as http:
        url = f"{provider.issuer}/oauth2/authorize?{urlencode(query)}"
        answer = await http.post(url, data={"sub": sub})
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
        reply = await http.post(f"{provider.issuer}/oauth2/token", data=form, auth=(client_id, "x"))
    token: str = reply.raise_for_status().json()["id_token"]
    return token


@pytest.fixture
async def sso_app(
    sso_settings: Settings,
    temporal_client: Client,
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> AsyncIterator[httpx.AsyncClient]:
    """The API, set to trust the in-process provider."""
    app = create_app(sso_settings, temporal=temporal_client)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_api_accepts_the_providers_token_for_a_person_in_the_directory(
    oidc_provider: OidcProvider, team: Team, sso_app: httpx.AsyncClient
) -> None:
    lead = team.signer(Role.POLICY)
    oidc_provider.add_user(lead, f"{lead}@example.test", "Policy lead")

    answer = await sso_app.get("/me", headers=bearer(await id_token_for(oidc_provider, lead)))

    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == lead


async def test_a_token_for_another_audience_is_refused(
    oidc_provider: OidcProvider, team: Team, sso_app: httpx.AsyncClient
) -> None:
    lead = team.signer(Role.POLICY)
    oidc_provider.add_user(lead, f"{lead}@example.test", "Policy lead")
    token = await id_token_for(oidc_provider, lead, client_id="some-other-app")

    answer = await sso_app.get("/me", headers=bearer(token))

    assert answer.status_code == 401
    assert "audience" in answer.json()["detail"]


async def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    oidc_provider: OidcProvider,
) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": oidc_provider.issuer, "sub": "x", "aud": CLIENT_ID, "iat": 0, "exp": 2**40}
    forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": "not-theirs"})

    with pytest.raises(Unauthenticated, match="does not publish"):
        await Provider(oidc_provider.issuer, CLIENT_ID).verify(forged)


async def test_an_unreachable_provider_is_unavailable_not_a_crash() -> None:
    provider = Provider("http://127.0.0.1:9", CLIENT_ID)
    token = jwt.encode({"iss": provider.issuer}, "k" * 32, algorithm="HS256")

    with pytest.raises(Unavailable, match="could not be reached"):
        await provider.verify(token)
