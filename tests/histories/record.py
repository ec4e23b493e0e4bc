"""Record workflow histories for the replay test.

Run after an intended, compatible workflow change, and commit the result:

    .venv/bin/python -m tests.histories.record

It drives one change through request-changes, a reject, an adapt (continue-as-new)
and an adopt on a fresh dev server, and saves every run's history here as JSON.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from models.commands import DecisionRequest, SignOffRequest
from models.gate import ActOutcome, Decision
from models.roles import Role
from tests.factories import Team, new_team, seed_team
from tests.workflows.helpers import adapt, pass_current_gate, work
from throughline import db
from throughline.binaries import find_binary
from throughline.changes import ChangeCommands
from throughline.settings import Settings
from throughline.temporal import workflow_id
from workers.main import build_worker
from workflows import search_attributes

HERE = Path(__file__).parent


async def _drive(commands: ChangeCommands, team: Team) -> str:
    change_id = (await commands.create(team.intake(), team.proposer, key="record")).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    changes = SignOffRequest(
        role=Role.OPERATIONS, decision=Decision.REQUEST_CHANGES, revision=1, comment="more"
    )
    await commands.sign_off(change_id, team.signer(Role.OPERATIONS), changes, key=None)
    await pass_current_gate(commands, change_id, team, stage="intent")
    await commands.submit(change_id, team.proposer, work("design"), key=None)
    reject = SignOffRequest(
        role=Role.POLICY, decision=Decision.REJECT, revision=3, comment="no", reject_to="intent"
    )
    await commands.sign_off(change_id, team.signer(Role.POLICY), reject, key=None)
    for stage in ["intent", "design", "delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    await commands.decide(change_id, team.owner, adapt(), key="adapt")
    for stage in ["design", "delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    await commands.decide(change_id, team.owner, DecisionRequest(outcome=ActOutcome.ADOPT), None)
    return change_id


async def _save_runs(client: Client, change_id: str) -> list[Path]:
    query = f"WorkflowId = '{workflow_id(change_id)}'"
    runs = [w async for w in client.list_workflows(query)]
    saved = []
    for index, run in enumerate(sorted(runs, key=lambda r: r.start_time), start=1):
        handle = client.get_workflow_handle(run.id, run_id=run.run_id)
        history = await handle.fetch_history()
        path = HERE / f"service_change_lifecycle_run{index}.json"
        path.write_text(history.to_json())
        saved.append(path)
    return saved


async def record() -> list[Path]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_binary("temporal"),
        search_attributes=list(search_attributes.ALL),
        data_converter=pydantic_data_converter,
    )
    url = f"sqlite:///{tempfile.mkdtemp()}/record.db"
    db.migrate_sync(url)
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    task_queue = f"record-{uuid.uuid4()}"
    async with env, build_worker(env.client, task_queue, sessions):
        team = await seed_team(sessions, new_team())
        commands = ChangeCommands(env.client, Settings(task_queue=task_queue))
        change_id = await _drive(commands, team)
        await env.client.get_workflow_handle(workflow_id(change_id)).result()
        for _ in range(50):
            saved = await _save_runs(env.client, change_id)
            if len(saved) == 2:
                break
            await asyncio.sleep(0.2)
    await engine.dispose()
    return saved


if __name__ == "__main__":
    for path in asyncio.run(record()):
        print(f"recorded {path}")  # noqa: T201
