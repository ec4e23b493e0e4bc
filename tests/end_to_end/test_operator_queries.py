"""The README's operator queries, run with the `temporal` command against the embedded
stack, list exactly what the API lists: a change that continued as new is counted once,
at the stage it is at, and a change closed by a reject shows its real status."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import pass_stage, propose, sign, submit
from tests.factories import Team, new_team
from tests.processes import Stack, start_stack
from throughline.binaries import find_binary
from throughline.temporal import workflow_id

pytestmark = pytest.mark.slow

README = Path(__file__).parents[2] / "README.md"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("operators") / "data")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http:
        yield Api(http)


def readme_queries() -> list[tuple[str, dict[str, str]]]:
    """Each operator query in the README, with the API list it says is the same."""
    rows = re.findall(
        r'`temporal workflow list --query "([^"]+)"` \| `GET /changes\?([^`]+)`',
        README.read_text(),
    )
    return [(query, dict(pair.split("=") for pair in params.split("&"))) for query, params in rows]


def temporal_list(stack: Stack, query: str) -> list[str]:
    """The workflow id of every run the query matches: a change counted twice shows twice."""
    finished = subprocess.run(
        [
            find_binary("temporal"), "workflow", "list",
            "--address", stack.env["THROUGHLINE_TEMPORAL_ADDRESS"],
            "--query", query, "--output", "json",
        ],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    listed = json.loads(finished.stdout or "[]")
    return sorted(w["execution"]["workflowId"] for w in listed)


async def _changes(api: Api, team: Team, **filters: str) -> list[str]:
    listed = await api.get(team.auditor, "/changes", limit=200, **filters)
    return sorted(workflow_id(c["change_id"]) for c in listed.json()["items"])


async def _until_equal(stack: Stack, query: str, expected: list[str]) -> list[str]:
    """Visibility is eventually consistent; give it a few seconds to agree."""
    found: list[str] = []
    for _ in range(50):
        found = await asyncio.to_thread(temporal_list, stack, query)
        if found == expected:
            break
        await asyncio.sleep(0.2)
    return found


async def test_operator_queries_list_what_the_api_lists(stack: Stack, api: Api) -> None:
    team = await stack.seed(new_team())
    waiting = await propose(api, team)
    await submit(api, team, waiting, "intent")
    continued = await propose(api, team)
    for stage in ["intent", "design", "delivery", "check"]:
        await pass_stage(api, team, continued, stage)
    adapt = {"outcome": "adapt", "comment": "again", "restart_at": "intent"}
    assert (await api.post(team.owner, f"/changes/{continued}/decision", adapt)).status_code == 200
    await submit(api, team, continued, "intent again")
    rejected = await propose(api, team)
    revision = await submit(api, team, rejected, "intent")
    await sign(
        api, team.signer(Role.POLICY), rejected, Role.POLICY, revision,
        "reject", comment="no", reject_to="close",
    )  # fmt: skip

    on_policy = await _changes(api, team, waiting_on="policy")
    assert on_policy == sorted([workflow_id(waiting), workflow_id(continued)])
    assert await _changes(api, team, status="rejected") == [workflow_id(rejected)]
    queries = readme_queries()
    assert len(queries) >= 3
    for query, filters in queries:
        expected = await _changes(api, team, **filters)
        assert expected, query
        assert await _until_equal(stack, query, expected) == expected, query
