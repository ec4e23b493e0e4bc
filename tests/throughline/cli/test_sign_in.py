"""`throughline login-link`, tried as a new user would: throughline/cli/sign_in.py."""

from __future__ import annotations

import uuid

import pytest
from typer.testing import CliRunner

from tests.throughline.cli.command import run_command


async def test_a_link_is_printed_for_a_person_in_the_directory(runner: CliRunner) -> None:
    pid = f"pol-{uuid.uuid4().hex[:8]}"
    await run_command(runner, "people", "add", "Policy lead", "--id", pid, "--role", "policy")

    printed = await run_command(runner, "login-link", "--person", pid)

    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("http://127.0.0.1:8000/web/sign-in/link?token=")
    unknown = await run_command(runner, "login-link", "--person", "nobody")
    assert (unknown.exit_code, "no person with id 'nobody'" in unknown.output) == (1, True)


async def test_no_link_is_made_in_production(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THROUGHLINE_ENVIRONMENT", "production")

    refused = await run_command(runner, "login-link", "--person", "anyone")

    assert refused.exit_code == 1
    assert "sign-in links are for development only" in refused.output
