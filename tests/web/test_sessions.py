"""Page sessions: signed cookies that end when idle, end at the absolute limit however busy,
are Secure in production, and refuse forms without their token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.api.client import SECRET
from throughline.settings import Settings
from web import sessions
from web.sessions import COOKIE, CsrfRefused, PageSessions


def _app(settings: Settings) -> Starlette:
    async def sign_in(request: Request) -> PlainTextResponse:
        sessions.start(request, "policy-lead")
        return PlainTextResponse("signed in")

    async def who(request: Request) -> PlainTextResponse:
        found = sessions.signed_in(request, settings)
        return PlainTextResponse(found.person if found else "nobody")

    async def post(request: Request) -> PlainTextResponse:
        try:
            sessions.check_csrf(request, await request.form())
        except CsrfRefused as refused:
            return PlainTextResponse(refused.message, status_code=403)
        return PlainTextResponse("accepted")

    routes = [Route("/in", sign_in), Route("/who", who), Route("/form", post, methods=["POST"])]
    app = Starlette(routes=routes)
    app.add_middleware(PageSessions, settings=settings)
    return app


def _settings(**overrides: object) -> Settings:
    return Settings(token_secret=SecretStr(SECRET), **overrides)  # type: ignore[arg-type]


@pytest.fixture
async def short_idle() -> AsyncIterator[httpx.AsyncClient]:
    app = _app(_settings(session_idle_minutes=2 / 60))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


@pytest.mark.slow
async def test_a_session_in_use_lives_on_and_an_idle_one_ends(
    short_idle: httpx.AsyncClient,
) -> None:
    await short_idle.get("/in")
    for _ in range(8):  # 2.4 seconds of use, against a 2-second idle limit
        await asyncio.sleep(0.3)
        assert (await short_idle.get("/who")).text == "policy-lead"

    await asyncio.sleep(3.5)

    assert (await short_idle.get("/who")).text == "nobody"


@pytest.mark.slow
async def test_a_busy_session_still_ends_at_the_absolute_limit() -> None:
    app = _app(_settings(session_max_hours=1.5 / 3600))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        await c.get("/in")
        assert (await c.get("/who")).text == "policy-lead"
        await asyncio.sleep(2)
        assert (await c.get("/who")).text == "nobody"


async def test_the_cookie_is_http_only_and_lax_and_secure_in_production() -> None:
    for environment, secure in (("development", False), ("production", True)):
        app = _app(_settings(environment=environment))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://t"
        ) as client:
            answer = await client.get("/in")
        cookie = answer.headers["set-cookie"].lower()
        assert cookie.startswith(f"{COOKIE}=")
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert ("secure" in cookie.split("; ")) is secure


async def test_a_form_needs_the_sessions_own_token(short_idle: httpx.AsyncClient) -> None:
    await short_idle.get("/in")

    missing = await short_idle.post("/form", data={"x": "1"})
    wrong = await short_idle.post("/form", data={"csrf_token": "guessed"})

    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert "not sent from a Throughline page" in missing.text


def test_the_session_key_is_its_own_not_the_token_secret() -> None:
    key = sessions.session_secret(_settings())
    assert key != SECRET
    assert key == sessions.session_secret(_settings())
