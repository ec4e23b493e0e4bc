"""ArchiveRunWorkflow: archives one run's history once that run has closed; and the step
a workflow takes just before its run ends, which starts it.

A run cannot archive its own history: the history is whole only once the run has closed,
and then the run can do nothing more. So, just before it returns or continues as new,
the run starts a small child that outlives it (parent close policy ABANDON). The child's
activity waits, retrying with backoff, until the run has closed, then archives it.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    import pydantic

    from activities.interfaces import archive_history
    from models.archive import RunToArchive, archive_workflow_id

# The run usually closes within a second of starting its archiving, but a run whose
# last task is retried (a worker crashed) closes later: wait as long as that takes,
# backing off to a few minutes between looks.
UNTIL_CLOSED = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
)
# Fetching and compressing a long history takes seconds, not minutes.
ARCHIVE_TIMEOUT = timedelta(minutes=2)


@workflow.defn(failure_exception_types=[pydantic.ValidationError])
class ArchiveRunWorkflow:
    """Archives one closed run of another workflow.

    Activities:
        archive_history (idempotent: a run archived already is left as it is)
    Updates, signals, queries, timers: none.
    """

    @workflow.run
    async def run(self, run: RunToArchive) -> bool:
        archived: bool = await workflow.execute_activity(
            archive_history,
            run,
            start_to_close_timeout=ARCHIVE_TIMEOUT,
            retry_policy=UNTIL_CLOSED,
        )
        return archived


async def archive_this_run(change_id: str | None) -> None:
    """Start the archiving of the current run, and return once it has started: a child
    not yet started when its parent closes might never start. An archiving already under
    way for this run is enough."""
    info = workflow.info()
    run = RunToArchive(workflow_id=info.workflow_id, run_id=info.run_id, change_id=change_id)
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await workflow.start_child_workflow(
            ArchiveRunWorkflow.run,
            run,
            id=archive_workflow_id(info.run_id),
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
        )
