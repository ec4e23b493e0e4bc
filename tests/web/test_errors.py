"""How pages answer what goes wrong, tried as a new user would: a form too large is a 413
page, the bare address leads to the pages, and a provider that cannot be reached is a 503
page, never a crash."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from models.roles import Role
from tests.api.client import SECRET
from tests.factories import Team
from tests.web.conftest import SignIn, csrf_of
from throughline.settings import Settings


async def test_a_form_over_the_limit_is_a_page_that_says_so(team: Team, browse: SignIn) -> None:
    lead = await browse(team.signer(Role.POLICY))
    token = csrf_of(await lead.get("/web/delegations"))

    boundary = "throughline-test-boundary"

    async def body() -> AsyncIterator[bytes]:
        """A file of 21 MiB, streamed, so no length is declared up front."""
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="files.0.file"; '
            'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        for _ in range(21):
            yield b"a" * (1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    refused = await lead.post(
        "/web/delegations",
        content=body(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )

    assert refused.status_code == 413
    assert "over the 20 MiB limit" in refused.text


async def test_the_bare_addresses_lead_to_my_work(http: httpx.AsyncClient) -> None:
    for path in ("/", "/web/"):
        answer = await http.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/web/work")


async def test_signing_out_twice_just_signs_out(team: Team, browse: SignIn) -> None:
    lead = await browse(team.signer(Role.POLICY))
    token = csrf_of(await lead.get("/web/work"))
    await lead.post("/web/sign-out", data={"csrf_token": token})

    again = await lead.post("/web/sign-out", data={"csrf_token": token})

    assert (again.status_code, again.headers["location"]) == (303, "/web/sign-in")


@pytest.fixture
async def unreachable_provider(
    task_queue: str,
    sqlite_url: str,
    temporal_client: Client,
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        task_queue=task_queue,
        database_url=sqlite_url,
        token_secret=SecretStr(SECRET),
        oidc_issuer="http://127.0.0.1:9",
        oidc_client_id="throughline",
    )
    app = create_app(settings, temporal=temporal_client)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


async def test_a_provider_that_cannot_be_reached_is_a_page_not_a_crash(
    unreachable_provider: httpx.AsyncClient,
) -> None:
    answer = await unreachable_provider.get("/web/sign-in/provider")

    assert answer.status_code == 503
    assert "could not be reached" in answer.text


async def test_a_form_declared_over_the_limit_is_refused_with_a_page(
    http: httpx.AsyncClient,
) -> None:
    refused = await http.post(
        "/web/delegations",
        content=b"",
        headers={"content-length": str(21 * 1024 * 1024), "content-type": "text/plain"},
    )

    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert "Nothing was saved" in refused.text
