"""Bursts on the embedded stack, in separate processes as people run it: many proposals
at once, and many signers on one gate at once, all get definitive answers."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import intake_body, submit
from tests.factories import Team, new_team
from tests.processes import Stack, stack_env, start_stack

pytestmark = pytest.mark.slow

PROPOSALS = 200
SIGNERS_PER_ROLE = 50


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir = tmp_path_factory.mktemp("bursts") / "data"
    # A short wait for Temporal, so a burst outlasts it and late answers are exercised.
    env = {**stack_env(data_dir), "THROUGHLINE_UPDATE_TIMEOUT_SECONDS": "5"}
    running = start_stack(data_dir, env)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    limits = httpx.Limits(max_connections=400)
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=120, limits=limits) as http:
        yield Api(http)


async def _seed(stack: Stack, people: dict[str, list[Role]] | None = None) -> Team:
    return await stack.seed(new_team(), people)


async def test_a_burst_of_proposals_is_answered_with_what_happened(stack: Stack, api: Api) -> None:
    team = await _seed(stack)
    answers = await asyncio.gather(
        *[
            api.post(team.proposer, "/changes", intake_body(team), key=f"burst-{n}")
            for n in range(PROPOSALS)
        ]
    )
    statuses = Counter(a.status_code for a in answers)
    assert set(statuses) <= {201, 503}, statuses
    assert statuses[503] <= PROPOSALS // 100, statuses
    created = {a.json()["change_id"] for a in answers if a.status_code == 201}
    assert len(created) == statuses[201]
    for change_id in created:
        await _until_readable(api, team, change_id)


async def _until_readable(api: Api, team: Team, change_id: str) -> None:
    for _ in range(300):
        if (await api.get(team.auditor, f"/changes/{change_id}")).status_code == 200:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"change {change_id} was answered 201 but never appeared")


async def test_many_signers_on_one_gate_each_get_a_definitive_answer(
    stack: Stack, api: Api
) -> None:
    suffix = new_team().suffix
    named = {
        role: [f"{role.value}-{n}-{suffix}" for n in range(SIGNERS_PER_ROLE)]
        for role in (Role.POLICY, Role.DIGITAL, Role.OPERATIONS)
    }
    team = await _seed(stack, {p: [role] for role, people in named.items() for p in people})
    people = {**team.people(), **{role.value: people for role, people in named.items()}}
    created = await api.post(team.proposer, "/changes", intake_body(team, people=people))
    change_id = created.json()["change_id"]
    revision = await submit(api, team, change_id, "intent")
    body = {"decision": "approve", "revision": revision}
    answers = await asyncio.gather(
        *[
            api.post(p, f"/changes/{change_id}/sign-offs", {**body, "role": role.value})
            for role, persons in named.items()
            for p in persons
        ]
    )
    statuses = Counter(a.status_code for a in answers)
    assert set(statuses) <= {200, 409}, [a.text for a in answers if a.status_code not in {200, 409}]
    view = (await api.get(team.auditor, f"/changes/{change_id}")).json()
    assert view["stage"] == "design"
    intent = view["past_gates"][0]
    approvals = [s for s in intent["signoffs"] if s["decision"] == "approve"]
    assert len(approvals) == statuses[200]
    assert len({s["person"] for s in approvals}) == len(approvals)
