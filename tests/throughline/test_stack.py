"""`throughline up`: starts everything, keeps state across restarts, leaves no orphans."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, sign, submit
from tests.factories import new_team
from tests.processes import children_of, stack_env, start_stack, wait_until_gone

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
