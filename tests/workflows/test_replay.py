"""Recorded histories must replay against today's workflow code.

A change to ServiceChangeWorkflow that would break changes already in flight fails
here. Re-record with `python -m tests.histories.record` only for compatible changes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner

from models.authority import Authorities, Authority
from models.roles import Role
from workflows.service_change import ServiceChangeWorkflow

HISTORIES = sorted((Path(__file__).parent.parent / "histories").glob("*.json"))


def test_histories_are_committed() -> None:
    assert len(HISTORIES) >= 2, "record histories with python -m tests.histories.record"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    replayer = Replayer(workflows=[ServiceChangeWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None


async def test_a_changed_workflow_fails_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard works: skipping the directory check changes the command sequence."""

    async def no_directory(_self: ServiceChangeWorkflow, people: list[str]) -> Authorities:
        everyone = {p: Authority(person=p, active=True, roles=list(Role)) for p in people}
        return Authorities(by_person=everyone)

    monkeypatch.setattr(ServiceChangeWorkflow, "_authorities", no_directory)
    history = WorkflowHistory.from_json("run1", await asyncio.to_thread(HISTORIES[0].read_text))
    # The sandbox re-imports workflow modules, which would hide the patch.
    replayer = Replayer(
        workflows=[ServiceChangeWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None
