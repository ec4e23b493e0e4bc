"""The load generator's two sides: one change's five commands, raw and through the API.

Both sides time the same things: the start (raw: starting the workflow and its first
update; Throughline: the proposal) and each sign-off, so neither hides a cost.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from temporalio.client import Client, WorkflowHandle

from benchmarks.raw_workflow import RawUpdates
from models.evidence import fingerprint
from tests.factories import Team, intake_data
from throughline.temporal import workflow_id
from throughline.tokens import KeyRing, issue_token

COMMANDS_PER_CHANGE = 5
ROLES = ["policy", "digital", "operations"]


@dataclass
class Samples:
    """Seconds per timed command, by what it was."""

    start: list[float] = field(default_factory=list)
    signoff: list[float] = field(default_factory=list)


One = Callable[[Samples], Awaitable[None]]


async def sequential(one: One, changes: int) -> Samples:
    samples = Samples()
    for _ in range(changes):
        await one(samples)
    return samples


async def concurrent(one: One, changes: int, concurrency: int) -> float:
    """Commands per second with `concurrency` changes in flight at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def bounded() -> None:
        async with gate:
            await one(Samples())

    began = time.perf_counter()
    await asyncio.gather(*[bounded() for _ in range(changes)])
    return changes * COMMANDS_PER_CHANGE / (time.perf_counter() - began)


def raw_change(client: Client, queue: str) -> One:
    async def one(samples: Samples) -> None:
        began = time.perf_counter()
        handle = await client.start_workflow(RawUpdates.run, id=str(uuid.uuid4()), task_queue=queue)
        await handle.execute_update(RawUpdates.bump, 1)
        samples.start.append(time.perf_counter() - began)
        await handle.execute_update(RawUpdates.bump, 1)
        for _ in ROLES:
            began = time.perf_counter()
            await handle.execute_update(RawUpdates.bump, 1)
            samples.signoff.append(time.perf_counter() - began)

    return one


class Api:
    """Throughline's commands over HTTP, each with a fresh Idempotency-Key."""

    def __init__(self, http: httpx.AsyncClient, team: Team, secret: str) -> None:
        self.http = http
        self.team = team
        keys = KeyRing.of(secret)
        people = [team.proposer, *(team.signer_of(role) for role in ROLES)]
        self.tokens = {p: issue_token(p, keys, timedelta(hours=2)).token for p in people}

    async def post(self, person: str, path: str, body: object) -> dict[str, object]:
        headers = {
            "Authorization": f"Bearer {self.tokens[person]}",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        response = await self.http.post(path, json=body, headers=headers)
        response.raise_for_status()
        answer: dict[str, object] = response.json()
        return answer

    async def propose(self) -> str:
        created = await self.post(
            self.team.proposer, "/changes", intake_data(people=self.team.people())
        )
        return str(created["change_id"])

    async def submit(self, change: str) -> None:
        evidence = [{"title": "work", "uri": "https://x.test/w", "sha256": fingerprint(change)}]
        body = {"summary": "work", "evidence": evidence}
        await self.post(self.team.proposer, f"/changes/{change}/submissions", body)

    async def sign(self, change: str, role: str) -> None:
        body = {"role": role, "decision": "approve", "revision": 1}
        await self.post(self.team.signer_of(role), f"/changes/{change}/sign-offs", body)

    async def one(self, samples: Samples) -> None:
        began = time.perf_counter()
        change = await self.propose()
        samples.start.append(time.perf_counter() - began)
        await self.submit(change)
        for role in ROLES:
            began = time.perf_counter()
            await self.sign(change, role)
            samples.signoff.append(time.perf_counter() - began)


async def history_size(handle: WorkflowHandle[Any, Any]) -> tuple[int, int]:
    """Events and bytes in a workflow's history, once any background work has settled."""
    await asyncio.sleep(0.5)
    history = await handle.fetch_history()
    return len(history.events), sum(e.ByteSize() for e in history.events)


async def raw_growth(client: Client, queue: str) -> tuple[float, float]:
    """Events and bytes per update, over the third and fourth updates of one workflow."""
    handle = await client.start_workflow(RawUpdates.run, id=str(uuid.uuid4()), task_queue=queue)
    for _ in range(2):
        await handle.execute_update(RawUpdates.bump, 1)
    before = await history_size(handle)
    for _ in range(2):
        await handle.execute_update(RawUpdates.bump, 1)
    after = await history_size(handle)
    return (after[0] - before[0]) / 2, (after[1] - before[1]) / 2


async def throughline_growth(api: Api, client: Client) -> tuple[float, float]:
    """Events and bytes per sign-off, over the first two sign-offs of one change."""
    change = await api.propose()
    await api.submit(change)
    handle: WorkflowHandle[Any, Any] = client.get_workflow_handle(workflow_id(change))
    before = await history_size(handle)
    for role in ROLES[:2]:
        await api.sign(change, role)
    after = await history_size(handle)
    return (after[0] - before[0]) / 2, (after[1] - before[1]) / 2
