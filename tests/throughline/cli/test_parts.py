"""`throughline demo` and `migrate`, tried as a new user would: throughline/cli/parts.py."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.throughline.cli.command import person_of_token, run_command
from throughline.cli import DEMO_TEAM, app


async def test_demo_seeds_the_team_and_prints_a_token_each_even_twice(runner: CliRunner) -> None:
    for _ in range(2):
        result = await run_command(runner, "demo")
        assert result.exit_code == 0, result.output
    exports = [line for line in result.output.splitlines() if line.startswith("export ")]
    assert len(exports) == len(DEMO_TEAM)
    for line, (person, _, role, variable) in zip(exports, DEMO_TEAM, strict=True):
        name, token = line.split("  #")[0].removeprefix("export ").split("=", 1)
        assert name == variable
        assert person_of_token(token) == person
        assert role.value.replace("_", "-").split("-")[0].upper() in variable


async def test_migrate_reports_an_up_to_date_schema(runner: CliRunner) -> None:
    result = await run_command(runner, "migrate")
    assert (result.exit_code, result.output.strip()) == (0, "the database schema is up to date")


def test_bad_database_settings_are_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("THROUGHLINE_DATABASE_HOST", "postgresql")
    monkeypatch.setenv("THROUGHLINE_DATABASE_PORT", "not-a-port")
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 1
    assert result.output.startswith("throughline: THROUGHLINE_DATABASE_PORT: ")
    assert "Traceback" not in result.output
