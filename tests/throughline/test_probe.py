"""The containers' health check, run as the image runs it: throughline/probe.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.processes import free_port
from throughline.probe import STALE_SECONDS

HEAVY = ("pydantic", "temporalio", "sqlalchemy", "typer", "fastapi")


def _probe(part: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THROUGHLINE_")}
    return subprocess.run(
        [sys.executable, "-m", "throughline.probe", part],
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_fresh_beat_is_healthy_and_a_stale_or_missing_one_is_not(tmp_path: Path) -> None:
    beat = tmp_path / "worker-health"
    beat.touch()
    assert _probe("worker", THROUGHLINE_WORKER_HEALTH_FILE=str(beat)).returncode == 0
    old = time.time() - STALE_SECONDS - 5
    os.utime(beat, (old, old))
    stale = _probe("worker", THROUGHLINE_WORKER_HEALTH_FILE=str(beat))
    assert (stale.returncode, "more than 30 s" in stale.stderr) == (1, True)
    missing = _probe("worker", THROUGHLINE_WORKER_HEALTH_FILE=str(tmp_path / "none"))
    assert (missing.returncode, "no heartbeat yet" in missing.stderr) == (1, True)
    unset = _probe("worker")
    assert (unset.returncode, "THROUGHLINE_WORKER_HEALTH_FILE" in unset.stderr) == (1, True)


def test_an_api_that_does_not_answer_is_unhealthy() -> None:
    answer = _probe("api", THROUGHLINE_API_PORT=str(free_port()))
    assert answer.returncode == 1
    assert "/healthz did not answer" in answer.stderr


def test_an_unknown_part_is_refused_with_the_usage() -> None:
    answer = _probe("database")
    assert (answer.returncode, "usage:" in answer.stderr) == (1, True)


def test_it_imports_the_standard_library_alone() -> None:
    check = "import sys, throughline.probe; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert not [package for package in HEAVY if f"'{package}'" in loaded]
