"""The durable Temporal Schedule of each Prometheus source: made when the source is bound,
deleted when it is stopped. Temporal keeps it, so polling survives restarts of every
process of ours; a poll still running when the next is due is skipped, not stacked."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
)
from temporalio.service import RPCError, RPCStatusCode

from models.live_data import MeasurePoll, poll_schedule_id
from workflows.live_data import MeasurePollWorkflow

CATCH_UP = timedelta(minutes=1)
"""Polls missed while Temporal was down are not made up, past the most recent one: a
measure wants the value now, not a burst of the same value."""
POLL_TIMEOUT = timedelta(minutes=5)


class PollSchedules:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def start(self, source_id: str, interval_seconds: int, note: str) -> None:
        """Poll the source every interval, starting one interval from now."""
        action = ScheduleActionStartWorkflow(
            MeasurePollWorkflow.run,
            MeasurePoll(source_id=source_id),
            id=f"measure-poll-{source_id}",
            task_queue=self._task_queue,
            execution_timeout=POLL_TIMEOUT,
        )
        schedule = Schedule(
            action=action,
            spec=ScheduleSpec(
                intervals=[ScheduleIntervalSpec(every=timedelta(seconds=interval_seconds))]
            ),
            policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=CATCH_UP),
            state=ScheduleState(note=note),
        )
        await self._client.create_schedule(poll_schedule_id(source_id), schedule)

    async def poll_now(self, source_id: str) -> None:
        """One poll at once, besides the schedule's own."""
        await self._client.get_schedule_handle(poll_schedule_id(source_id)).trigger()

    async def stop(self, source_id: str) -> None:
        """Delete the schedule; one already gone is stopped already."""
        try:
            await self._client.get_schedule_handle(poll_schedule_id(source_id)).delete()
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
