"""The poll of a measure's Prometheus source: a source's Temporal Schedule starts one of
these at each interval, and it runs the activity that queries and stores one point."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.interfaces import poll_measure_source
    from models.live_data import MeasurePoll

POLL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=3,
)
"""Only our own store failing raises; a failing source is an answer, not an error. The
next interval polls again, so a few tries are enough."""


@workflow.defn
class MeasurePollWorkflow:
    """Polls one source once and returns what happened, in words.

    Started by:
        the source's Temporal Schedule (see throughline/services/poll_schedules.py),
        which skips a poll while the last one still runs.
    """

    @workflow.run
    async def run(self, poll: MeasurePoll) -> str:
        return await workflow.execute_activity(
            poll_measure_source,
            poll,
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=POLL_RETRY,
        )
