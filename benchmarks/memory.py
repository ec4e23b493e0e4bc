"""Worker memory with many open changes, and what a command costs once its change has
left the worker's cache.

One dev server, a PostgreSQL read model of the run's own, and the API and the worker as
separate processes, as `make bench` runs them. It opens N changes through the API (10
at a time), reads the worker's resident memory from /proc before and after, then times
a submission to each of 200 changes opened first (long since evicted when N is larger
than the cache) against one to each of 200 opened last (still cached), alternating.
Run with `make bench-memory`; `--changes` and `--cache` set N and the worker's cache.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from benchmarks import loads, processes
from benchmarks.updates import SECRET, stack_environment
from tests.factories import new_team, seed_team
from throughline import db
from throughline.services.directory import DirectoryService
from throughline.settings import Settings

OPENING_CONCURRENCY = 10
TIMED = 200


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def open_changes(api: loads.Api, count: int) -> list[str]:
    """Propose `count` changes, 10 at a time; their ids in the order they were made."""
    made: list[str] = []
    queue = iter(range(count))

    async def opener() -> None:
        for _ in queue:
            made.append(await api.propose())

    await asyncio.gather(*(opener() for _ in range(OPENING_CONCURRENCY)))
    return made


async def timed_submissions(
    api: loads.Api, evicted: list[str], cached: list[str]
) -> tuple[list[float], list[float]]:
    """One submission to each change, alternating between the two sets."""
    times: tuple[list[float], list[float]] = ([], [])
    for pair in zip(evicted, cached, strict=True):
        for side, change in enumerate(pair):
            began = time.perf_counter()
            await api.submit(change)
            times[side].append(time.perf_counter() - began)
    return times


async def measure(address: str, url: str, folder: Path, changes: int, cache: int) -> None:
    env = stack_environment(address, url, folder)
    env["THROUGHLINE_WORKER_CACHED_WORKFLOWS"] = str(cache)
    settings = Settings(task_queue=env["THROUGHLINE_TASK_QUEUE"], database_url=url)
    db.migrate_sync(url)
    port = processes.free_port()
    uvicorn = ["uvicorn", "api.app:create_app", "--factory", "--port", str(port)]
    uvicorn += ["--log-level", "warning", "--no-access-log"]
    with (
        processes.running(processes.python_module("workers.main"), env) as worker,
        processes.running(processes.python_module(*uvicorn), env) as api_process,
    ):
        processes.wait_for_port(port, api_process)
        client = await Client.connect(address, data_converter=pydantic_data_converter)
        engine = db.make_engine(url)
        directory = DirectoryService(client, settings, db.session_factory(engine))
        await directory.ensure_started()
        team = await seed_team(directory, new_team())
        await engine.dispose()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            api = loads.Api(http, team, SECRET)
            await open_changes(api, 20)  # warm-up: imports, connections, caches
            before = rss_mb(worker.pid)
            began = time.perf_counter()
            made = await open_changes(api, changes)
            opened_in = time.perf_counter() - began
            after = rss_mb(worker.pid)
            evicted, cached = await timed_submissions(api, made[:TIMED], made[-TIMED:])
    report(changes, cache, opened_in, (before, after), (evicted, cached))


def report(
    changes: int,
    cache: int,
    opened_in: float,
    rss: tuple[float, float],
    times: tuple[list[float], list[float]],
) -> None:
    evicted, cached = (statistics.median(t) * 1000 for t in times)
    print(f"opened {changes} changes in {opened_in:.0f} s; worker cache {cache} workflows")
    print(f"worker RSS: {rss[0]:.0f} MB after warm-up, {rss[1]:.0f} MB with {changes} open")
    print(f"per change opened: {(rss[1] - rss[0]) / changes * 1024:.0f} KB")
    print(f"submission p50: evicted {evicted:.1f} ms, cached {cached:.1f} ms (n={TIMED} each)")
    print(
        f"bench memory: open_changes={changes} worker_rss_mb={rss[1]:.0f} "
        f"evicted_command_p50_delta_ms={evicted - cached:.1f}"
    )


async def run(changes: int, cache: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        port = processes.free_port()
        with processes.running(processes.temporal_server(folder, port), quiet=True) as server:
            processes.wait_for_port(port, server)
            with processes.read_model(folder) as (url, _kind):
                await measure(f"127.0.0.1:{port}", url, folder, changes, cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--changes", type=int, default=10_000, help="changes to open")
    parser.add_argument(
        "--cache", type=int, default=Settings().worker_cached_workflows, help="worker cache"
    )
    arguments = parser.parse_args()
    asyncio.run(run(arguments.changes, arguments.cache))


if __name__ == "__main__":
    main()
