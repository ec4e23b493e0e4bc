"""Read latency with a large portfolio in PostgreSQL: lists, filters, deep pages, inbox.

Creates a database of its own on 127.0.0.1:5432 (dropped at the end, even on failure),
seeds it through the real projection, serves the real app over a socket, and times
sequential GETs. Run with `make bench-reads` (`--changes N` to seed fewer).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr
from sqlalchemy import create_engine, text
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from models.audit import AuditEvent
from models.change import ChangeState
from models.projection import ProjectionBatch
from models.roles import Role
from models.transitions.opening import open_change
from tests.factories import Team, add_people, new_change, sign, submit
from throughline import db
from throughline.binaries import find_binary
from throughline.services.directory import DirectoryService
from throughline.settings import Settings
from throughline.store import projection
from throughline.tokens import KeyRing, issue_token
from workers.main import build_worker
from workflows import search_attributes

SERVER = "postgresql://postgres@127.0.0.1:5432"
PER_TEAM = 1_000
"""Changes that name one team: its signers' inboxes hold about this many items."""
PER_TRANSACTION = 500
SERVICES = ["Blue badge renewals", "Parking permits", "Council tax", "Housing", "Libraries"]
REQUESTS = 500
SECRET = "benchmark-secret-that-is-long-enough-to-sign-tokens"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def scratch_database() -> Iterator[str]:
    """A uniquely named database, dropped however the benchmark ends."""
    name = f"bench_reads_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def change_state(team: Team, index: int, at: datetime) -> tuple[ChangeState, list[AuditEvent]]:
    """A third wait on the proposer's work, a third on all three signing roles, a third
    on operations alone."""
    new = new_change(people=team.people(), service=SERVICES[index % len(SERVICES)])
    state, events = open_change(new.model_copy(update={"proposer": team.proposer}), at)
    if index % 3:
        submit(state, team.proposer, at=at)
    if index % 3 == 2:
        sign(state, team.signer(Role.POLICY), Role.POLICY, at=at)
        sign(state, team.signer(Role.DIGITAL), Role.DIGITAL, at=at)
    return state, events


async def seed(url: str, teams: list[Team], count: int) -> float:
    """Project `count` changes in big transactions; returns the seconds it took.

    Each change happened in the last 30 days, but the directory is read as of now, when
    its signers hold their roles: read as of a change's own time, before anyone was
    granted a role, every change would be stuck on every admin."""
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    start = time.perf_counter()
    now = datetime.now(UTC)
    base = now - timedelta(days=30)
    for first in range(0, count, PER_TRANSACTION):
        async with sessions() as session:
            for index in range(first, min(first + PER_TRANSACTION, count)):
                at = base + timedelta(seconds=index)
                state, events = change_state(teams[index % len(teams)], index, at)
                batch = ProjectionBatch(workflow_id=state.change_id, state=state, events=events)
                await projection.project(session, batch, now)
            await session.commit()
    await engine.dispose()
    return time.perf_counter() - start


def vacuum(url: str) -> None:
    """Vacuum and gather the planner's statistics, as autovacuum does on a default server
    soon after a bulk load (its insert threshold). Without statistics PostgreSQL guesses,
    and scans whole tables for a page of ids; without the visibility map a vacuum sets,
    it reads each row's table page to answer from an index. This machine's server runs
    with autovacuum off, so the benchmark does it."""
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def reads(team: Team, change_id: str, count: int, deep_cursor: str) -> dict[str, tuple[str, str]]:
    """Each read the benchmark times: its path and who asks. The deep pages start a fifth
    of the way in (20,000 of 100,000): by the cursor a client paging there holds, and by
    offset, which the database must count its way through."""
    who = team.proposer
    waiting = "/changes?waiting_on=operations"
    return {
        "list first page": ("/changes", who),
        "list waiting_on=operations": (waiting, who),
        "list status=active": ("/changes?status=active", who),
        "list service": (f"/changes?service={SERVICES[1]}", who),
        "list with count": (f"/changes?service={SERVICES[1]}&count=true", who),
        "list deep page by cursor": (f"{waiting}&cursor={deep_cursor}", who),
        "list deep page by offset": (f"{waiting}&offset={count // 5}", who),
        "inbox first page": ("/me/inbox", team.signer(Role.OPERATIONS)),
        "inbox last page": ("/me/inbox?offset=650", team.signer(Role.OPERATIONS)),
        "change": (f"/changes/{change_id}", who),
        "timeline": (f"/changes/{change_id}/timeline", who),
        "audit": (f"/changes/{change_id}/audit", team.auditor),
    }


async def time_reads(
    http: httpx.AsyncClient, paths: dict[str, tuple[str, str]]
) -> dict[str, list[float]]:
    keys = KeyRing.of(SECRET)
    timings: dict[str, list[float]] = {}
    for name, (path, person) in paths.items():
        token = issue_token(person, keys, timedelta(hours=1)).token
        headers = {"Authorization": f"Bearer {token}"}
        (await http.get(path, headers=headers)).raise_for_status()
        seconds = timings.setdefault(name, [])
        for _ in range(REQUESTS):
            start = time.perf_counter()
            response = await http.get(path, headers=headers)
            seconds.append(time.perf_counter() - start)
            response.raise_for_status()
    return timings


def p(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return ordered[max(0, int(len(ordered) * share) - 1)] * 1000


async def run(url: str, count: int, env: WorkflowEnvironment) -> dict[str, list[float]]:
    db.migrate_sync(url)
    settings = Settings(
        task_queue=f"bench-{uuid.uuid4()}", database_url=url, token_secret=SecretStr(SECRET)
    )
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    teams = [Team(suffix=uuid.uuid4().hex[:8]) for _ in range(max(1, count // PER_TEAM))]
    async with build_worker(env.client, settings.task_queue, sessions):
        people = {pid: roles for team in teams for pid, roles in team.directory().items()}
        await add_people(DirectoryService(env.client, settings, sessions), people)
        seconds = await seed(url, teams, count)
        print(f"seeded {count} changes in {seconds:.0f} s")
        vacuum(url)
        port = free_port()
        app = create_app(settings, temporal=env.client)
        server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110  (uvicorn offers a flag, not an event)
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            deep = await _cursor_at(http, teams[0], count // 5)
            paths = reads(teams[0], await _a_change(http, teams[0]), count, deep)
            timings = await time_reads(http, paths)
        server.should_exit = True
        await serving
    await engine.dispose()
    return timings


async def _cursor_at(http: httpx.AsyncClient, team: Team, position: int) -> str:
    """The cursor a client holds once it has paged to about this position of the
    changes waiting on operations, 200 at a time."""
    token = issue_token(team.proposer, KeyRing.of(SECRET), timedelta(hours=1)).token
    headers, cursor = {"Authorization": f"Bearer {token}"}, ""
    for _ in range(max(1, position // 200)):
        params = {
            "waiting_on": "operations",
            "limit": "200",
            **({"cursor": cursor} if cursor else {}),
        }
        page = (await http.get("/changes", headers=headers, params=params)).json()
        cursor = page["next_cursor"] or cursor
    return cursor


async def _a_change(http: httpx.AsyncClient, team: Team) -> str:
    token = issue_token(team.proposer, KeyRing.of(SECRET), timedelta(hours=1)).token
    page = await http.get("/changes?limit=1", headers={"Authorization": f"Bearer {token}"})
    change_id: str = page.json()["items"][0]["change_id"]
    return change_id


def report(count: int, timings: dict[str, list[float]]) -> None:
    print(f"{'read':<28} {'p50 ms':>8} {'p99 ms':>8}  n")
    for name, seconds in timings.items():
        print(
            f"{name:<28} {statistics.median(seconds) * 1000:8.1f} {p(seconds, 0.99):8.1f}  ", end=""
        )
        print(len(seconds))
    worst = max(timings, key=lambda name: p(timings[name], 0.99))
    print(
        f"bench reads: changes={count} worst_p99_ms={p(timings[worst], 0.99):.1f} "
        f"worst_read={worst.replace(' ', '_')}"
    )


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder, scratch_database() as url:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=find_binary("temporal"),
            dev_server_extra_args=["--db-filename", str(Path(folder) / "temporal.db")],
            search_attributes=list(search_attributes.ALL),
            data_converter=pydantic_data_converter,
            dev_server_log_level="error",
        )
        async with env:
            timings = await run(url, count, env)
    report(count, timings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().changes))
