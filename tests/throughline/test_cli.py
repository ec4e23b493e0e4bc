"""The `throughline` command, tried as a new user would: people, tokens, demo, migrate."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from throughline.cli import DEMO_TEAM, app
from throughline.settings import TOKEN_SECRET_FILE
from throughline.tokens import read_token


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in ["THROUGHLINE_DATABASE_URL", "THROUGHLINE_TOKEN_SECRET"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("THROUGHLINE_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def _secret(tmp_path: Path) -> str:
    return (tmp_path / "data" / TOKEN_SECRET_FILE).read_text().strip()


def test_people_are_added_listed_and_refused_twice(runner: CliRunner) -> None:
    added = runner.invoke(
        app, ["people", "add", "Policy Deputy", "--role", "policy", "--role", "operations"]
    )
    assert added.exit_code == 0, added.output
    assert "added policy-deputy (policy, operations)" in added.output
    listed = runner.invoke(app, ["people", "list"])
    assert "policy-deputy\tPolicy Deputy\tpolicy, operations" in listed.output
    again = runner.invoke(app, ["people", "add", "Policy Deputy", "--role", "policy"])
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert "Traceback" not in again.output


def test_a_token_is_signed_for_a_person_in_the_directory(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["people", "add", "Ops Lead", "--role", "operations"])
    created = runner.invoke(app, ["token", "create", "--person", "ops-lead", "--hours", "2"])
    assert created.exit_code == 0, created.output
    assert read_token(created.output.strip(), _secret(tmp_path)) == "ops-lead"
    unknown = runner.invoke(app, ["token", "create", "--person", "nobody"])
    assert (unknown.exit_code, "no person with id 'nobody'" in unknown.output) == (1, True)
    forever = runner.invoke(app, ["token", "create", "--person", "ops-lead", "--hours", "0"])
    assert forever.exit_code == 2


def test_demo_seeds_the_team_and_prints_a_token_each_even_twice(
    runner: CliRunner, tmp_path: Path
) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["demo"])
        assert result.exit_code == 0, result.output
    exports = [line for line in result.output.splitlines() if line.startswith("export ")]
    assert len(exports) == len(DEMO_TEAM)
    for line, (person, _, _, variable) in zip(exports, DEMO_TEAM, strict=True):
        name, token = line.split("  #")[0].removeprefix("export ").split("=", 1)
        assert name == variable
        assert read_token(token, _secret(tmp_path)) == person


def test_migrate_reports_an_up_to_date_schema(runner: CliRunner) -> None:
    result = runner.invoke(app, ["migrate"])
    assert (result.exit_code, result.output.strip()) == (0, "the database schema is up to date")
