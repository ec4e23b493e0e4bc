"""The README walkthrough works exactly as written, against a running stack."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import Stack, start_stack

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"


def walkthrough_script() -> str:
    """Every sh block of the Walkthrough section, in order, as one script."""
    text = README.read_text()
    section = text.split("## Walkthrough", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) >= 5, "the walkthrough lost its code blocks"
    return "set -euo pipefail\n" + "\n".join(blocks)


def practice_script() -> str:
    """The Walkthrough's first block (the demo team and the helpers), then every sh block
    of the improvement practice section, in order."""
    text = README.read_text()
    setup = walkthrough_script().split("KEY=")[0]
    section = text.split("## The improvement practice", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) >= 6, "the improvement practice lost its code blocks"
    return setup + "\n".join(blocks)


def auditing_script() -> str:
    """The Walkthrough, then every sh block of the auditing section, in order."""
    text = README.read_text()
    section = text.split("## Auditing", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) >= 3, "the auditing section lost its code blocks"
    return walkthrough_script() + "\n".join(blocks)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("readme") / "data")
    try:
        yield running
    finally:
        running.stop()


def _run(stack: Stack, script: str) -> subprocess.CompletedProcess[str]:
    # Only the address and the venv location differ from what a newcomer runs.
    script = script.replace("http://127.0.0.1:8000", stack.api_url)
    script = script.replace(".venv/bin/", f"{Path(sys.executable).parent}/")
    return subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("run", ["first", "again on the same stack"])
def test_walkthrough_takes_a_change_from_proposal_to_adoption(stack: Stack, run: str) -> None:
    finished = _run(stack, walkthrough_script())
    assert finished.returncode == 0, f"{run}: " + finished.stdout + finished.stderr
    lines = finished.stdout.splitlines()
    assert [line for line in lines if line in {"design", "delivery", "check", "act"}] == [
        "design",
        "delivery",
        "check",
        "act",
    ]
    assert "changes_requested" in lines
    assert "completed" in lines
    assert "'intact': True" in finished.stdout
    assert "'met': True" in finished.stdout


def test_a_step_that_is_refused_shows_what_the_api_said(stack: Stack) -> None:
    helpers = walkthrough_script().split("KEY=")[0]
    refused = _run(stack, helpers + 'get "not-a-token" /changes | field items\n')
    assert refused.returncode == 1
    assert 'the API answered: {"error":"unauthenticated"' in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("run", ["first", "again on the same stack"])
def test_the_improvement_practice_runs_as_written(stack: Stack, run: str) -> None:
    finished = _run(stack, practice_script())
    assert finished.returncode == 0, f"{run}: " + finished.stdout + finished.stderr
    lines = finished.stdout.splitlines()
    stages = [line for line in lines if line in {"intent", "design", "alpha", "private_beta"}]
    intent, design = ["intent"] * 3, ["design"] * 3
    assert stages == [*intent, *design, "alpha", "private_beta"]
    assert "ground_not_prepared" in lines
    assert lines.count("set_readiness") == 2
    assert (
        "operating model is in progress, owned by operations-lead while digital service is ready"
        in lines
    )
    assert "True" in lines
    assert "64.0" in lines
    assert "changes_requested" in lines
    assert lines[-1] == "met"
    ranked = next(line for line in lines if line.startswith("Need "))
    assert ranked.startswith("Need 100: 'Holders without internet access'")


def test_an_auditor_checks_a_change_offline_as_written(stack: Stack) -> None:
    finished = _run(stack, auditing_script())
    assert finished.returncode == 0, finished.stdout + finished.stderr
    lines = finished.stdout.splitlines()
    verdicts = [line for line in lines if line.startswith(("INTACT", "FAILED"))]
    assert [v.split()[0] for v in verdicts] == ["INTACT", "INTACT", "FAILED"], finished.stdout
    assert verdicts[-1].endswith("was changed: its digest is not the manifest's")
    assert lines[-1] == "the edited bundle was refused"
