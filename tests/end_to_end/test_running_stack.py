"""The whole lifecycle over real HTTP against `throughline up`: dev server, worker, API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.client import Api
from tests.api.flows import run_whole_lifecycle
from tests.factories import new_team
from tests.processes import Stack, stack_env, start_stack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir = tmp_path_factory.mktemp("stack") / "data"
    # DEBUG, so Temporal core says something worth checking the form of.
    running = start_stack(data_dir, {**stack_env(data_dir), "THROUGHLINE_LOG_LEVEL": "DEBUG"})
    try:
        yield running
    finally:
        running.stop()


async def test_whole_lifecycle_over_real_http(stack: Stack) -> None:
    team = await stack.seed(new_team())
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http:
        await run_whole_lifecycle(Api(http), team)


async def test_openapi_is_served_by_the_running_stack(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as http:
        schema = (await http.get("/openapi.json")).json()
    assert schema["info"]["title"] == "Throughline"
    assert "/changes/{change_id}/sign-offs" in schema["paths"]


def test_stack_logs_are_json_lines_temporal_core_included(stack: Stack) -> None:
    worker_log = Path(stack.data_dir) / "logs" / "worker.log"
    records = [json.loads(line) for line in worker_log.read_text().splitlines() if line.strip()]
    assert any(r["message"] == "worker started" for r in records)
    core = [r for r in records if r["logger"].startswith("temporal-sdk_core")]
    assert core, "no line of Temporal core's was forwarded"
    assert not any("\x1b[" in r["message"] for r in records)
