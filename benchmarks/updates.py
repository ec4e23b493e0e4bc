"""Commands per second and latency: Throughline over HTTP against raw Temporal updates.

Both run in one process against one dev server with a SQLite file, at the same
concurrency, so the ratio says what Throughline's HTTP, validation, directory reads,
projection and audit cost over a bare update. Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.app import create_app
from benchmarks.raw_workflow import RawUpdates
from models.evidence import fingerprint
from tests.factories import Team, intake_data, new_team, seed_team
from throughline import db
from throughline.binaries import find_binary
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.tokens import KeyRing, issue_token
from workers.main import build_worker
from workflows import search_attributes

CHANGES = 30
CONCURRENCY = 5
SECRET = "benchmark-secret-that-is-long-enough-to-sign-tokens"


BY_KIND: dict[str, list[float]] = {}


@dataclass
class Measured:
    name: str
    latencies: list[float]
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def line(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
        return f"{self.name:<28} {self.per_second:7.1f} /s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"


async def _timed(latencies: list[float], call: Awaitable[object]) -> None:
    start = time.perf_counter()
    await call
    latencies.append(time.perf_counter() - start)


async def _run(name: str, one: Callable[[list[float]], Awaitable[None]]) -> Measured:
    latencies: list[float] = []
    gate = asyncio.Semaphore(CONCURRENCY)

    async def bounded() -> None:
        async with gate:
            await one(latencies)

    start = time.perf_counter()
    await asyncio.gather(*[bounded() for _ in range(CHANGES)])
    return Measured(name, latencies, time.perf_counter() - start)


async def raw_baseline(client: Client) -> Measured:
    queue = f"raw-{uuid.uuid4()}"

    async def one(latencies: list[float]) -> None:
        handle = await client.start_workflow(RawUpdates.run, id=str(uuid.uuid4()), task_queue=queue)
        for _ in range(5):
            await _timed(latencies, handle.execute_update(RawUpdates.bump, 1))

    async with Worker(client, task_queue=queue, workflows=[RawUpdates]):
        return await _run("raw Temporal updates", one)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def throughline_http(client: Client, data: Path) -> Measured:
    url = f"sqlite:///{data / 'bench.db'}"
    queue = f"bench-{uuid.uuid4()}"
    settings = Settings(task_queue=queue, database_url=url, token_secret=SecretStr(SECRET))
    db.migrate_sync(url)
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, temporal=client), port=port, log_level="warning")
    )
    async with build_worker(client, queue, sessions):
        team = await seed_team(DirectoryService(client, settings, sessions), new_team())
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110  (uvicorn offers a flag, not an event)
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            measured = await _run(
                "Throughline commands (HTTP)", lambda lat: _one_change(http, team, lat)
            )
        server.should_exit = True
        await serving
    await engine.dispose()
    return measured


async def _one_change(http: httpx.AsyncClient, team: Team, latencies: list[float]) -> None:
    def auth(person: str) -> dict[str, str]:
        token = issue_token(person, KeyRing.of(SECRET), timedelta(hours=1)).token
        return {"Authorization": f"Bearer {token}"}

    async def post(person: str, path: str, body: object) -> dict[str, object]:
        start = time.perf_counter()
        response = await http.post(path, json=body, headers=auth(person))
        latencies.append(time.perf_counter() - start)
        BY_KIND.setdefault(path.rsplit("/", 1)[-1], []).append(latencies[-1])
        response.raise_for_status()
        answer: dict[str, object] = response.json()
        return answer

    created = await post(team.proposer, "/changes", intake_data(people=team.people()))
    change = f"/changes/{created['change_id']}"
    text = str(uuid.uuid4())
    evidence = [{"title": "work", "uri": "https://x.test/w", "sha256": fingerprint(text)}]
    await post(team.proposer, f"{change}/submissions", {"summary": "work", "evidence": evidence})
    for role in ["policy", "digital", "operations"]:
        body = {"role": role, "decision": "approve", "revision": 1}
        await post(team.signer_of(role), f"{change}/sign-offs", body)


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=find_binary("temporal"),
            dev_server_extra_args=["--db-filename", str(Path(folder) / "temporal.db")],
            search_attributes=list(search_attributes.ALL),
            data_converter=pydantic_data_converter,
            dev_server_log_level="error",
        )
        async with env:
            raw = await raw_baseline(env.client)
            ours = await throughline_http(env.client, Path(folder))
    print(f"{CHANGES} changes, concurrency {CONCURRENCY}, dev server on a SQLite file")
    print(raw.line())
    print(ours.line())
    print(f"throughput ratio (Throughline / raw): {ours.per_second / raw.per_second:.2f}")
    p50 = statistics.median(ours.latencies) / statistics.median(raw.latencies)
    print(f"p50 latency ratio (Throughline / raw): {p50:.2f}")
    for kind, seconds in sorted(BY_KIND.items()):
        print(f"  {kind:<12} p50 {statistics.median(seconds) * 1000:6.1f} ms  n={len(seconds)}")


if __name__ == "__main__":
    asyncio.run(main())
