"""`throughline audit`, tried as an auditor would: the key made on first use, printed the
same each time; a change exported and verified offline: throughline/cli/audit.py."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team
from tests.throughline.cli.command import run_command


async def test_the_public_key_is_printed_the_same_each_time(runner: CliRunner) -> None:
    printed = await run_command(runner, "audit", "public-key")
    again = await run_command(runner, "audit", "public-key")

    assert printed.exit_code == 0, printed.output
    key = json.loads(printed.output)
    assert key == json.loads(again.output)
    assert (key["alg"], len(key["kid"])) == ("Ed25519", 16)


async def test_an_exported_change_is_verified_offline(
    runner: CliRunner, api: Api, team: Team, tmp_path: Path
) -> None:
    """Export, then verify with the command alone: intact, and an edit named."""
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    bundle = tmp_path / "change.json"
    exported = await run_command(runner, "audit", "export", change_id, "--out", str(bundle))
    assert exported.exit_code == 0, exported.output
    key = tmp_path / "key.json"
    key.write_text((await run_command(runner, "audit", "public-key")).output)

    checked = await run_command(runner, "audit", "verify", str(bundle), "--public-key", str(key))
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[-1] == "INTACT  the bundle checks out"
    assert "audit events link up" in checked.output

    document = json.loads(bundle.read_text())
    document["manifest"]["exported_by"] = "someone-else"
    bundle.write_text(json.dumps(document))
    tampered = await run_command(runner, "audit", "verify", str(bundle))
    assert tampered.exit_code == 1
    assert tampered.output.splitlines()[-1].startswith("FAILED  the signature does not match")


async def test_what_cannot_be_read_is_said_plainly(runner: CliRunner, tmp_path: Path) -> None:
    missing = await run_command(runner, "audit", "verify", str(tmp_path / "none.json"))
    assert missing.exit_code == 2
    assert "cannot read" in missing.output
    junk = tmp_path / "junk.json"
    junk.write_text("not json")
    unreadable = await run_command(runner, "audit", "verify", str(junk))
    assert (unreadable.exit_code, "is not JSON" in unreadable.output) == (2, True)
    junk.write_text("{}")
    empty = await run_command(runner, "audit", "verify", str(junk))
    assert empty.exit_code == 1
    assert "not an audit bundle" in empty.output
    both = await run_command(runner, "audit", "export", "c-1", "--service", "x")
    assert both.exit_code == 1
    assert "one of them" in both.output


async def test_a_bad_key_or_a_doubtful_file_is_a_mistake_in_the_command(
    runner: CliRunner, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text('{"manifest": {}, "manifest": {}}')
    repeated = await run_command(runner, "audit", "verify", str(bundle))
    assert repeated.exit_code == 2
    assert "named twice" in repeated.output
    bundle.write_text("[" * 100_000)
    deep = await run_command(runner, "audit", "verify", str(bundle))
    assert deep.exit_code == 2
    assert "Traceback" not in deep.output
    bundle.write_text("{}")
    wrong_key = await run_command(
        runner, "audit", "verify", str(bundle), "--public-key", "c2hvcnQ="
    )
    assert wrong_key.exit_code == 2
    assert "--public-key: the public key is 5 bytes" in wrong_key.output
