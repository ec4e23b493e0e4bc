"""Record workflow histories for the replay tests.

    .venv/bin/python -m tests.histories.record SCENARIO NAME

Scenarios, on the newest PDCA playbook (practice also on the GOV.UK phases):
- waiting: a gate held by a condition and handed to its owner, keyed sign-offs sent at
  once, and a new cycle (continue-as-new, which clears the old run's search attributes);
- directory: the directory workflow through every kind of event, a delegation's end
  among them (saved as directory_NAME_run1.json: NAME should start with "directory");
- governance: one change through tagged evidence and request-changes, a delegate
  signing, an amber condition closed by its owner, a reject challenged and overturned,
  an adapt (continue-as-new) and an adopt;
- chase (on a time-skipping server): a sign-off reminded, marked overdue and escalated,
  then signed; saved as the run stands, since it does not end;
- practice: a change through the GOV.UK phases with a red alpha reassessed, saved as
  NAME_phases; and a change whose missing condition is overridden, as NAME_ground;
- edges: an approval that lapses when the quorum is re-checked, a withdrawal that lapses
  a waiting challenge, and a reject that closes a change whose challenge is upheld;
- playbooks: the directory workflow publishing playbook versions, one of them twice
  (saved as directory_NAME_run1.json, like the directory scenario);
- archive: a change adapted, then adopted, each run starting the archiving of its
  history just before it ends;
- directory_archive: the directory, on a server that soon suggests continue-as-new,
  until it has continued as new, starting the archiving of the run that ended; each
  run that ended is saved as NAME_run<n>.json (NAME should start with "directory").
Every run's history is saved here as JSON, named NAME_<change>_run<n>.json.

Histories already committed are never re-recorded: they stand for changes in flight
on older code (pdca_v1_* were recorded before playbook version 2 existed). Record new
ones when the workflow gains behaviour worth guarding, and commit them beside the old.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from temporalio.client import Client, WorkflowExecution, WorkflowHistory

from models.commands import (
    ChallengeRequest,
    ChallengeResolutionRequest,
    CloseConditionRequest,
    ConditionInput,
    DecisionRequest,
    SignOffRequest,
    SubmitWorkRequest,
    WithdrawRequest,
)
from models.directory.commands import DelegationRequest, NewPerson
from models.directory.state import OPERATOR
from models.gate import ActOutcome, Decision
from models.rejection import ChallengeOutcome
from models.roles import Role
from tests.api.client import SECRET
from tests.factories import Team, new_team, seed_team
from tests.histories import archive_paths, newer_paths, practice_paths
from tests.processes import dev_server_environment
from tests.workflows.helpers import adapt, approve, change_service, pass_current_gate, work
from throughline import db
from throughline.services.change_workflows import ChangeWorkflows
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService
from throughline.services.practice import PracticeService
from throughline.settings import Settings
from throughline.temporal import workflow_id
from workers.main import build_worker

HERE = Path(__file__).parent
SCENARIOS = (
    "governance", "edges", "waiting", "directory", "chase", "practice", "playbooks", "archive",
    "directory_archive",
)  # fmt: skip


async def _drive(commands: ChangeService, team: Team, deputy: str) -> str:
    change_id = (await commands.propose(team.intake(), team.proposer, key="record")).change_id
    await _intent_with_rework(commands, change_id, team, deputy)
    await _design_rejected_then_restored(commands, change_id, team)
    for stage in ["delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    await commands.decide(change_id, team.owner, adapt(), key="adapt")
    for stage in ["design", "delivery", "check"]:
        await pass_current_gate(commands, change_id, team, stage=stage)
    await commands.decide(change_id, team.owner, DecisionRequest(outcome=ActOutcome.ADOPT), None)
    return change_id


async def _intent_with_rework(
    commands: ChangeService, change_id: str, team: Team, deputy: str
) -> None:
    await commands.submit(change_id, team.proposer, tagged("v1"), key=None)
    policy = SignOffRequest(
        role=Role.POLICY, decision=Decision.APPROVE, revision=1, acting_for=team.signer(Role.POLICY)
    )
    await commands.sign_off(change_id, deputy, policy, key=None)
    changes = SignOffRequest(
        role=Role.OPERATIONS, decision=Decision.REQUEST_CHANGES, revision=1, comment="rota"
    )
    await commands.sign_off(change_id, team.signer(Role.OPERATIONS), changes, key=None)
    await commands.submit(change_id, team.proposer, tagged("v2"), key=None)
    await commands.sign_off(change_id, team.signer(Role.DIGITAL), approve(2, Role.DIGITAL), None)
    amber = SignOffRequest(
        role=Role.OPERATIONS,
        decision=Decision.APPROVE_WITH_CONDITIONS,
        revision=2,
        conditions=[
            ConditionInput(
                description="Brief the call centre",
                owner=team.signer(Role.OPERATIONS, 1),
                due=date(2099, 1, 1),
            )
        ],
    )
    passed = await commands.sign_off(change_id, team.signer(Role.OPERATIONS, 1), amber, None)
    condition = passed.closed_gate.conditions[0].id if passed.closed_gate else ""
    closure = CloseConditionRequest.model_validate(
        {
            "note": "briefed",
            "evidence": [{"title": "briefing", "uri": "https://x.test/b", "content": "b"}],
        }
    )
    await commands.close_condition(
        change_id, team.signer(Role.OPERATIONS, 1), condition, closure, None
    )


async def _design_rejected_then_restored(
    commands: ChangeService, change_id: str, team: Team
) -> None:
    submitted = await commands.submit(change_id, team.proposer, work("design"), key=None)
    revision = submitted.gate.revision or 0
    await commands.sign_off(
        change_id, team.signer(Role.POLICY), approve(revision, Role.POLICY), None
    )
    reject = SignOffRequest(
        role=Role.DIGITAL,
        decision=Decision.REJECT,
        revision=revision,
        comment="no",
        reject_to="intent",
    )
    await commands.sign_off(change_id, team.signer(Role.DIGITAL), reject, key=None)
    await commands.challenge(
        change_id, team.proposer, ChallengeRequest(reason="it was agreed"), None
    )
    overturn = ChallengeResolutionRequest(outcome=ChallengeOutcome.OVERTURN, comment="agreed")
    await commands.resolve_challenge(change_id, team.owner, overturn, key=None)
    await commands.sign_off(
        change_id, team.signer(Role.DIGITAL, 1), approve(revision, Role.DIGITAL), None
    )
    await commands.sign_off(
        change_id, team.signer(Role.OPERATIONS), approve(revision, Role.OPERATIONS), None
    )


def tagged(version: str) -> SubmitWorkRequest:
    return SubmitWorkRequest.model_validate(
        {
            "summary": f"intent {version}",
            "evidence": [
                {
                    "title": "policy note",
                    "uri": "https://x.test/p",
                    "content": "policy",
                    "roles": ["policy"],
                },
                {
                    "title": "ops plan",
                    "uri": "https://x.test/o",
                    "content": f"ops {version}",
                    "roles": ["operations"],
                },
            ],
        }
    )


async def _drive_edges(
    commands: ChangeService, team: Team, directory: DirectoryService
) -> list[str]:
    return [
        await _approval_lapses(commands, team, directory),
        await _withdrawal_lapses_a_challenge(commands, team),
        await _closing_reject_upheld(commands, team),
    ]


async def _approval_lapses(commands: ChangeService, team: Team, directory: DirectoryService) -> str:
    change_id = (await commands.propose(team.intake(), team.proposer, key="lapse")).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    await commands.sign_off(change_id, team.signer(Role.POLICY), approve(1, Role.POLICY), None)
    await directory.change_role(OPERATOR, team.signer(Role.POLICY), Role.POLICY, grant=False)
    for role in [Role.DIGITAL, Role.OPERATIONS]:
        await commands.sign_off(change_id, team.signer(role), approve(1, role), None)
    await commands.sign_off(change_id, team.signer(Role.POLICY, 1), approve(1, Role.POLICY), None)
    return change_id


async def _withdrawal_lapses_a_challenge(commands: ChangeService, team: Team) -> str:
    change_id = (await commands.propose(team.intake(), team.proposer, key="withdraw")).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    reject = SignOffRequest(
        role=Role.DIGITAL, decision=Decision.REJECT, revision=1, comment="no", reject_to="intent"
    )
    await commands.sign_off(change_id, team.signer(Role.DIGITAL), reject, key=None)
    await commands.challenge(change_id, team.proposer, ChallengeRequest(reason="please"), None)
    await commands.withdraw(change_id, team.proposer, WithdrawRequest(reason="moved on"), None)
    return change_id


async def _closing_reject_upheld(commands: ChangeService, team: Team) -> str:
    change_id = (await commands.propose(team.intake(), team.proposer, key="close")).change_id
    await commands.submit(change_id, team.proposer, work("intent"), key=None)
    close = SignOffRequest(
        role=Role.OPERATIONS, decision=Decision.REJECT, revision=1, comment="no", reject_to="close"
    )
    await commands.sign_off(change_id, team.signer(Role.OPERATIONS), close, key=None)
    await commands.challenge(change_id, team.proposer, ChallengeRequest(reason="please"), None)
    uphold = ChallengeResolutionRequest(outcome=ChallengeOutcome.UPHOLD, comment="it stands")
    await commands.resolve_challenge(change_id, team.owner, uphold, key=None)
    return change_id


async def _record_practice(client: Client, parts: Any, team: Team, name: str) -> list[Path]:
    """NAME_phases: the GOV.UK phases to adoption; NAME_ground, the override, as it stands."""
    commands, settings, sessions = parts
    practice = PracticeService(ChangeWorkflows(client, settings, sessions), sessions)
    directory = DirectoryService(client, settings, sessions)
    panel = await practice_paths.seat_panel(directory, team)
    phases = await practice_paths.drive_phases((commands, practice), team, panel)
    await client.get_workflow_handle(workflow_id(phases)).result()
    saved = await _save_runs(client, phases, f"{name}_phases", runs_expected=1)
    ground = await practice_paths.drive_ground((commands, practice), team)
    return saved + await _save_directory(client, workflow_id(ground), f"{name}_ground")


async def _save_runs(client: Client, change_id: str, name: str, runs_expected: int) -> list[Path]:
    runs = await _all_runs(client, change_id, runs_expected)
    saved = []
    for index, run in enumerate(sorted(runs, key=lambda r: r.start_time), start=1):
        path = HERE / f"{name}_run{index}.json"
        if path.exists():
            raise SystemExit(f"{path.name} exists; committed histories are never re-recorded")
        history = await client.get_workflow_handle(run.id, run_id=run.run_id).fetch_history()
        path.write_text(history.to_json())
        saved.append(path)
    return saved


def _save_histories(histories: list[WorkflowHistory], name: str) -> list[Path]:
    paths = [HERE / f"{name}_run{index}.json" for index in range(1, len(histories) + 1)]
    for path in paths:
        if path.exists():
            raise SystemExit(f"{path.name} exists; committed histories are never re-recorded")
    for path, history in zip(paths, histories, strict=True):
        path.write_text(history.to_json())
    return paths


async def _save_directory(client: Client, directory_id: str, name: str) -> list[Path]:
    """The directory's run so far: it never ends, and replays as it stands."""
    path = HERE / f"{name}_run1.json"
    if path.exists():
        raise SystemExit(f"{path.name} exists; committed histories are never re-recorded")
    history = await client.get_workflow_handle(directory_id).fetch_history()
    path.write_text(history.to_json())
    return [path]


async def _all_runs(client: Client, change_id: str, expected: int) -> list[WorkflowExecution]:
    """Visibility lags a little: wait until it lists every run of the change."""
    query = f"WorkflowId = '{workflow_id(change_id)}'"
    for _ in range(50):
        runs = [w async for w in client.list_workflows(query)]
        if len(runs) == expected:
            return runs
        await asyncio.sleep(0.2)
    raise SystemExit(f"the {expected} runs never appeared in visibility")


async def _delegate(directory: DirectoryService, team: Team) -> str:
    deputy = f"deputy-{team.suffix}"
    await directory.add_people(OPERATOR, [NewPerson(name="Deputy", id=deputy)])
    ends = datetime.now(UTC) + timedelta(days=30)
    body = DelegationRequest(delegate=deputy, role=Role.POLICY, ends_at=ends, reason="recording")
    await directory.delegate(team.signer(Role.POLICY), body)
    return deputy


async def record(scenario: str, name: str) -> list[Path]:
    eager = archive_paths.EAGER if scenario == "directory_archive" else None
    env = await dev_server_environment(eager, time_skipping=scenario == "chase")
    url = f"sqlite:///{tempfile.mkdtemp()}/record.db"
    db.migrate_sync(url)
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    task_queue = f"record-{uuid.uuid4()}"
    async with env, build_worker(env.client, task_queue, sessions):
        settings = Settings(task_queue=task_queue, database_url=url, token_secret=SecretStr(SECRET))
        directory = DirectoryService(env.client, settings, sessions)
        team = await seed_team(directory, new_team())
        deputy = await _delegate(directory, team)
        commands = change_service(env.client, settings, sessions)
        if scenario == "governance":
            change_id = await _drive(commands, team, deputy)
            await env.client.get_workflow_handle(workflow_id(change_id)).result()
            saved = await _save_runs(env.client, change_id, name, runs_expected=2)
        elif scenario == "archive":
            change_id = await archive_paths.drive_archived(commands, team)
            await env.client.get_workflow_handle(workflow_id(change_id)).result()
            saved = await _save_runs(env.client, change_id, name, runs_expected=2)
        elif scenario == "directory_archive":
            await archive_paths.drive_directory_runs(env.client, directory, team)
            runs = await archive_paths.directory_runs(env.client, directory.directory_id)
            saved = _save_histories(runs[:-1], name)  # the runs that ended
        elif scenario == "waiting":
            change_id = await newer_paths.drive_waiting(commands, team)
            await env.client.get_workflow_handle(workflow_id(change_id)).result()
            saved = await _save_runs(env.client, change_id, name, runs_expected=2)
        elif scenario == "chase":

            async def forward(change_id: str, days: int) -> None:
                handle = env.client.get_workflow_handle(workflow_id(change_id))
                await env.fast_forward(handle, timedelta(days=days))
                await asyncio.sleep(2)  # the chase's projections land

            change_id = await newer_paths.drive_chase(commands, team, forward)
            saved = await _save_directory(env.client, workflow_id(change_id), name)
        elif scenario == "practice":
            saved = await _record_practice(env.client, (commands, settings, sessions), team, name)
        elif scenario == "directory":
            await newer_paths.drive_directory(directory, team, SECRET)
            saved = await _save_directory(env.client, directory.directory_id, name)
        elif scenario == "playbooks":
            await newer_paths.drive_playbooks(directory, team)
            saved = await _save_directory(env.client, directory.directory_id, name)
        else:
            saved = []
            for letter, change_id in zip(
                "abc", await _drive_edges(commands, team, directory), strict=True
            ):
                saved += await _save_runs(
                    env.client, change_id, f"{name}_{letter}", runs_expected=1
                )
    await engine.dispose()
    return saved


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        raise SystemExit(f"usage: python -m tests.histories.record {'|'.join(SCENARIOS)} NAME")
    for path in asyncio.run(record(sys.argv[1], sys.argv[2])):
        print(f"recorded {path}")  # noqa: T201
