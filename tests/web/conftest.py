"""The pages in-process over ASGI, against the real dev server, worker and SQLite, with
people signed in through one-time links."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from api.deps import Resources

SignIn = Callable[[str], Awaitable[httpx.AsyncClient]]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no form token"
    return found.group(1)


async def sign_in_with_link(http: httpx.AsyncClient, link: str) -> httpx.Response:
    """Opens a one-time link and presses its button, as a person would."""
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = await http.get(f"/{path}")
    token = path.split("token=", 1)[1]
    form = {"csrf_token": csrf_of(page), "token": token}
    return await http.post("/web/sign-in/link", data=form)


@pytest.fixture
async def browse(app: FastAPI) -> AsyncIterator[SignIn]:
    """A browser of its own (its own cookies) for each person, signed in."""
    clients: list[httpx.AsyncClient] = []
    resources: Resources = app.state.resources

    async def signed_in(person: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://throughline.test"
        )
        clients.append(client)
        link = await resources.services.sign_in.link_for(person)
        answer = await sign_in_with_link(client, link)
        assert answer.status_code == 303, answer.text
        return client

    yield signed_in
    for client in clients:
        await client.aclose()
