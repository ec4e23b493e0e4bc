"""Helpers for tests of the archive: a change with two runs, waiting for its runs to be
archived, and making Temporal forget a run, as its retention period would.

Temporal deletes a run only once its close has been acknowledged, which a dev server does
every 30 seconds by default; a server started with FORGETFUL does it within seconds."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from models.archive import ArchivedRun
from models.commands import DecisionRequest
from models.gate import ActOutcome
from tests.factories import new_team, seed_team
from tests.workflows.helpers import adapt, pass_current_gate, to_act_gate
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService
from throughline.store import archive
from throughline.temporal import workflow_id

Sessions = async_sessionmaker[AsyncSession]
FORGETFUL = [
    "--dynamic-config-value",
    'history.transferProcessorUpdateAckInterval="200ms"',
    "--dynamic-config-value",
    'history.visibilityProcessorUpdateAckInterval="200ms"',
]


async def adapted_then_adopted(commands: ChangeService, team_of: DirectoryService) -> str:
    """A change through one whole cycle, adapted (continuing as new), then adopted."""
    team = await seed_team(team_of, new_team())
    change_id = (await commands.propose(team.intake(), team.proposer, key=None)).change_id
    await to_act_gate(commands, change_id, team)
    await commands.decide(change_id, team.owner, adapt(), key=None)
    for stage in ["design", "delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    adopt = DecisionRequest(outcome=ActOutcome.ADOPT)
    await commands.decide(change_id, team.owner, adopt, key=None)
    return change_id


async def archived_runs_of(sessions: Sessions, change_id: str, runs: int) -> list[ArchivedRun]:
    """The change's archived runs, once there are as many as expected."""
    for _ in range(150):
        async with sessions() as session:
            found = await archive.runs_of(session, workflow_id(change_id))
        if len(found) >= runs:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"{runs} runs of {change_id} were never archived")


async def forget_in_temporal(client: Client, run: ArchivedRun) -> None:
    """Delete a closed run from Temporal, as retention would, and wait until neither the
    run nor its listing is left."""
    execution = WorkflowExecution(workflow_id=run.workflow_id, run_id=run.run_id)
    request = DeleteWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=execution
    )
    await client.workflow_service.delete_workflow_execution(request)
    query = f"WorkflowId = '{run.workflow_id}'"
    for _ in range(300):
        listed = {w.run_id async for w in client.list_workflows(query)}
        if run.run_id not in listed and not await _still_there(client, run):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"Temporal never forgot run {run.run_id}")


async def _still_there(client: Client, run: ArchivedRun) -> bool:
    try:
        await client.get_workflow_handle(run.workflow_id, run_id=run.run_id).describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True
