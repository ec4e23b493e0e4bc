"""`throughline health worker`: healthy on a fresh heartbeat, unhealthy with the reason on
none, a stale one, or no file set; `health api` says why when nothing answers."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.processes import free_port
from throughline.cli import app
from throughline.probe import STALE_SECONDS


@pytest.fixture
def beat_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "worker-health"
    monkeypatch.setenv("THROUGHLINE_WORKER_HEALTH_FILE", str(path))
    return path


def test_a_fresh_heartbeat_is_healthy(beat_file: Path) -> None:
    beat_file.touch()
    result = CliRunner().invoke(app, ["health", "worker"])
    assert (result.exit_code, result.output.split(" (")[0]) == (0, "worker healthy")


def test_no_heartbeat_and_a_stale_one_are_unhealthy(beat_file: Path) -> None:
    missing = CliRunner().invoke(app, ["health", "worker"])
    assert missing.exit_code == 1
    assert "no heartbeat yet" in missing.output
    beat_file.touch()
    long_ago = time.time() - 2 * STALE_SECONDS
    os.utime(beat_file, (long_ago, long_ago))
    stale = CliRunner().invoke(app, ["health", "worker"])
    assert stale.exit_code == 1
    assert "the last heartbeat was" in stale.output


def test_the_worker_check_needs_its_file_named() -> None:
    result = CliRunner().invoke(app, ["health", "worker"])
    assert result.exit_code == 1
    assert "THROUGHLINE_WORKER_HEALTH_FILE" in result.output


def test_the_api_check_says_why_when_nothing_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROUGHLINE_API_PORT", str(free_port()))
    result = CliRunner().invoke(app, ["health", "api"])
    assert result.exit_code == 1
    assert "/healthz did not answer" in result.output
