"""The notification workflows: one dispatcher per task queue hands each outbox row to a
delivery workflow of its own, whose retries never hold up a change or another row."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.interfaces import (
        claim_notifications,
        deliver_notification,
        give_up_notification,
    )
    from models.delivery import DeliveryStart, DispatchStart, GiveUp, Retries, delivery_id

CLAIM_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
ROUNDS_PER_RUN = 500
"""Claim rounds before continue-as-new, so the history stays short."""


@workflow.defn
class NotificationsWorkflow:
    """Claims pending outbox rows and starts a DeliveryWorkflow for each.

    Signals:
        wake (the projection wrote new rows)
    Timers:
        a poll, and the next daily digest, whichever comes first.
    Continue-as-new:
        after ROUNDS_PER_RUN rounds, or when Temporal suggests it.
    """

    def __init__(self) -> None:
        self._woken = False

    @workflow.signal
    def wake(self) -> None:
        self._woken = True

    @workflow.run
    async def run(self, start: DispatchStart) -> None:
        for _ in range(ROUNDS_PER_RUN):
            if workflow.info().is_continue_as_new_suggested():
                break
            self._woken = False
            claimed = await workflow.execute_activity(
                claim_notifications,
                start.batch,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=CLAIM_RETRY,
            )
            started = 0
            for notification_id in claimed.ids:
                started += await self._start_delivery(notification_id, start.retries)
            if started == start.batch:
                continue  # more may be waiting
            # Rows listed again before their delivery began are not started twice; wait.
            until_digest = (claimed.next_digest_at - workflow.now()).total_seconds()
            wait = max(1.0, min(start.poll_seconds, until_digest))
            with suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._woken, timeout=wait)
        workflow.continue_as_new(start)

    async def _start_delivery(self, notification_id: str, retries: Retries) -> bool:
        """Start the row's delivery; False when one was started before, as Temporal
        refuses a second with the same id."""
        try:
            await workflow.start_child_workflow(
                DeliveryWorkflow.run,
                DeliveryStart(notification_id=notification_id, retries=retries),
                id=delivery_id(notification_id),
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            return False
        return True


@workflow.defn
class DeliveryWorkflow:
    """Sends one notification, retrying with back-off; marks it failed when tries run out."""

    @workflow.run
    async def run(self, start: DeliveryStart) -> str:
        try:
            return await workflow.execute_activity(
                deliver_notification,
                start.notification_id,
                start_to_close_timeout=timedelta(seconds=60),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=start.retries.first_wait_seconds),
                    backoff_coefficient=3,
                    maximum_interval=timedelta(hours=1),
                    maximum_attempts=start.retries.max_attempts,
                    non_retryable_error_types=["PermanentDeliveryFailure"],
                ),
            )
        except ActivityError as error:
            reason = str(error.cause) if error.cause else str(error)
            await workflow.execute_activity(
                give_up_notification,
                GiveUp(notification_id=start.notification_id, error=reason),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=CLAIM_RETRY,
            )
            return f"failed: {reason}"
