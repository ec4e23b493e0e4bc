"""The scenarios that show runs archived as they close: a change through one whole cycle,
adapted (the run continues as new, having started the archiving of its history), then
adopted (the last run returns, having done the same); and the directory, on a server that
soon suggests continue-as-new, until it has continued once."""

from __future__ import annotations

from temporalio.client import Client, WorkflowHistory

from models.commands import DecisionRequest
from models.directory.commands import NewPerson
from models.directory.state import OPERATOR
from models.gate import ActOutcome
from models.roles import Role
from tests.factories import Team
from tests.workflows.helpers import adapt, pass_current_gate, to_act_gate
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService


async def drive_archived(commands: ChangeService, team: Team) -> str:
    change_id = (await commands.propose(team.intake(), team.proposer, key="archive")).change_id
    await to_act_gate(commands, change_id, team)
    await commands.decide(change_id, team.owner, adapt(), key="adapt")
    for stage in ["design", "delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    await commands.decide(change_id, team.owner, DecisionRequest(outcome=ActOutcome.ADOPT), None)
    return change_id


EAGER = ["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=25"]
"""A dev server that suggests continue-as-new after a few dozen events, so the directory,
which continues only when Temporal suggests it, does so within a few commands."""


async def drive_directory_runs(client: Client, directory: DirectoryService, team: Team) -> None:
    """Directory commands until the directory has continued as new once."""
    handle = client.get_workflow_handle(directory.directory_id)
    first = (await handle.describe()).run_id
    newcomer = f"runner-{team.suffix}"
    await directory.add_people(OPERATOR, [NewPerson(name="Runner", id=newcomer)])
    for turn in range(30):
        if (await handle.describe()).run_id != first:
            return
        await directory.change_role(team.admin, newcomer, Role.POLICY, grant=turn % 2 == 0)
    raise AssertionError("the directory never continued as new")


async def directory_runs(client: Client, directory_id: str) -> list[WorkflowHistory]:
    """Every run of the directory, oldest first, found by following each run back to the
    one it continued from: no waiting for visibility."""
    histories: list[WorkflowHistory] = []
    run_id: str | None = None
    while True:
        history = await client.get_workflow_handle(directory_id, run_id=run_id).fetch_history()
        histories.insert(0, history)
        started = history.events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return histories
        run_id = started.continued_execution_run_id
