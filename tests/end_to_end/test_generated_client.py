"""An integrator's path, tried as a new user would: generate a Python client from the
running stack's /openapi.json with openapi-python-client, check it with mypy --strict,
and take a change from proposal to adoption with clients/python/lifecycle.py, which uses
only that client."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from models.roles import Role
from tests.api.client import auth, token
from tests.factories import Team, new_team
from tests.processes import Stack, start_stack

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
CLIENTS = ROOT / "clients" / "python"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("client-stack") / "data")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def generated(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client, generated from what the running API serves, beside the script."""
    folder = tmp_path_factory.mktemp("client")
    document = folder / "openapi.json"
    document.write_text(httpx.get(f"{stack.api_url}/openapi.json", timeout=30).text)
    config = CLIENTS / "openapi-python-client.yaml"
    output = folder / "throughline_client"
    generate = ["openapi-python-client", "generate", "--path", str(document), "--meta", "none"]
    _run([*generate, "--output-path", str(output), "--config", str(config)], cwd=folder)
    shutil.copy(CLIENTS / "lifecycle.py", folder / "lifecycle.py")
    return folder


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The generator runs `ruff format` from PATH: the venv's, as `make` sets it.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    command = [str(BIN / command[0]), *command[1:]]
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_generated_client_and_the_script_pass_mypy_strict(generated: Path) -> None:
    result = _run(
        ["mypy", "--strict", "--no-incremental", "throughline_client", "lifecycle.py"],
        cwd=generated,
    )
    assert "Success: no issues found" in result.stdout


def test_short_ids_and_enums_reach_the_generated_code(generated: Path) -> None:
    package = generated / "throughline_client"
    assert (package / "api" / "changes" / "sign_off.py").exists()
    assert (package / "api" / "changes" / "get_change.py").exists()
    error_codes = (package / "models" / "error_body_error.py").read_text()
    assert 'SEPARATION_OF_DUTIES = "separation_of_duties"' in error_codes
    assert _annotation_of(package / "api" / "changes" / "sign_off.py", "idempotency_key") == (
        "str | Unset"
    )


def _annotation_of(module: Path, parameter: str) -> str:
    """How sync_detailed in a generated module types one of its parameters."""
    tree = ast.parse(module.read_text())
    function = next(
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "sync_detailed"
    )
    arguments = [*function.args.args, *function.args.kwonlyargs]
    found = next(a for a in arguments if a.arg == parameter)
    assert found.annotation is not None
    return ast.unparse(found.annotation)


def _people_file(team: Team, folder: Path) -> Path:
    signing = [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]
    signers = {role.value: team.signer(role) for role in signing}
    everyone = [team.proposer, team.owner, *signers.values()]
    people = {
        "proposer": team.proposer,
        "signers": signers,
        "owner": team.owner,
        "named": team.people(),
        "tokens": {person: token(person) for person in everyone},
    }
    path = folder / "people.json"
    path.write_text(json.dumps(people))
    return path


async def test_a_script_using_only_the_client_takes_a_change_to_adoption(
    stack: Stack, generated: Path
) -> None:
    team = await stack.seed(new_team())
    people = _people_file(team, generated)
    result = _run(["python", "lifecycle.py", stack.api_url, str(people)], cwd=generated)
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "intent: passed, now at design",
        "design: passed, now at delivery",
        "delivery: passed, now at check",
        "check: passed, now at act",
    ]
    change_id, outcome = lines[-1].split(": ", 1)
    assert outcome == "completed, adopt, adapt or abandon decided at act"
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as http:
        answer = await http.get(f"/changes/{change_id}", headers=auth(team.auditor))
    view = answer.json()
    assert (view["status"], view["stage"]) == ("completed", "act")
