"""`throughline up`: starts everything, keeps state across restarts, leaves no orphans."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, sign, submit
from tests.conftest import POSTGRES_ADMIN_URL
from tests.factories import new_team
from tests.processes import (
    READY_LINE,
    Stack,
    alive,
    children_of,
    launch_stack,
    stack_env,
    start_stack,
    wait_until_gone,
)

pytestmark = pytest.mark.slow


async def test_up_keeps_changes_across_a_restart_and_stops_cleanly(tmp_path: Path) -> None:
    stack = start_stack(tmp_path / "data")
    children = children_of(stack.process.pid)
    assert len(children) == 3
    team = await stack.seed(new_team())
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http:
        assert (await http.get("/healthz")).json()["status"] == "ok"
        ui = await http.get(f"http://127.0.0.1:{stack.env['THROUGHLINE_UI_PORT']}/")
        assert ui.status_code == 200
        assert ui.text.lstrip().lower().startswith("<!doctype html>")
        api = Api(http)
        change_id = await propose(api, team)
        revision = await submit(api, team, change_id, "intent")
    assert stack.stop() == 0
    assert wait_until_gone(children) == []
    assert _modes_not_private(stack.data_dir) == []

    restarted = start_stack(stack.data_dir, stack.env)
    try:
        async with httpx.AsyncClient(base_url=restarted.api_url, timeout=60) as http:
            api = Api(http)
            view = (await api.get(team.auditor, f"/changes/{change_id}")).json()
            assert (view["stage"], view["gate"]["status"]) == ("intent", "in_review")
            result = await sign(api, team.signer(Role.POLICY), change_id, Role.POLICY, revision)
            assert result["gate"]["roles"][0]["signed_by"] == [team.signer(Role.POLICY)]
    finally:
        restarted.stop()


def _modes_not_private(data_dir: Path) -> list[str]:
    """Paths in the data directory that anyone but their owner could read."""
    paths = [data_dir, *data_dir.rglob("*")]
    return [f"{p}: {oct(p.stat().st_mode & 0o777)}" for p in paths if p.stat().st_mode & 0o077]


def test_a_taken_port_gets_a_clear_message(tmp_path: Path) -> None:
    env = stack_env(tmp_path / "data")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", int(env["THROUGHLINE_API_PORT"])))
        holder.listen()
        finished = subprocess.run(
            [sys.executable, "-m", "throughline.cli", "up"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert finished.returncode == 1
    assert "is already in use" in finished.stderr
    assert "THROUGHLINE_API_PORT" in finished.stderr
    assert "Traceback" not in finished.stderr + finished.stdout


def test_killing_the_launcher_outright_leaves_no_orphans(tmp_path: Path) -> None:
    stack = start_stack(tmp_path / "data")
    children = children_of(stack.process.pid)
    assert len(children) == 3
    stack.stop(signal.SIGKILL)
    assert wait_until_gone(children) == []


def _part_pid(stack: Stack, module: str) -> int | None:
    for pid in children_of(stack.process.pid):
        try:
            cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes()
        except OSError:
            continue
        if module.encode() in cmdline and alive(pid):
            return pid
    return None


async def _health(http: httpx.AsyncClient) -> dict[str, Any]:
    found: dict[str, Any] = (await http.get("/healthz")).json()
    return found


async def test_a_part_that_keeps_stopping_is_restarted_until_it_recovers(tmp_path: Path) -> None:
    """Six deaths in a row, once each time it comes back: the stack never gives up, says
    why on /healthz while the worker is down, and works again once it is up."""
    stack = start_stack(tmp_path / "data")
    try:
        team = await stack.seed(new_team())
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http:
            for _ in range(6):
                pid = await _wait_until(lambda: _part_pid(stack, "workers.main"))
                os.kill(pid, signal.SIGKILL)
                health = await _wait_until(lambda: _restarting(http))
                assert health["parts"]["worker"]["last_stop"].startswith("exit code -9")
                assert health["status"] == "degraded"
            recovered = await _wait_until(lambda: _running(http), seconds=90)
            assert recovered["parts"]["worker"]["restarts"] == 6
            assert stack.process.poll() is None
            change_id = await propose(Api(http), team)
            assert change_id
    finally:
        stack.stop()
    assert any("worker stopped (exit code -9" in line for line in stack.output)


async def _restarting(http: httpx.AsyncClient) -> dict[str, Any] | None:
    health = await _health(http)
    return health if health["parts"]["worker"]["state"] == "restarting" else None


async def _running(http: httpx.AsyncClient) -> dict[str, Any] | None:
    health = await _health(http)
    return health if health["status"] == "ok" else None


async def _wait_until(check: Callable[[], Any], seconds: float = 30) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        found = check()
        if asyncio.iscoroutine(found):
            found = await found
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError("the stack did not get there in time")


async def test_the_parts_wait_for_their_database_and_start_once_it_exists(tmp_path: Path) -> None:
    name = f"throughline_stack_{uuid.uuid4().hex[:10]}"
    env = {**stack_env(tmp_path / "data"), "THROUGHLINE_DATABASE_URL": _postgres(name)}
    stack = launch_stack(tmp_path / "data", env)
    try:
        stack.wait_for("starting the Temporal dev server")
        api_log = tmp_path / "data" / "logs" / "api.log"
        await _wait_until(
            lambda: api_log.exists() and "waiting for the database" in api_log.read_text()
        )
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        stack.wait_for(READY_LINE)
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as http:
            assert (await _health(http))["status"] == "ok"
        stack.stop()
    finally:
        if stack.process.poll() is None:
            stack.stop()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres(database: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
