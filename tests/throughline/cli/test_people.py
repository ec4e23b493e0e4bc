"""`throughline people`, tried as a new user would: throughline/cli/people.py."""

from __future__ import annotations

import uuid

from typer.testing import CliRunner

from tests.throughline.cli.command import run_command


async def test_people_are_added_listed_and_refused_twice(runner: CliRunner) -> None:
    pid = f"deputy-{uuid.uuid4().hex[:8]}"
    added = await run_command(
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
    listed = await run_command(runner, "people", "list")
    assert f"{pid}\tPolicy Deputy\tpolicy, operations" in listed.output
    again = await run_command(
        runner, "people", "add", "Policy Deputy", "--id", pid, "--role", "policy"
    )
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert "Traceback" not in again.output


async def test_a_person_is_deactivated_and_their_history_shown(runner: CliRunner) -> None:
    pid = f"leaver-{uuid.uuid4().hex[:8]}"
    await run_command(runner, "people", "add", "Leaver", "--id", pid, "--role", "policy")
    assert (await run_command(runner, "people", "deactivate", pid)).exit_code == 0
    refused = await run_command(runner, "token", "create", "--person", pid)
    assert (refused.exit_code, "no token is issued" in refused.output) == (1, True)
    history = (await run_command(runner, "people", "history", pid)).output.splitlines()
    assert [line.split("\t")[2] for line in history] == [
        f"operator added {pid} with roles policy",
        f"operator deactivated {pid}",
        f"operator revoked every token of {pid} issued until then",
    ]
