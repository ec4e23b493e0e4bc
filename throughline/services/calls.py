"""How services talk to workflows: Idempotency-Keys as update ids, patient retries within
a bounded time, a queue per workflow, and Temporal's failures as typed refusals."""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import BaseModel
from temporalio.client import (
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from models.canonical import fingerprint
from models.commands import RequestKey
from models.errors import IdempotencyKeyReused, ThroughlineError, Unavailable, error_class_for

log = logging.getLogger(__name__)
T = TypeVar("T")
IN_FLIGHT_PER_WORKFLOW = 8
FIRST_RETRY_PAUSE = 0.05
LONGEST_RETRY_PAUSE = 1.0
TEMPORAL_ERRORS = (
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowQueryFailedError,
    RPCError,
    TimeoutError,
)
Translate = Callable[[BaseException], Awaitable[ThroughlineError]]


def request_key(actor: str, key: str | None, body: BaseModel | dict[str, Any]) -> RequestKey | None:
    """Scope an Idempotency-Key to its sender and fingerprint what was asked."""
    if key is None:
        return None
    asked = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return RequestKey(key=f"{actor}:{key}", fingerprint=fingerprint(asked, ascii_only=True))


def update_id(request: RequestKey | None) -> str:
    # The fingerprint is part of the id, so a key reused for a different body reaches
    # the validator (and is refused) instead of silently returning the first result.
    if request is None:
        return str(uuid.uuid4())
    return f"{request.key}:{request.fingerprint[:32]}"


def refuse_reuse(request: RequestKey, recorded_fingerprint: str) -> None:
    if recorded_fingerprint != request.fingerprint:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used for a different request; "
            "use a new key for a new request"
        )


def domain_error(cause: BaseException | None) -> ThroughlineError:
    """The refusal a workflow gave, by its code. Any other failure (a workflow that could
    not decode its input, say) is ours, not the caller's: 503, and an operator is told."""
    if isinstance(cause, ApplicationError) and cause.type:
        refusal = error_class_for(cause.type)
        if refusal is not ThroughlineError:
            return refusal(cause.message)
    log.error("a command failed without a domain reason", extra={"cause": repr(cause)})
    return Unavailable("the command could not be applied; an operator has been alerted")


def worth_retrying(error: RPCError) -> bool:
    """Refusals Temporal says are temporary: too many updates in flight on one workflow,
    an update aborted under load, or a server that is briefly unavailable."""
    return error.status in {
        RPCStatusCode.RESOURCE_EXHAUSTED,
        RPCStatusCode.ABORTED,
        RPCStatusCode.UNAVAILABLE,
    }


async def patiently(
    seconds: float, attempt: Callable[[timedelta], Awaitable[T]], translate: Translate
) -> T:
    """Try a Temporal call until it answers or the time is up. A workflow with too many
    commands in flight, or an update the server aborted, is tried again with the same
    update id, so it takes effect at most once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    pause = FIRST_RETRY_PAUSE
    while True:
        remaining = deadline - loop.time()
        try:
            async with asyncio.timeout(remaining):
                return await attempt(timedelta(seconds=remaining))
        except RPCError as error:
            if not worth_retrying(error) or deadline - loop.time() < pause:
                raise await translate(error) from None
        except TEMPORAL_ERRORS as error:
            raise await translate(error) from None
        await asyncio.sleep(pause * random.uniform(0.5, 1.5))
        pause = min(pause * 2, LONGEST_RETRY_PAUSE)


class WorkflowQueues:
    """Lets a few commands of one workflow be in flight from this process at a time; the
    rest wait their turn. Temporal takes at most ten updates in flight per workflow, and
    beyond that refuses them rather than queueing them."""

    def __init__(self, per_workflow: int = IN_FLIGHT_PER_WORKFLOW) -> None:
        self._per_workflow = per_workflow
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def turn(self, workflow_id: str) -> AsyncIterator[None]:
        semaphore, users = self._slots.get(workflow_id, (asyncio.Semaphore(self._per_workflow), 0))
        self._slots[workflow_id] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._slots[workflow_id]
            if users == 1:
                del self._slots[workflow_id]
            else:
                self._slots[workflow_id] = (semaphore, users - 1)
