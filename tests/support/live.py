"""The app served over a real socket, for a real browser: uvicorn in the test's own event
loop, on a free port, with single sign-on pointed at the in-process OpenID provider."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from tests.api.client import SECRET
from tests.support.browser import OidcProvider
from throughline.settings import Settings

CLIENT_ID = "throughline-pages"


@dataclass(frozen=True)
class Live:
    url: str
    app: FastAPI


async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serves an app whose lifespan has run; yields its address."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def sso_settings(task_queue: str, sqlite_url: str, oidc_provider: OidcProvider) -> Settings:
    return Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        oidc_issuer=oidc_provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=SecretStr("pages-secret"),
        oidc_person_claim="sub",
    )


@pytest.fixture
async def live(
    sso_settings: Settings,
    temporal_client: Client,
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> AsyncIterator[Live]:
    """The whole app, pages and API, on a socket, signing people in through the provider."""
    app = create_app(sso_settings, temporal=temporal_client)
    async with app.router.lifespan_context(app):
        async for url in serve(app):
            yield Live(url=url, app=app)
