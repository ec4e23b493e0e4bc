"""The `throughline` command, tried as a new user would: people, tokens, demo, migrate.

Directory commands reach the directory workflow, so these run against the test's dev
server and worker; each command runs in a thread of its own, as a separate process
would, while the worker serves it.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.worker import Worker
from typer.testing import CliRunner, Result

from throughline.cli import DEMO_TEAM, app
from throughline.settings import Settings
from throughline.tokens import read_token


@pytest.fixture
def runner(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    temporal_client: Client,
    task_queue: str,
    sqlite_url: str,
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> CliRunner:
    monkeypatch.delenv("THROUGHLINE_TOKEN_SECRET", raising=False)
    monkeypatch.setenv("THROUGHLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THROUGHLINE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv(
        "THROUGHLINE_TEMPORAL_ADDRESS", temporal_client.service_client.config.target_host
    )
    monkeypatch.setenv("THROUGHLINE_TASK_QUEUE", task_queue)
    return CliRunner()


async def _run(runner: CliRunner, *args: str) -> Result:
    def invoke() -> Result:
        return runner.invoke(app, list(args))

    return await asyncio.to_thread(invoke)


def _person(token: str) -> str:
    return read_token(token, Settings().key_file().ring()).person


async def test_people_are_added_listed_and_refused_twice(runner: CliRunner) -> None:
    pid = f"deputy-{uuid.uuid4().hex[:8]}"
    added = await _run(
        runner,
        "people",
        "add",
        "Policy Deputy",
        "--id",
        pid,
        "--role",
        "policy",
        "--role",
        "operations",
    )
    assert added.exit_code == 0, added.output
    assert f"added {pid} (policy, operations)" in added.output
    listed = await _run(runner, "people", "list")
    assert f"{pid}\tPolicy Deputy\tpolicy, operations" in listed.output
    again = await _run(runner, "people", "add", "Policy Deputy", "--id", pid, "--role", "policy")
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert "Traceback" not in again.output


async def test_a_person_is_deactivated_and_their_history_shown(runner: CliRunner) -> None:
    pid = f"leaver-{uuid.uuid4().hex[:8]}"
    await _run(runner, "people", "add", "Leaver", "--id", pid, "--role", "policy")
    assert (await _run(runner, "people", "deactivate", pid)).exit_code == 0
    refused = await _run(runner, "token", "create", "--person", pid)
    assert (refused.exit_code, "no token is issued" in refused.output) == (1, True)
    history = (await _run(runner, "people", "history", pid)).output.splitlines()
    assert [line.split("\t")[2] for line in history] == [
        f"operator added {pid} with roles policy",
        f"operator deactivated {pid}",
    ]


async def test_a_token_is_signed_for_a_person_in_the_directory(runner: CliRunner) -> None:
    pid = f"ops-{uuid.uuid4().hex[:8]}"
    await _run(runner, "people", "add", "Ops Lead", "--id", pid, "--role", "operations")
    created = await _run(runner, "token", "create", "--person", pid, "--hours", "2")
    assert created.exit_code == 0, created.output
    assert _person(created.output.strip()) == pid
    unknown = await _run(runner, "token", "create", "--person", "nobody")
    assert (unknown.exit_code, "no person with id 'nobody'" in unknown.output) == (1, True)
    forever = await _run(runner, "token", "create", "--person", pid, "--hours", "0")
    assert forever.exit_code == 2
    too_long = await _run(runner, "token", "create", "--person", pid, "--hours", "721")
    assert too_long.exit_code == 2


async def test_demo_seeds_the_team_and_prints_a_token_each_even_twice(runner: CliRunner) -> None:
    for _ in range(2):
        result = await _run(runner, "demo")
        assert result.exit_code == 0, result.output
    exports = [line for line in result.output.splitlines() if line.startswith("export ")]
    assert len(exports) == len(DEMO_TEAM)
    for line, (person, _, role, variable) in zip(exports, DEMO_TEAM, strict=True):
        name, token = line.split("  #")[0].removeprefix("export ").split("=", 1)
        assert name == variable
        assert _person(token) == person
        assert role.value.replace("_", "-").split("-")[0].upper() in variable


async def test_migrate_reports_an_up_to_date_schema(runner: CliRunner) -> None:
    result = await _run(runner, "migrate")
    assert (result.exit_code, result.output.strip()) == (0, "the database schema is up to date")


def test_directory_commands_say_when_the_stack_is_not_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THROUGHLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THROUGHLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("THROUGHLINE_TEMPORAL_ADDRESS", "127.0.0.1:1")
    result = CliRunner().invoke(app, ["people", "add", "Someone", "--role", "policy"])
    assert result.exit_code == 1
    assert "cannot reach Temporal at 127.0.0.1:1" in result.output
    assert "Traceback" not in result.output
