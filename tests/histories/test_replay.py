"""Recorded histories must replay against today's workflow code.

A change to ServiceChangeWorkflow that would break changes already in flight fails
here. Re-record with `python -m tests.histories.record` only for compatible changes.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import (
    Interceptor,
    Replayer,
    StartActivityInput,
    StartLocalActivityInput,
    UnsandboxedWorkflowRunner,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from models.authority import Authorities, Authority
from models.directory.projection import DirectoryBatch
from models.projection import LocalProjection, ProjectionBatch, ProjectionRecord, Replayed
from models.roles import Role
from workflows.directory import DirectoryWorkflow
from workflows.service_change import ServiceChangeWorkflow

LOCAL_PROJECTION = "project_change_locally"
HISTORIES = sorted(Path(__file__).parent.glob("*.json"))


def test_histories_are_committed() -> None:
    assert len(HISTORIES) >= 2, "record histories with python -m tests.histories.record"


def _workflow_of(path: Path) -> type[Any]:
    """Histories named directory_* are the directory workflow's; the rest, a change's."""
    return DirectoryWorkflow if path.stem.startswith("directory") else ServiceChangeWorkflow


def _projection_of(path: Path) -> str:
    return "project_directory" if path.stem.startswith("directory") else "project_change"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    replayer = Replayer(workflows=[_workflow_of(path)], data_converter=pydantic_data_converter)
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


Batch = ProjectionBatch | DirectoryBatch


class _CaptureProjections(Interceptor):
    """Collects what the workflow would send to its projection while it replays."""

    def __init__(self, activity: str) -> None:
        self.activity = activity
        self.batches: list[Batch] = []

    def workflow_interceptor_class(
        self,
        input: WorkflowInterceptorClassInput,  # noqa: ARG002  (the SDK's signature)
    ) -> type[WorkflowInboundInterceptor]:
        batches, activity = self.batches, self.activity

        class Outbound(WorkflowOutboundInterceptor):
            def start_activity(self, input: StartActivityInput) -> workflow.ActivityHandle[Any]:
                if input.activity == activity:
                    batches.append(input.args[0])
                return self.next.start_activity(input)

            def start_local_activity(
                self, input: StartLocalActivityInput
            ) -> workflow.ActivityHandle[Any]:
                if input.activity == LOCAL_PROJECTION:
                    projection: LocalProjection = input.args[0]
                    batches.append(projection.batch())
                return self.next.start_local_activity(input)

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

        return Inbound


async def _recorded_batches(
    history: WorkflowHistory, activity: str
) -> list[Batch | ProjectionRecord]:
    """What the history holds of each projection: an activity's input, or a local
    projection's record, in order."""
    model = DirectoryBatch if activity == "project_directory" else ProjectionBatch
    batches: list[Batch | ProjectionRecord] = []
    for event in history.events:
        record = await _local_record(event)
        if record is not None:
            batches.append(record)
        if not event.HasField("activity_task_scheduled_event_attributes"):
            continue
        scheduled = event.activity_task_scheduled_event_attributes
        if scheduled.activity_type.name == activity:
            [batch] = await pydantic_data_converter.decode(scheduled.input.payloads, [model])
            batches.append(batch)
    return batches


async def _local_record(event: HistoryEvent) -> ProjectionRecord | None:
    marker = event.marker_recorded_event_attributes
    if not event.HasField("marker_recorded_event_attributes") or "result" not in marker.details:
        return None
    if json.loads(marker.details["data"].payloads[0].data)["activity_type"] != LOCAL_PROJECTION:
        return None
    [record] = await pydantic_data_converter.decode(
        marker.details["result"].payloads, [ProjectionRecord]
    )
    found: ProjectionRecord = record
    return found


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_replay_reproduces_the_recorded_audit_chain(path: Path) -> None:
    """Hashes are computed in the workflow; if replaying today's code produced different
    audit events, a change continued after an upgrade would fork its stored chain."""
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    capture = _CaptureProjections(_projection_of(path))
    replayer = Replayer(
        workflows=[_workflow_of(path)],
        data_converter=pydantic_data_converter,
        interceptors=[capture],
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    await replayer.replay_workflow(history, raise_on_replay_failure=True)
    recorded = await _recorded_batches(history, _projection_of(path))
    assert len(recorded) >= 3
    assert [b.events for b in capture.batches] == [b.events for b in recorded]
    _assert_records_patch_up_to_the_states_replayed(capture.batches, recorded)


def _assert_records_patch_up_to_the_states_replayed(
    replayed: list[Batch], recorded: list[Batch | ProjectionRecord]
) -> None:
    """Each local projection's record, patched onto the run's record before, is the state
    the workflow handed it: rebuild restores every state from the records alone."""
    run = Replayed()
    for batch, record in zip(replayed, recorded, strict=True):
        if isinstance(record, ProjectionRecord):
            assert isinstance(batch, ProjectionBatch)
            assert run.batch(record).state == batch.state
