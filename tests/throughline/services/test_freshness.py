"""A read waits for the commands its process answered to reach SQL, and no longer than
that: throughline/services/freshness.py. Through the API: tests/api/test_deps.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.commands import SubmitWork
from models.projection import ProjectionBatch
from models.results import result_of
from models.transitions.opening import open_change
from models.transitions.submission import apply_submit
from tests.factories import PROPOSER, T0, authority, evidence, later, new_change
from throughline import db
from throughline.services import freshness
from throughline.services.freshness import Answered
from throughline.store import readmodel
from throughline.store.projection import project

Sessions = async_sessionmaker[AsyncSession]


def _opened_then_submitted() -> tuple[ProjectionBatch, ProjectionBatch]:
    state, opening = open_change(new_change(), T0)
    first = ProjectionBatch(workflow_id="wf", state=state.model_copy(deep=True), events=opening)
    cmd = SubmitWork(actor=PROPOSER, summary="intent", evidence=[evidence()])
    submitted = apply_submit(state, cmd, authority(PROPOSER), later(5))
    return first, ProjectionBatch(workflow_id="wf", state=state, events=submitted)


async def _store(sessions: Sessions, batch: ProjectionBatch) -> None:
    async with sessions() as session, session.begin():
        await project(session, batch, datetime.now(UTC))


async def test_a_read_waits_until_sql_holds_the_answered_command(sqlite_sessions: Sessions) -> None:
    opened, submitted = _opened_then_submitted()
    await _store(sqlite_sessions, opened)
    answered = Answered(sqlite_sessions)
    answered.note(result_of(submitted.state, "submit_work"))

    async def read_seq() -> int:
        await answered.caught_up()
        async with sqlite_sessions() as session:
            return (await readmodel.change_state(session, opened.state.change_id)).seq

    read = asyncio.create_task(read_seq())
    await asyncio.sleep(0.1)
    assert not read.done(), "the read went ahead of the answered command"
    await _store(sqlite_sessions, submitted)
    assert await asyncio.wait_for(read, timeout=5) == submitted.state.seq
    assert answered.pending() == {}


async def test_an_older_answer_never_lowers_what_is_waited_for(sqlite_sessions: Sessions) -> None:
    opened, submitted = _opened_then_submitted()
    answered = Answered(sqlite_sessions)
    answered.note(result_of(submitted.state, "submit_work"))
    answered.note(result_of(opened.state, "open"))
    assert answered.pending() == {opened.state.change_id: submitted.state.seq}


async def test_a_projection_that_never_comes_holds_a_read_only_briefly(
    sqlite_sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(freshness, "PATIENCE_S", 0.2)
    opened, submitted = _opened_then_submitted()
    await _store(sqlite_sessions, opened)
    answered = Answered(sqlite_sessions)
    answered.note(result_of(submitted.state, "submit_work"))
    await asyncio.wait_for(answered.caught_up(), timeout=5)
    assert answered.pending() == {opened.state.change_id: submitted.state.seq}
    monkeypatch.setattr(freshness, "FORGET_AFTER_S", 0.0)
    await answered.caught_up()
    assert answered.pending() == {}, "an answer long overdue is no longer waited for"


async def test_a_process_never_read_from_keeps_only_recent_answers(
    sqlite_sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered = Answered(sqlite_sessions)
    first, second = _opened_then_submitted()
    answered.note(result_of(first.state, "open"))
    monkeypatch.setattr(freshness, "FORGET_AFTER_S", 0.0)
    answered.note(result_of(_opened_then_submitted()[1].state, "submit_work"))
    assert answered.pending() == {}, "noting an answer lets go of the stale ones"
    monkeypatch.setattr(freshness, "FORGET_AFTER_S", 60.0)
    answered.note(result_of(second.state, "submit_work"))
    assert answered.pending() == {second.state.change_id: second.state.seq}


async def test_a_read_waits_only_for_answers_given_before_it(
    sqlite_sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change that keeps taking commands does not hold every reader for the patience."""
    monkeypatch.setattr(freshness, "PATIENCE_S", 60.0)
    opened, submitted = _opened_then_submitted()
    await _store(sqlite_sessions, opened)
    answered = Answered(sqlite_sessions)
    answered.note(result_of(opened.state, "open"))
    read = asyncio.create_task(answered.caught_up())
    await asyncio.sleep(0)  # the read begins: it knows what it waits for
    answered.note(result_of(submitted.state, "submit_work"))
    await asyncio.wait_for(read, timeout=10)
    assert answered.pending() == {opened.state.change_id: submitted.state.seq}


async def test_a_database_that_does_not_answer_is_not_waited_for() -> None:
    engine = db.make_engine("postgresql://postgres@127.0.0.1:1/nowhere")
    answered = Answered(db.session_factory(engine))
    opened, _ = _opened_then_submitted()
    answered.note(result_of(opened.state, "open"))
    await asyncio.wait_for(answered.caught_up(), timeout=10)
    assert answered.pending() == {opened.state.change_id: opened.state.seq}
    await engine.dispose()
