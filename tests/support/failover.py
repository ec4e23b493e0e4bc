"""An HTTP caller that spreads requests over several API processes and, when one dies,
sends what it did not answer to another with the same Idempotency-Key; and a keyed
lifecycle that records every sign-off it was answered for. Used by
tests/end_to_end/test_scale_out.py."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from models.roles import Role
from tests.api.client import auth
from tests.api.flows import SIGNING, intake_body, work_body
from tests.factories import Team

RETRY_PAUSE = 0.2


class Failover:
    """Sends each request to the next API in turn. A request whose connection was refused
    or cut, or that was answered 503, is sent again, to the next API, with the same
    headers and so the same Idempotency-Key, until `patience` runs out."""

    def __init__(self, clients: list[httpx.AsyncClient], patience: float) -> None:
        self.clients = clients
        self.patience = patience
        self.down: set[int] = set()
        self.turn = 0
        self.served: Counter[int] = Counter()
        self.in_flight: Counter[int] = Counter()
        self.sent_again = 0
        self.cut = 0
        self.answered = 0
        self._changed = asyncio.Condition()

    async def until(self, ready: Callable[[], bool]) -> None:
        """Wait until `ready()` holds; it is checked each time a request starts or ends."""
        async with self._changed:
            await self._changed.wait_for(ready)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _next(self) -> int:
        if len(self.down) == len(self.clients):
            self.down.clear()
        while True:
            self.turn += 1
            index = self.turn % len(self.clients)
            if index not in self.down:
                return index

    async def post(
        self, person: str, path: str, body: Any, key: str | None = None
    ) -> httpx.Response:
        headers = auth(person, key or uuid.uuid4().hex)
        return await self.send("POST", path, headers, json=body)

    async def get(self, person: str, path: str) -> httpx.Response:
        return await self.send("GET", path, auth(person))

    async def send(
        self, method: str, path: str, headers: dict[str, str], json: Any = None
    ) -> httpx.Response:
        deadline = time.monotonic() + self.patience
        while True:
            index = self._next()
            response = await self._try(index, method, path, headers, json)
            if response is not None and response.status_code != 503:
                self.served[index] += 1
                self.answered += 1
                await self._notify()
                return response
            assert time.monotonic() < deadline, f"no API answered {method} {path} in time"
            self.sent_again += 1
            await asyncio.sleep(RETRY_PAUSE)

    async def _try(
        self, index: int, method: str, path: str, headers: dict[str, str], json: Any
    ) -> httpx.Response | None:
        self.in_flight[index] += 1
        await self._notify()
        try:
            return await self.clients[index].request(method, path, headers=headers, json=json)
        except httpx.ConnectError:
            self.down.add(index)
        except httpx.TransportError:
            # The API died (or stalled) with the request in flight: it may or may not
            # have reached the workflow, which is what the key is for.
            self.cut += 1
        finally:
            self.in_flight[index] -= 1
        return None


@dataclass
class Lifecycle:
    """One change carried from proposal to adoption, and every sign-off answered."""

    api: Failover
    team: Team
    change_id: str = ""
    signed: list[tuple[str, str, str, int, str]] = field(default_factory=list)

    async def run(self) -> None:
        response = await self.api.post(self.team.proposer, "/changes", intake_body(self.team))
        assert response.status_code in (200, 201), response.text
        self.change_id = response.json()["change_id"]
        revision = await self.submit("intent draft")
        await self.sign(Role.POLICY, revision)
        await self.sign(Role.OPERATIONS, revision, "request_changes", comment="Add the impact")
        await self.approve_all(await self.submit("intent with impact"))
        for stage in ["design", "delivery", "check"]:
            if stage == "check":
                await self.measure_all()
            await self.approve_all(await self.submit(f"{stage} work"))
        adopted = await self.command(self.team.owner, "decision", {"outcome": "adopt"}, twice=True)
        assert adopted["status"] == "completed", adopted

    async def command(
        self, person: str, what: str, body: dict[str, Any], *, twice: bool = False
    ) -> dict[str, Any]:
        """Send a command once; `twice` sends it again with the same Idempotency-Key, as
        a client does that never saw the first answer, and needs the same answer back."""
        path, headers = f"/changes/{self.change_id}/{what}", auth(person, uuid.uuid4().hex)
        response = await self.api.send("POST", path, headers, json=body)
        assert response.status_code == 200, f"{what}: {response.status_code} {response.text}"
        answer: dict[str, Any] = response.json()
        if twice:
            again = await self.api.send("POST", path, headers, json=body)
            assert (again.status_code, again.json()) == (200, answer), again.text
        return answer

    async def submit(self, text: str) -> int:
        answer = await self.command(self.team.proposer, "submissions", work_body(text))
        revision: int = answer["gate"]["revision"]
        return revision

    async def sign(
        self,
        role: Role,
        revision: int,
        decision: str = "approve",
        *,
        twice: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        person = self.team.signer(role)
        body = {"role": role.value, "decision": decision, "revision": revision, **extra}
        answer = await self.command(person, "sign-offs", body, twice=twice)
        gate = answer.get("closed_gate") or answer["gate"]
        self.signed.append((gate["id"], person, role.value, revision, decision))
        return answer

    async def approve_all(self, revision: int) -> None:
        """The approval that passes the gate is sent twice: a repeat must not count."""
        for role in SIGNING:
            await self.sign(role, revision, twice=role == SIGNING[-1])

    async def measure_all(self) -> None:
        for metric, value in [("median days to decision", 4), ("online take-up", 61)]:
            await self.command(
                self.team.proposer, "measurements", {"metric": metric, "value": value}
            )
