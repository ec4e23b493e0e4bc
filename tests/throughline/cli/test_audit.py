"""`throughline audit public-key`, tried as an auditor would: it prints the key made on
first use, the same each time: throughline/cli/audit.py."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.throughline.cli.command import run_command


async def test_the_public_key_is_printed_the_same_each_time(runner: CliRunner) -> None:
    printed = await run_command(runner, "audit", "public-key")
    again = await run_command(runner, "audit", "public-key")

    assert printed.exit_code == 0, printed.output
    key = json.loads(printed.output)
    assert key == json.loads(again.output)
    assert (key["alg"], len(key["kid"])) == ("Ed25519", 16)
