from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from models.errors import Unauthenticated
from models.roles import Role
from tests.api.client import SECRET
from tests.factories import Team
from tests.support.browser import OidcProvider
from tests.support.live import CLIENT_ID
from throughline.oidc import Provider
from throughline.settings import Settings


async def _app(settings, temporal_client):
    app = create_app(settings, temporal=temporal_client)
    return app


@pytest.fixture
async def down_client(task_queue: str, sqlite_url: str, temporal_client: Client, worker: Worker):
    s = Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        oidc_issuer="http://127.0.0.1:9",
        oidc_client_id="x",
    )
    app = create_app(s, temporal=temporal_client)
    async with app.router.lifespan_context(app):
        t = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=t, base_url="http://t") as c:
            yield c


async def test_provider_down_pages(down_client: httpx.AsyncClient) -> None:
    r = await down_client.get("/web/sign-in/provider")
    print("DOWN provider", r.status_code, r.text[:100])
    r = await down_client.get(
        "/me",
        headers={
            "Authorization": "Bearer "
            + jwt.encode({"iss": "http://127.0.0.1:9"}, "k" * 32, algorithm="HS256")
        },
    )
    print("DOWN api", r.status_code, r.text[:200])


@pytest.fixture
async def sso_client(sso_settings: Settings, temporal_client: Client, worker: Worker):
    app = create_app(sso_settings, temporal=temporal_client)
    async with app.router.lifespan_context(app):
        t = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=t, base_url="http://t") as c:
            yield c


async def test_callback_nonce_mismatch(
    oidc_provider: OidcProvider, team: Team, sso_client: httpx.AsyncClient
) -> None:
    lead = team.signer(Role.POLICY)
    oidc_provider.add_user(lead, f"{lead}@example.test", "Lead")
    go = await sso_client.get("/web/sign-in/provider")
    print("TO PROVIDER", go.status_code, go.headers.get("location"))
    loc = go.headers["location"]
    q = {k: v[0] for k, v in parse_qs(urlsplit(loc).query).items()}
    print("PARAMS", sorted(q))
    q["nonce"] = "attacker"
    async with httpx.AsyncClient() as h:
        a = await h.post(
            f"{oidc_provider.issuer}/oauth2/authorize?{urlencode(q)}", data={"sub": lead}
        )
    back = urlsplit(a.headers["location"])
    r = await sso_client.get(f"/web/sign-in/callback?{back.query}")
    print("NONCE MISMATCH", r.status_code, r.text[:200])


async def test_callback_replay_and_error(
    oidc_provider: OidcProvider, team: Team, sso_client: httpx.AsyncClient
) -> None:
    r = await sso_client.get("/web/sign-in/callback?code=abc&state=zzz")
    print("NO SESSION", r.status_code)
    r = await sso_client.get(
        "/web/sign-in/callback?error=access_denied&error_description=%3Cb%3Ehi%3C%2Fb%3E"
    )
    print("ERROR PARAM", r.status_code, "&lt;b&gt;hi" in r.text)
    go = await sso_client.get("/web/sign-in/provider")
    q = {k: v[0] for k, v in parse_qs(urlsplit(go.headers["location"]).query).items()}
    r = await sso_client.get(f"/web/sign-in/callback?code=bogus&state={q['state']}")
    print("BOGUS CODE", r.status_code, r.text[:100])


async def test_jwt_attacks(oidc_provider: OidcProvider) -> None:
    p = Provider(oidc_provider.issuer, CLIENT_ID)
    jwks = await p._signing_keys(refresh=True)
    pub = jwks.keys[0].key
    pem = pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = {"iss": oidc_provider.issuer, "sub": "x", "aud": CLIENT_ID, "iat": 0, "exp": 2**40}
    none_tok = jwt.encode(claims, None, algorithm="none")
    for name, tok in [
        ("none", none_tok),
        (
            "none-kid",
            jwt.encode(claims, None, algorithm="none", headers={"kid": jwks.keys[0].key_id}),
        ),
    ]:
        try:
            await p.verify(tok)
            print(name, "ACCEPTED!!")
        except Unauthenticated as e:
            print(name, "refused", e.message)
    import base64
    import hashlib
    import hmac
    import json

    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=")

    h = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": jwks.keys[0].key_id}).encode())
    pl = b64(json.dumps(claims).encode())
    sig = b64(hmac.new(pem, h + b"." + pl, hashlib.sha256).digest())
    try:
        await p.verify((h + b"." + pl + b"." + sig).decode())
        print("HS256-pubkey ACCEPTED!!")
    except Unauthenticated as e:
        print("HS256-pubkey refused", e.message)
