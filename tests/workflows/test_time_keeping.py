"""A change keeps time on a dev server whose workflow clocks the tests move: reminders,
overdue marks and escalations happen once each, through worker restarts and a new
cycle, and a change nobody may sign is escalated as soon as the directory says so."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from models.audit import AuditEvent
from models.commands import SignOffRequest
from models.directory.state import OPERATOR
from models.events import EventKind
from models.gate import Decision
from models.handoff import HandoffKind
from models.read.reports import ChangeQuery
from models.roles import Role
from tests.factories import Team, new_team, seed_team
from tests.processes import dev_server_environment
from tests.workflows.helpers import adapt, approve, change_service, to_act_gate, work
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService
from throughline.services.reads import ReadService
from throughline.settings import Settings
from throughline.store import readmodel
from throughline.temporal import workflow_id
from workers.main import build_worker

pytestmark = pytest.mark.slow
CHASED = [
    EventKind.HANDOFF_REMINDED,
    EventKind.HANDOFF_OVERDUE,
    EventKind.HANDOFF_ESCALATED,
]


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await dev_server_environment(time_skipping=True)
    async with environment:
        yield environment


@pytest.fixture
def settings(task_queue: str, sqlite_url: str) -> Settings:
    return Settings(task_queue=task_queue, database_url=sqlite_url, update_timeout_seconds=60)


@pytest.fixture
async def worker(
    env: WorkflowEnvironment, task_queue: str, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Worker]:
    running = build_worker(env.client, task_queue, sqlite_sessions)
    async with running:
        yield running


@pytest.fixture
async def directory(
    env: WorkflowEnvironment,
    settings: Settings,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
) -> DirectoryService:
    return DirectoryService(env.client, settings, sqlite_sessions)


@pytest.fixture
def commands(
    env: WorkflowEnvironment, settings: Settings, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> ChangeService:
    return change_service(env.client, settings, sqlite_sessions)


@pytest.fixture
async def team(directory: DirectoryService) -> Team:
    return await seed_team(directory, new_team())


async def _events_until(
    sessions: async_sessionmaker[AsyncSession],
    change_id: str,
    done: Callable[[list[AuditEvent]], bool],
) -> list[AuditEvent]:
    for _ in range(200):
        async with sessions() as session:
            events = await readmodel.audit_events(session, change_id)
        if done(events):
            return events
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened; events were {[e.kind for e in events]}")


async def _settled_events(
    sessions: async_sessionmaker[AsyncSession], change_id: str
) -> list[AuditEvent]:
    """The events once the workflow has written none for half a second."""
    seen: list[AuditEvent] = []
    quiet = 0
    while quiet < 5:
        await asyncio.sleep(0.1)
        async with sessions() as session:
            events = await readmodel.audit_events(session, change_id)
        quiet = quiet + 1 if len(events) == len(seen) else 0
        seen = events
    return seen


def _has(*kinds: EventKind) -> Callable[[list[AuditEvent]], bool]:
    return lambda events: {k.value for k in kinds} <= {e.kind for e in events}


def _count(events: list[AuditEvent], kind: EventKind) -> int:
    return sum(1 for e in events if e.kind == kind.value)


async def _forward(env: WorkflowEnvironment, change_id: str, days: int) -> None:
    handle = env.client.get_workflow_handle(workflow_id(change_id))
    assert await env.fast_forward(handle, timedelta(days=days))


async def _in_review(commands: ChangeService, team: Team) -> str:
    created = await commands.propose(team.intake(), team.proposer, key=None)
    await commands.submit(created.change_id, team.proposer, work("intent"), key=None)
    return created.change_id


async def test_a_sign_off_is_reminded_marked_overdue_and_escalated_once_each(
    env: WorkflowEnvironment,
    commands: ChangeService,
    team: Team,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    change_id = await _in_review(commands, team)
    await _forward(env, change_id, days=20)
    events = await _events_until(sqlite_sessions, change_id, _has(*CHASED))
    assert [_count(events, kind) for kind in CHASED] == [1, 1, 1]
    escalated = next(e for e in events if e.kind == EventKind.HANDOFF_ESCALATED)
    assert escalated.payload["to"] == ["service_owner"]
    reads = ReadService(sqlite_sessions)
    listed = await reads.changes(ChangeQuery(overdue=True, service=team.intake().service))
    assert change_id in [item.change_id for item in listed.items]
    inbox = await reads.inbox(team.owner, [Role.SERVICE_OWNER])
    item = next(i for i in inbox.items if i.change_id == change_id)
    assert (item.kind, item.overdue) == ("escalated", False)
    timeline = await reads.timeline(change_id)
    turn = next(h for h in timeline.handoffs if h.seq == escalated.payload["handoff_seq"])
    assert turn.overdue
    assert turn.due_at is not None
    assert turn.escalated_at is not None
    assert any(h.kind == HandoffKind.OVERDUE.value for h in timeline.handoffs)


async def test_timers_survive_a_worker_that_stops_between_them(
    env: WorkflowEnvironment,
    task_queue: str,
    commands: ChangeService,
    team: Team,
    sqlite_sessions: async_sessionmaker[AsyncSession],
    worker: Worker,
) -> None:
    change_id = await _in_review(commands, team)
    for _ in range(10):  # a day at a time: the reminder comes a working day before the due time
        await _forward(env, change_id, days=1)
        events = await _settled_events(sqlite_sessions, change_id)
        if _count(events, EventKind.HANDOFF_REMINDED):
            break
    assert _count(events, EventKind.HANDOFF_OVERDUE) == 0
    await worker.shutdown()
    async with build_worker(env.client, task_queue, sqlite_sessions):
        await _forward(env, change_id, days=20)
        events = await _events_until(sqlite_sessions, change_id, _has(*CHASED))
        await asyncio.sleep(0.5)
    async with sqlite_sessions() as session:
        events = await readmodel.audit_events(session, change_id)
    assert [_count(events, kind) for kind in CHASED] == [1, 1, 1]


async def test_a_new_cycle_keeps_time_in_its_new_run(
    env: WorkflowEnvironment,
    commands: ChangeService,
    team: Team,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    created = await commands.propose(team.intake(), team.proposer, key=None)
    await to_act_gate(commands, created.change_id, team)
    await commands.decide(created.change_id, team.owner, adapt(), key=None)
    await commands.submit(created.change_id, team.proposer, work("design again"), key=None)
    await _forward(env, created.change_id, days=20)
    events = await _events_until(sqlite_sessions, created.change_id, _has(*CHASED))
    assert _count(events, EventKind.CYCLE_STARTED) == 1
    cycle_start = next(e.seq for e in events if e.kind == EventKind.CYCLE_STARTED)
    overdue = [e for e in events if e.kind == EventKind.HANDOFF_OVERDUE]
    assert [e.seq > cycle_start for e in overdue] == [True]


async def test_a_condition_is_chased_with_its_owner(
    env: WorkflowEnvironment,
    commands: ChangeService,
    team: Team,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    change_id = await _in_review(commands, team)
    due = date.today() + timedelta(days=7)
    condition = {"description": "Brief the call centre", "owner": team.signer(Role.OPERATIONS, 1)}
    body = SignOffRequest.model_validate(
        {
            "role": "operations",
            "decision": Decision.APPROVE_WITH_CONDITIONS,
            "revision": 1,
            "conditions": [{**condition, "due": due.isoformat()}],
        }
    )
    await commands.sign_off(change_id, team.signer(Role.OPERATIONS), body, None)
    for role in [Role.POLICY, Role.DIGITAL]:
        await commands.sign_off(change_id, team.signer(role), approve(1, role), None)
    await _forward(env, change_id, days=20)
    kinds = (EventKind.CONDITION_OVERDUE, EventKind.CONDITION_ESCALATED)
    events = await _events_until(sqlite_sessions, change_id, _has(*kinds))
    assert _count(events, EventKind.CONDITION_ESCALATED) == 1
    escalated = next(e for e in events if e.kind == EventKind.CONDITION_ESCALATED)
    assert escalated.payload["owner"] == condition["owner"]


async def test_a_change_nobody_may_sign_is_escalated_at_once_and_stood_down(
    commands: ChangeService,
    directory: DirectoryService,
    team: Team,
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    change_id = await _in_review(commands, team)
    for index in (0, 1):
        await directory.change_role(OPERATOR, team.signer(Role.POLICY, index), Role.POLICY, False)
    events = await _events_until(sqlite_sessions, change_id, _has(EventKind.CHANGE_STUCK))
    stuck = next(e for e in events if e.kind == EventKind.CHANGE_STUCK)
    assert stuck.payload["roles"] == ["policy"]
    assert stuck.payload["to"] == ["service_owner", "admin"]
    await directory.change_role(OPERATOR, team.signer(Role.POLICY), Role.POLICY, True)
    events = await _events_until(sqlite_sessions, change_id, _has(EventKind.STUCK_CLEARED))
    assert _count(events, EventKind.CHANGE_STUCK) == 1


async def test_a_change_follows_the_calendar_it_chose(
    commands: ChangeService, team: Team, sqlite_sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await commands.propose(team.intake(calendar="GB-SCT"), team.proposer, key=None)
    async with sqlite_sessions() as session:
        state = await readmodel.change_state(session, created.change_id)
    assert state.calendar is not None
    assert state.calendar.name == "GB-SCT"
    assert date(2026, 11, 30) in state.calendar.holidays  # St Andrew's Day
