"""The Temporal side of changes: starting a change's workflow, sending it commands as
updates, asking it questions, and turning every Temporal failure into a typed refusal.

An Idempotency-Key becomes the update id, and the answer a key already got is read from
SQL first, however long ago it was given. Commands to one change queue here, and are
tried again, with the same id, when Temporal says too many are in flight.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from models.audit import ChainAnchor
from models.commands import Command, NewChange, OpenChange, RequestKey
from models.errors import (
    AlreadyExists,
    ChangeClosed,
    ChangeNotFound,
    InvalidRequest,
    ThroughlineError,
    TooBusy,
    Unavailable,
)
from models.read.views import ChangeView
from models.results import ChangeStart, CommandResult, result_of
from models.transitions.opening import open_change
from throughline.metrics import counting_command
from throughline.services.calls import (
    TEMPORAL_ERRORS,
    WorkflowQueues,
    domain_error,
    patiently,
    refuse_reuse,
    request_key,
    update_id,
)
from throughline.services.freshness import Answered
from throughline.services.history import archived_head, recorded_events
from throughline.services.refusals import RefusalService
from throughline.settings import Settings
from throughline.store import receipts
from throughline.temporal import workflow_id
from workflows.service_change import ServiceChangeWorkflow

log = logging.getLogger(__name__)
T = TypeVar("T")
_CHANGE_IDS = uuid.UUID("6f1d2c3e-8a4b-4e59-9d0a-2b7c1e5f3a90")


def change_id_for(request: RequestKey | None) -> str:
    """A keyed proposal always maps to the same change id, so a retry finds it."""
    return str(uuid.uuid5(_CHANGE_IDS, request.key)) if request else str(uuid.uuid4())


class ChangeWorkflows:
    def __init__(
        self,
        client: Client,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        answered: Answered | None = None,
    ) -> None:
        self._client = client
        self._settings = settings
        self._sessions = sessions
        self._queues = WorkflowQueues()
        self.refusals = RefusalService(sessions)
        self.answered = answered or Answered(sessions)

    @property
    def settings(self) -> Settings:
        return self._settings

    async def start(self, new: NewChange, request: RequestKey | None) -> CommandResult:
        """Start the change's workflow and confirm it, or work out what it will answer
        when the confirmation is late: the start itself is durable."""
        with counting_command("OpenChange"):
            return await self._start(new, request)

    async def _start(self, new: NewChange, request: RequestKey | None) -> CommandResult:
        start = WithStartWorkflowOperation(
            ServiceChangeWorkflow.run,
            ChangeStart(new=new, creation=request),
            id=workflow_id(new.change_id),
            task_queue=self._settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
        opening = OpenChange(actor=new.proposer, request=request)

        def started(rpc_timeout: timedelta) -> Awaitable[CommandResult]:
            return self._client.execute_update_with_start_workflow(
                ServiceChangeWorkflow.open,
                opening,
                start_workflow_operation=start,
                id=update_id(request),
                rpc_timeout=rpc_timeout,
            )

        try:
            return await self._patiently(new.change_id, started)
        except WorkflowAlreadyStartedError:
            raise AlreadyExists(
                f"this Idempotency-Key created change {new.change_id}, which has closed"
            ) from None
        except Unavailable:
            created = await self.creation_answer(new.change_id, request)
            if created is None:
                raise
            return created

    async def send(
        self,
        change_id: str,
        update: Any,
        cmd: Command,
        body: BaseModel,
        key: str | None,
        scope: str = "",
    ) -> CommandResult:
        """Send a person's command with its Idempotency-Key, scoped to its sender and to
        the command's target, so one key cannot match two different targets. A refusal
        by a rule goes on the change's record of refusals."""
        cmd.request = request_key(cmd.actor, f"{key}:{scope}" if key and scope else key, body)
        try:
            return await self.update(change_id, update, cmd)
        except ThroughlineError as refused:
            role = getattr(cmd, "role", None)
            name = getattr(update, "__name__", type(cmd).__name__)
            await self.refusals.note(change_id, cmd.actor, role, name, refused)
            raise

    async def update(self, change_id: str, update: Any, cmd: Command) -> CommandResult:
        """Send a command; a key seen before gets its first answer and no second effect."""
        earlier = await self._earlier_answer(change_id, cmd.request)
        if earlier is not None:
            return earlier

        def call(rpc_timeout: timedelta) -> Awaitable[CommandResult]:
            return self._handle(change_id).execute_update(
                update, cmd, id=update_id(cmd.request), rpc_timeout=rpc_timeout
            )

        with counting_command(type(cmd).__name__):
            async with self._queues.turn(change_id):
                result: CommandResult = await self._patiently(change_id, call)
        self.answered.note(result)
        return result

    async def live_view(self, change_id: str) -> ChangeView:
        query = self._handle(change_id).query(ServiceChangeWorkflow.view)
        return await self._bounded(change_id, query)

    async def chain_anchor(self, change_id: str) -> ChainAnchor | None:
        """The workflow's own last audit event; when Temporal cannot say (it no longer has
        the change, say), the last one the change's archived history recorded; else None."""
        try:
            view = await self.live_view(change_id)
        except ThroughlineError:
            return await archived_head(self._client, self._sessions, change_id)
        return ChainAnchor(seq=view.last_seq, hash=view.last_hash, source="temporal")

    async def recorded_hashes(self, change_id: str) -> dict[int, str]:
        """The hash of every audit event the change's histories recorded: the runs Temporal
        retains, and the archived runs it no longer has."""
        hashes: dict[int, str] = {}
        async for event in recorded_events(self._client, change_id, self._sessions):
            hashes[event.seq] = event.hash
        return hashes

    async def creation_answer(
        self, change_id: str, request: RequestKey | None
    ) -> CommandResult | None:
        """What creating this change answered, worked out from the start its history
        recorded, or None if it never began (or began from a different request)."""
        try:
            async for event in self._handle(change_id).fetch_history_events(page_size=1):
                payloads = event.workflow_execution_started_event_attributes.input.payloads
                [start] = await self._client.data_converter.decode(payloads, [ChangeStart])
                began = event.event_time.ToDatetime().replace(tzinfo=UTC)
                break
            else:
                return None
        except RPCError:
            return None
        if start.new is None or start.creation != request:
            return None
        state, _ = open_change(start.new, began)
        return result_of(state, "open")

    async def _earlier_answer(
        self, change_id: str, request: RequestKey | None
    ) -> CommandResult | None:
        if request is None:
            return None
        async with self._sessions() as session:
            receipt = await receipts.find(session, change_id, request.key)
        if receipt is None:
            return None
        refuse_reuse(request, receipt.fingerprint)
        return CommandResult.model_validate(receipt.result)

    async def _patiently(self, change_id: str, attempt: Callable[[timedelta], Awaitable[T]]) -> T:
        async def translate(error: BaseException) -> ThroughlineError:
            return await self._translate(change_id, error)

        return await patiently(self._settings.update_timeout_seconds, attempt, translate)

    async def _bounded(self, change_id: str, call: Awaitable[T]) -> T:
        """Await a Temporal call for at most the configured time, as a domain outcome."""
        try:
            async with asyncio.timeout(self._settings.update_timeout_seconds):
                return await call
        except TEMPORAL_ERRORS as error:
            raise await self._translate(change_id, error) from None

    def _handle(self, change_id: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(workflow_id(change_id))

    async def _translate(self, change_id: str, error: BaseException) -> ThroughlineError:
        if isinstance(error, WorkflowUpdateFailedError):
            return domain_error(error.cause)
        if isinstance(error, WorkflowUpdateRPCTimeoutOrCancelledError | TimeoutError):
            return Unavailable(
                "the change did not confirm in time; it may still take effect, so retry "
                "with the same Idempotency-Key"
            )
        if isinstance(error, RPCError):
            return await self._rpc_error(change_id, error)
        log.error("a query failed", extra={"change_id": change_id, "error": str(error)})
        return Unavailable("the change could not answer; an operator has been alerted")

    async def _rpc_error(self, change_id: str, error: RPCError) -> ThroughlineError:
        if error.status is RPCStatusCode.NOT_FOUND:
            return await self._missing_or_closed(change_id)
        if error.status is RPCStatusCode.RESOURCE_EXHAUSTED:
            return TooBusy("too many commands are in flight for this change; retry shortly")
        if error.status is RPCStatusCode.INVALID_ARGUMENT:
            log.error("Temporal refused a request", extra={"change_id": change_id})
            return InvalidRequest("Temporal refused the request as invalid or too large")
        return Unavailable("Temporal did not answer; retry with the same Idempotency-Key")

    async def _missing_or_closed(self, change_id: str) -> ThroughlineError:
        try:
            described = await self._handle(change_id).describe()
        except RPCError:
            return ChangeNotFound(f"no change with id {change_id!r}")
        if described.status is WorkflowExecutionStatus.RUNNING:
            return Unavailable("the change is running but did not answer; try again")
        return ChangeClosed(f"change {change_id!r} is closed and accepts no further commands")
