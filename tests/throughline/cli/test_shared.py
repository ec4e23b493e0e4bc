"""What every command says when a part it needs is not running: throughline/cli/shared.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from throughline.cli import app


def test_directory_commands_say_when_the_stack_is_not_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THROUGHLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THROUGHLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("THROUGHLINE_TEMPORAL_ADDRESS", "127.0.0.1:1")
    result = CliRunner().invoke(app, ["people", "add", "Someone", "--role", "policy"])
    assert result.exit_code == 1
    assert "cannot reach Temporal at 127.0.0.1:1" in result.output
    assert "Traceback" not in result.output
