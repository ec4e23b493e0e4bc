"""`throughline playbook`, tried as an admin would, with playbooks in YAML and JSON files:
throughline/cli/playbooks.py."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from api.playbook_examples import PLAYBOOK
from tests.throughline.cli.command import run_command


def _file(folder: Path, name: str, version: int = 1, policy: int = 2, suffix: str = "yaml") -> Path:
    data: dict[str, Any] = copy.deepcopy(PLAYBOOK)
    data.update(name=name, version=version)
    data["stages"][0]["gate"]["quorum"]["policy"] = policy
    path = folder / f"{name}-{version}.{suffix}"
    text = json.dumps(data) if suffix == "json" else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text)
    return path


async def test_a_playbook_is_validated_published_listed_and_shown(
    runner: CliRunner, tmp_path: Path
) -> None:
    name = f"custom-{uuid.uuid4().hex[:8]}"
    first = _file(tmp_path, name)
    checked = await run_command(runner, "playbook", "validate", str(first))
    assert checked.exit_code == 0, checked.output
    assert f"valid: {name} version 1 (sha256 " in checked.output
    published = await run_command(runner, "playbook", "publish", str(first))
    assert published.exit_code == 0, published.output
    assert published.output.startswith(f"published {name} version 1 (sha256 ")
    again = await run_command(runner, "playbook", "publish", str(first))
    assert again.output.startswith("already published with the same content:")
    listed = await run_command(runner, "playbook", "list")
    assert f"{name}\t1\tpublished\tPlan, do, check, act with two policy approvers" in listed.output
    assert "pdca\t3\tbuilt_in\tPlan, do, check, act" in listed.output
    shown = await run_command(runner, "playbook", "show", name)
    assert shown.output.startswith(f"# {name} version 1 (published, published by operator")
    assert yaml.safe_load(shown.output)["stages"][0]["gate"]["quorum"]["policy"] == 2
    as_json = await run_command(
        runner, "playbook", "show", "pdca", "--version", "2", "--format", "json"
    )
    assert json.loads(as_json.output.split("\n", 1)[1])["version"] == 2


async def test_problems_and_refusals_are_one_plain_line_each(
    runner: CliRunner, tmp_path: Path
) -> None:
    name = f"custom-{uuid.uuid4().hex[:8]}"
    broken = _file(tmp_path, name, policy=0, suffix="json")
    checked = await run_command(runner, "playbook", "validate", str(broken))
    assert checked.exit_code == 1
    assert "gate 'intent agreed' needs a quorum of at least 1 for each role" in checked.output
    assert "Traceback" not in checked.output
    await run_command(runner, "playbook", "publish", str(_file(tmp_path, name)))
    changed = _file(tmp_path, name, policy=1)
    refused = await run_command(runner, "playbook", "publish", str(changed))
    assert refused.exit_code == 1
    assert f"version 1 of the '{name}' playbook is already published" in refused.output
    missing = await run_command(runner, "playbook", "show", name, "--version", "4")
    assert (missing.exit_code, "has no version 4; its versions are 1" in missing.output) == (
        1,
        True,
    )


async def test_the_diff_compares_the_file_with_the_latest_version(
    runner: CliRunner, tmp_path: Path
) -> None:
    name = f"custom-{uuid.uuid4().hex[:8]}"
    await run_command(runner, "playbook", "publish", str(_file(tmp_path, name)))
    diffed = await run_command(runner, "playbook", "diff", str(_file(tmp_path, name, 2, policy=3)))
    assert diffed.exit_code == 0, diffed.output
    assert diffed.output.splitlines()[:3] == [
        f"{name}: version 1 → version 2",
        "  - gate 'intent agreed': policy quorum 2 → 3",
        f"open changes on {name}: 0",
    ]
    assert "Running changes never move" in diffed.output
