"""What a change workflow has written that SQL does not hold yet, and the one path by
which it gets there: the projection activity, run in order, awaited or in the
background."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.interfaces import project_change, project_change_locally
    from models.audit import AuditEvent
    from models.change import ChangeState
    from models.projection import LocalProjection, ProjectionBatch
    from models.results import Receipt
    from workflows.patches import PROJECT_EVERY_RECEIPT, PROJECT_LOCALLY

# Writes must land eventually, so projection retries without limit; the backoff keeps
# a database outage from turning into a retry storm.
PERSISTENT = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
# A healthy write takes milliseconds; a short timeout means a dead worker's attempt is
# retried elsewhere quickly. A late attempt that still commits is harmless: idempotent.
PROJECTION_TIMEOUT = timedelta(seconds=15)
LOCAL_PROJECTION_TIMEOUT = timedelta(seconds=5)
"""A local projection writes SQL inside its workflow task, so an attempt must give up
well within the task's timeout (10 seconds): a worker cut off from Temporal, whose task
another worker takes over once it times out, has stopped writing by then."""
MAX_UNPROJECTED_EVENTS = 200
"""How far SQL may trail a change before commands are answered only once it catches up:
a projection held up (a database outage) slows commands rather than letting one ever
larger batch build up."""


class ChangeProjection:
    """Audit events and keyed answers not yet in SQL. Only what a projection has stored
    leaves, so none is ever lost; receipts go with the events of their command, and
    SQL keeps them for the life of the change."""

    def __init__(self, state: ChangeState, unsent: list[AuditEvent]) -> None:
        self.outbox = list(unsent)
        self.receipts: list[Receipt] = []
        self.projected_seq = state.seq - len(unsent)
        self._recorded: str | None = None
        self._lock = asyncio.Lock()
        self._background: set[asyncio.Task[None]] = set()

    def behind(self, state: ChangeState) -> bool:
        return self.projected_seq < state.seq or self._receipts_waiting()

    def _receipts_waiting(self) -> bool:
        """A receipt whose command's events a concurrent batch already carried still
        needs a projection of its own; histories from before receipts were kept in SQL
        replay without one."""
        return bool(self.receipts) and workflow.patched(PROJECT_EVERY_RECEIPT)

    def far_behind(self) -> bool:
        return len(self.outbox) > MAX_UNPROJECTED_EVENTS

    def soon(self, state: ChangeState) -> None:
        """Project up to the state's seq in the background, so a command can be answered
        now. Batches still go in order, under the lock; the run settles every one before
        it returns or continues as new, so nothing is left behind."""
        task = asyncio.create_task(self.through(state, state.seq))
        self._background.add(task)  # held, so the task is not collected mid-flight
        task.add_done_callback(self._background.discard)

    async def through(self, state: ChangeState, seq: int) -> None:
        """Return once the read model holds every event up to seq."""
        async with self._lock:
            if self.projected_seq >= seq and not self._receipts_waiting():
                return
            events, receipts, projected = list(self.outbox), list(self.receipts), state.seq
            if self.local():
                await self._project_locally(state, events, receipts)
            else:
                await self._project(ProjectionBatch(
                    workflow_id=workflow.info().workflow_id,
                    state=state.model_copy(deep=True),
                    events=events,
                    receipts=receipts,
                ))  # fmt: skip
            self.outbox = [e for e in self.outbox if e.seq > projected]
            self.receipts = self.receipts[len(receipts) :]
            self.projected_seq = projected

    def local(self) -> bool:
        """Whether this run projects in a local activity, answering once SQL has it."""
        return workflow.patched(PROJECT_LOCALLY)

    async def _project(self, batch: ProjectionBatch) -> None:
        await workflow.execute_activity(
            project_change,
            batch,
            start_to_close_timeout=PROJECTION_TIMEOUT,
            retry_policy=PERSISTENT,
        )

    async def _project_locally(
        self, state: ChangeState, events: list[AuditEvent], receipts: list[Receipt]
    ) -> None:
        """The state goes as its JSON: a snapshot the activity's retries resend as it was,
        and the base the next record's patch is taken against."""
        projection = LocalProjection(
            workflow_id=workflow.info().workflow_id,
            state=state.model_dump_json(),
            events=events,
            receipts=receipts,
            recorded=self._recorded,
            projected_seq=self.projected_seq,
        )
        await workflow.execute_local_activity(
            project_change_locally,
            projection,
            start_to_close_timeout=LOCAL_PROJECTION_TIMEOUT,
            retry_policy=PERSISTENT,
        )
        self._recorded = projection.state
