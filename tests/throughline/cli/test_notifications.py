"""`throughline notifications`, tried as a new user would: throughline/cli/notifications.py."""

from __future__ import annotations

import uuid

import pytest
from typer.testing import CliRunner

from tests.throughline.cli.command import run_command


async def test_an_operator_sets_and_reads_a_persons_choices(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THROUGHLINE_SMTP_HOST", "127.0.0.1")
    pid = f"reader-{uuid.uuid4().hex[:8]}"
    await run_command(runner, "people", "add", "Reader", "--id", pid, "--role", "policy")
    address = f"{pid}@example.gov.uk"
    chosen = await run_command(
        runner, "notifications", "set", pid, "--email", address, "--channel", "email", "--digest"
    )
    assert chosen.exit_code == 0, chosen.output
    assert f"{pid}: email to {address}, in a daily digest" in chosen.output
    shown = await run_command(runner, "notifications", "show", pid)
    assert f"{pid}: email to {address}, in a daily digest" in shown.output


async def test_a_channel_not_set_up_is_refused_in_one_line(runner: CliRunner) -> None:
    pid = f"reader-{uuid.uuid4().hex[:8]}"
    await run_command(runner, "people", "add", "Reader", "--id", pid, "--role", "policy")
    refused = await run_command(
        runner, "notifications", "set", pid, "--email", "a@b.gov.uk", "--channel", "notify"
    )
    assert refused.exit_code == 1
    assert "not set up here: notify" in refused.output
    assert "Traceback" not in refused.output
