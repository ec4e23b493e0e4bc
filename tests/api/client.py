"""An HTTP client that reads as what a person does; works in-process or over a socket."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from throughline.tokens import KeyRing, issue_token

SECRET = "test-secret-that-is-long-enough-for-hs256-signing"
RING = KeyRing.of(SECRET)


def token(person: str, ttl: timedelta = timedelta(hours=1)) -> str:
    return issue_token(person, RING, ttl).token


def auth(person: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token(person)}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


class Api:
    """Thin helper so tests read as what a person does."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self, person: str, path: str, body: Any, key: str | None = None
    ) -> httpx.Response:
        return await self.http.post(path, json=body, headers=auth(person, key))

    async def put(self, person: str, path: str, body: Any) -> httpx.Response:
        return await self.http.put(path, json=body, headers=auth(person))

    async def patch(self, person: str, path: str, body: Any) -> httpx.Response:
        return await self.http.patch(path, json=body, headers=auth(person))

    async def get(self, person: str, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(path, headers=auth(person), params=params)

    async def delete(self, person: str, path: str) -> httpx.Response:
        return await self.http.delete(path, headers=auth(person))

    async def settled(self, person: str, change_id: str) -> None:
        """Read the change: a read returns once SQL holds every command answered, so a
        test may then edit the rows behind the API's back."""
        assert (await self.get(person, f"/changes/{change_id}")).status_code == 200
