"""`throughline token`, tried as a new user would: throughline/cli/tokens.py."""

from __future__ import annotations

import uuid

from typer.testing import CliRunner

from tests.throughline.cli.command import person_of_token, run_command


async def test_a_token_is_signed_for_a_person_in_the_directory(runner: CliRunner) -> None:
    pid = f"ops-{uuid.uuid4().hex[:8]}"
    await run_command(runner, "people", "add", "Ops Lead", "--id", pid, "--role", "operations")
    created = await run_command(runner, "token", "create", "--person", pid, "--hours", "2")
    assert created.exit_code == 0, created.output
    assert person_of_token(created.output.strip()) == pid
    unknown = await run_command(runner, "token", "create", "--person", "nobody")
    assert (unknown.exit_code, "no person with id 'nobody'" in unknown.output) == (1, True)
    forever = await run_command(runner, "token", "create", "--person", pid, "--hours", "0")
    assert forever.exit_code == 2
    too_long = await run_command(runner, "token", "create", "--person", pid, "--hours", "721")
    assert too_long.exit_code == 2
