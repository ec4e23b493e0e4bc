"""Commands on service changes: the one place that talks to ServiceChangeWorkflow.

The API and the CLI both call this. It turns an Idempotency-Key into a Temporal
update id, bounds every call by the configured timeout, and maps every Temporal
failure onto a typed domain error.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
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
from models.change import ChangeState
from models.commands import (
    Challenge,
    ChallengeRequest,
    ChallengeResolutionRequest,
    CloseCondition,
    CloseConditionRequest,
    Command,
    Decide,
    DecisionRequest,
    MeasurementRequest,
    NewChange,
    OpenChange,
    RecordMeasurement,
    RequestKey,
    ResolveChallenge,
    SignOffCommand,
    SignOffRequest,
    SubmitWork,
    SubmitWorkRequest,
    Withdraw,
    WithdrawRequest,
)
from models.errors import (
    AlreadyExists,
    ChallengeWindowClosed,
    ChangeClosed,
    ChangeNotFound,
    IdempotencyKeyReused,
    InvalidRequest,
    ThroughlineError,
    TooBusy,
    Unavailable,
)
from models.intake import ChangeIntake
from models.playbook import latest_playbook
from models.read.views import ChangeView
from models.results import ChangeStart, CommandResult, result_of
from models.rules.staffing import check_staffing
from models.tables import ChangeRow, CommandReceiptRow
from models.transitions.opening import open_change
from throughline.rebuild import projection_batches
from throughline.services.calls import (
    TEMPORAL_ERRORS,
    WorkflowQueues,
    domain_error,
    patiently,
    refuse_reuse,
    request_key,
    update_id,
)
from throughline.settings import Settings
from throughline.store import directory, receipts
from throughline.temporal import workflow_id
from workflows.service_change import ServiceChangeWorkflow

log = logging.getLogger(__name__)
C = TypeVar("C", bound=Command)
T = TypeVar("T")
_CHANGE_IDS = uuid.UUID("6f1d2c3e-8a4b-4e59-9d0a-2b7c1e5f3a90")


def change_id_for(request: RequestKey | None) -> str:
    """A keyed proposal always maps to the same change id, so a retry finds it."""
    return str(uuid.uuid5(_CHANGE_IDS, request.key)) if request else str(uuid.uuid4())


async def propose(
    sessions: async_sessionmaker[AsyncSession],
    commands: ChangeCommands,
    intake: ChangeIntake,
    proposer: str,
    key: str | None,
) -> CommandResult:
    """Check the named people against the directory, then start the change."""
    playbook = latest_playbook(intake.playbook)
    request = request_key(proposer, key, intake)
    async with sessions() as session:
        found = await directory.authorities(session, sorted(intake.people.everyone()), _now())
        check_staffing(intake, playbook, found, proposer)
        existing = await session.get(ChangeRow, change_id_for(request)) if request else None
        if existing is not None and request is not None:
            receipt = await receipts.find(session, existing.id, request.key)
            return _already_proposed(existing, receipt, intake, proposer)
    return await commands.create(intake, proposer, key)


def _already_proposed(
    row: ChangeRow, receipt: CommandReceiptRow | None, intake: ChangeIntake, proposer: str
) -> CommandResult:
    """A retried proposal whose change exists: the first answer, or a refusal if it differs."""
    state = ChangeState.model_validate(row.snapshot)
    if state.intake != intake or state.proposer != proposer:
        raise IdempotencyKeyReused(
            "this Idempotency-Key already created a different change; use a new key"
        )
    if receipt is not None:
        return CommandResult.model_validate(receipt.result)
    return result_of(state, "open")  # a change created before answers were kept


async def require_signer_now(
    sessions: async_sessionmaker[AsyncSession], person: str, body: SignOffRequest, change_id: str
) -> None:
    """Refuse at once (403) a sign-off the directory would not allow; the workflow checks
    again at its own moment, which is what counts."""
    people = [person, *([body.acting_for] if body.acting_for else [])]
    async with sessions() as session:
        found = await directory.authorities(session, people, _now(), change_id)
    found.require_signer(person, body.role, body.acting_for)


async def challenge(
    sessions: async_sessionmaker[AsyncSession],
    commands: ChangeCommands,
    change_id: str,
    actor: str,
    body: ChallengeRequest,
    key: str | None,
) -> CommandResult:
    """A change closed by a reject finishes when its window ends; a challenge after that
    is refused for the window, not merely because the change is closed."""
    try:
        return await commands.challenge(change_id, actor, body, key)
    except ChangeClosed:
        async with sessions() as session:
            row = await session.get(ChangeRow, change_id)
        rejection = ChangeState.model_validate(row.snapshot).latest_rejection if row else None
        if rejection is None or rejection.challenge_deadline is None:
            raise
        if _now() > rejection.challenge_deadline:
            raise ChallengeWindowClosed(
                f"the window to challenge the reject of {rejection.gate_name!r} closed at "
                f"{rejection.challenge_deadline.isoformat()}"
            ) from None
        raise


def _now() -> datetime:
    return datetime.now(UTC)


class ChangeCommands:
    def __init__(
        self,
        client: Client,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._client = client
        self._settings = settings
        self._sessions = sessions
        self._queues = WorkflowQueues()

    @property
    def settings(self) -> Settings:
        return self._settings

    async def create(self, intake: ChangeIntake, proposer: str, key: str | None) -> CommandResult:
        request = request_key(proposer, key, intake)
        change_id = change_id_for(request)
        new = NewChange(
            change_id=change_id,
            intake=intake,
            proposer=proposer,
            playbook=latest_playbook(intake.playbook),
        )
        start = WithStartWorkflowOperation(
            ServiceChangeWorkflow.run,
            ChangeStart(new=new, creation=request),
            id=workflow_id(change_id),
            task_queue=self._settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
        opening = OpenChange(actor=proposer, request=request)

        def started(rpc_timeout: timedelta) -> Awaitable[CommandResult]:
            return self._client.execute_update_with_start_workflow(
                ServiceChangeWorkflow.open,
                opening,
                start_workflow_operation=start,
                id=update_id(request),
                rpc_timeout=rpc_timeout,
            )

        try:
            return await self._patiently(change_id, started)
        except WorkflowAlreadyStartedError:
            raise AlreadyExists(
                f"this Idempotency-Key created change {change_id}, which has closed"
            ) from None
        except Unavailable:
            # The start is durable even when the answer is late: if the change began, its
            # first answer follows from what its history recorded.
            created = await creation_answer(self._client, change_id, request)
            if created is None:
                raise
            return created

    async def submit(
        self, change_id: str, actor: str, body: SubmitWorkRequest, key: str | None
    ) -> CommandResult:
        evidence = [item.to_item() for item in body.evidence]
        cmd = SubmitWork(actor=actor, summary=body.summary, evidence=evidence)
        return await self._update(change_id, ServiceChangeWorkflow.submit_work, cmd, body, key)

    async def sign_off(
        self, change_id: str, actor: str, body: SignOffRequest, key: str | None
    ) -> CommandResult:
        cmd = SignOffCommand(actor=actor, **body.model_dump())
        return await self._update(change_id, ServiceChangeWorkflow.sign_off, cmd, body, key)

    async def record_measurement(
        self, change_id: str, actor: str, body: MeasurementRequest, key: str | None
    ) -> CommandResult:
        cmd = RecordMeasurement(actor=actor, **body.model_dump())
        update = ServiceChangeWorkflow.record_measurement
        return await self._update(change_id, update, cmd, body, key)

    async def decide(
        self, change_id: str, actor: str, body: DecisionRequest, key: str | None
    ) -> CommandResult:
        cmd = Decide(actor=actor, **body.model_dump())
        return await self._update(change_id, ServiceChangeWorkflow.decide, cmd, body, key)

    async def withdraw(
        self, change_id: str, actor: str, body: WithdrawRequest, key: str | None
    ) -> CommandResult:
        cmd = Withdraw(actor=actor, **body.model_dump())
        return await self._update(change_id, ServiceChangeWorkflow.withdraw, cmd, body, key)

    async def close_condition(
        self,
        change_id: str,
        actor: str,
        condition_id: str,
        body: CloseConditionRequest,
        key: str | None,
    ) -> CommandResult:
        evidence = [item.to_item() for item in body.evidence]
        cmd = CloseCondition(
            actor=actor, condition_id=condition_id, note=body.note, evidence=evidence
        )
        update = ServiceChangeWorkflow.close_condition
        return await self._update(change_id, update, cmd, body, key, scope=condition_id)

    async def challenge(
        self, change_id: str, actor: str, body: ChallengeRequest, key: str | None
    ) -> CommandResult:
        cmd = Challenge(actor=actor, **body.model_dump())
        return await self._update(change_id, ServiceChangeWorkflow.challenge, cmd, body, key)

    async def resolve_challenge(
        self, change_id: str, actor: str, body: ChallengeResolutionRequest, key: str | None
    ) -> CommandResult:
        cmd = ResolveChallenge(actor=actor, **body.model_dump())
        update = ServiceChangeWorkflow.resolve_challenge
        return await self._update(change_id, update, cmd, body, key)

    async def chain_anchor(self, change_id: str) -> ChainAnchor | None:
        """The workflow's own last audit event, or None if Temporal cannot say."""
        try:
            view = await self.live_view(change_id)
        except ThroughlineError:
            return None
        return ChainAnchor(seq=view.last_seq, hash=view.last_hash, source="temporal")

    async def recorded_hashes(self, change_id: str) -> dict[int, str]:
        """The hash of every audit event the change's retained histories recorded."""
        hashes: dict[int, str] = {}
        async for batch in projection_batches(self._client, change_id):
            hashes.update({event.seq: event.hash for event in batch.events})
        return hashes

    async def live_view(self, change_id: str) -> ChangeView:
        query = self._handle(change_id).query(ServiceChangeWorkflow.view)
        return await self._bounded(change_id, query)

    async def _update(
        self,
        change_id: str,
        update: Any,
        cmd: C,
        body: BaseModel,
        key: str | None,
        scope: str = "",
    ) -> CommandResult:
        # The scope keeps one key from matching two different targets of one command.
        cmd.request = request_key(cmd.actor, f"{key}:{scope}" if key and scope else key, body)
        earlier = await self._earlier_answer(change_id, cmd.request)
        if earlier is not None:
            return earlier

        def call(rpc_timeout: timedelta) -> Awaitable[CommandResult]:
            handle = self._handle(change_id)
            return handle.execute_update(
                update, cmd, id=update_id(cmd.request), rpc_timeout=rpc_timeout
            )

        async with self._queues.turn(change_id):
            return await self._patiently(change_id, call)

    async def _earlier_answer(
        self, change_id: str, request: RequestKey | None
    ) -> CommandResult | None:
        """The answer a keyed command already got, however long ago: receipts are kept in
        SQL for the life of the change, across every cycle."""
        if request is None or self._sessions is None:
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


async def creation_answer(
    client: Client, change_id: str, request: RequestKey | None
) -> CommandResult | None:
    """What creating this change answered, worked out from the start its history recorded,
    or None if the change never began (or began from a different request)."""
    handle = client.get_workflow_handle(workflow_id(change_id))
    try:
        async for event in handle.fetch_history_events(page_size=1):
            started = event.workflow_execution_started_event_attributes
            [start] = await client.data_converter.decode(started.input.payloads, [ChangeStart])
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
