"""`throughline openapi`, tried as a new user would: throughline/cli/openapi.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from throughline.cli import app


@pytest.fixture
def public_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """No server, database or Temporal: only the settings the document names."""
    monkeypatch.setenv("THROUGHLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THROUGHLINE_PUBLIC_URL", "https://throughline.example.test/")
    return "https://throughline.example.test"


@pytest.mark.usefixtures("public_url")
def test_prints_the_document_the_api_serves() -> None:
    result = CliRunner().invoke(app, ["openapi"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["info"]["title"] == "Throughline"
    assert document["paths"]["/changes/{change_id}/sign-offs"]["post"]["operationId"] == "sign_off"


def test_writes_it_to_a_file_for_a_generator_or_a_linter(public_url: str, tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"
    result = CliRunner().invoke(app, ["openapi", "--output", str(output)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert json.loads(output.read_text())["servers"] == [
        {"url": public_url, "description": "This Throughline"}
    ]
