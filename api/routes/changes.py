"""Service changes: propose, read, and every command a person can give one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from api import examples
from api.deps import (
    Auditor,
    CommandsDep,
    CurrentCaller,
    Digital,
    IdempotencyKey,
    Reader,
    ServiceOwner,
    SessionDep,
    SessionsDep,
    Withdrawer,
)
from api.errors import error_responses
from models.base import ShortText
from models.change import ChangeStatus
from models.commands import (
    ChallengeRequest,
    ChallengeResolutionRequest,
    CloseConditionRequest,
    DecisionRequest,
    MeasurementRequest,
    SignOffRequest,
    SubmitWorkRequest,
    WithdrawRequest,
)
from models.intake import ChangeIntake
from models.read.reports import AuditLog, ChangeList, Timeline
from models.read.views import ChangeView, GateReport
from models.read.waiting import WaitKind
from models.results import CommandResult
from models.roles import Role
from throughline import changes, queries
from throughline.store.readmodel import ChangeFilter

router = APIRouter(prefix="/changes", tags=["changes"])

ChangeId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
COMMAND_ERRORS = error_responses(401, 403, 404, 409, 413, 415, 422, 429, 503)
READ_ERRORS = error_responses(401, 403, 404, 422)


@router.post(
    "",
    status_code=201,
    summary="Propose a service change",
    response_model=CommandResult,
    responses=error_responses(401, 403, 409, 413, 415, 422, 429, 503),
)
async def propose_change(
    *,
    intake: Annotated[ChangeIntake, Body(openapi_examples=examples.INTAKE)],
    caller: Digital,
    sessions: SessionsDep,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Propose a change; its workflow starts at the playbook's first stage."""
    return await changes.propose(sessions, commands, intake, caller.id, idempotency_key)


@router.get(
    "",
    summary="List changes",
    response_model=ChangeList,
    responses=error_responses(401, 403, 422),
)
async def list_changes(
    *,
    caller: Reader,  # noqa: ARG001
    session: SessionDep,
    stage: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z_]+$")] = None,
    status: ChangeStatus | None = None,
    waiting_on: Annotated[Role | None, Query(description="Changes waiting on this role")] = None,
    waiting_kind: Annotated[
        WaitKind | None, Query(description="For example stuck: nobody left may act")
    ] = None,
    service: Annotated[ShortText | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ChangeList:
    """List changes, newest first, filtered by stage, status, service, the role they wait
    on, or what kind of act they wait for."""
    where = ChangeFilter(
        stage=stage,
        status=status,
        waiting_on=waiting_on,
        waiting_kind=waiting_kind,
        service=service,
        limit=limit,
        offset=offset,
    )
    return await queries.change_list(session, where)


@router.get(
    "/{change_id}", summary="Get a change", response_model=ChangeView, responses=READ_ERRORS
)
async def get_change(*, change_id: ChangeId, caller: Reader, session: SessionDep) -> ChangeView:  # noqa: ARG001
    """One change with its live state: stage, gate, and what it waits on, since when and why."""
    return await queries.change_view(session, change_id)


@router.post(
    "/{change_id}/submissions",
    summary="Submit stage work",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def submit_work(
    *,
    change_id: ChangeId,
    body: Annotated[SubmitWorkRequest, Body(openapi_examples=examples.SUBMISSION)],
    caller: Digital,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Submit a new revision of the current stage's work, with evidence, to its gate."""
    return await commands.submit(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/sign-offs",
    summary="Sign off at the current gate",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def sign_off(
    *,
    change_id: ChangeId,
    body: Annotated[SignOffRequest, Body(openapi_examples=examples.SIGN_OFF)],
    caller: CurrentCaller,
    sessions: SessionsDep,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Approve (with or without conditions), request changes or reject the revision under
    review, in one of your roles or acting for a holder who delegated to you."""
    if idempotency_key is None:
        # Quick refusal from today's directory. With a key, a retry must reach its first
        # answer even if the directory changed since; the workflow checks either way.
        await changes.require_signer_now(sessions, caller.id, body, change_id)
    return await commands.sign_off(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/measurements",
    summary="Record a measured outcome",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def record_measurement(
    *,
    change_id: ChangeId,
    body: Annotated[MeasurementRequest, Body(openapi_examples=examples.MEASUREMENT)],
    caller: Digital,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Record the measured value of one success measure at the check stage."""
    return await commands.record_measurement(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/decision",
    summary="Decide at the act gate",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def decide(
    *,
    change_id: ChangeId,
    body: Annotated[DecisionRequest, Body(openapi_examples=examples.DECISION)],
    caller: ServiceOwner,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """As service owner: adopt (complete), adapt (start a new cycle) or abandon the change."""
    return await commands.decide(change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/withdrawal",
    summary="Withdraw a change",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def withdraw(
    *,
    change_id: ChangeId,
    body: Annotated[WithdrawRequest, Body(openapi_examples=examples.WITHDRAWAL)],
    caller: Withdrawer,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Close a change before it finishes, with the reason."""
    return await commands.withdraw(change_id, caller.id, body, idempotency_key)


@router.get(
    "/{change_id}/gate",
    summary="Why a gate is where it is",
    response_model=GateReport,
    responses=READ_ERRORS,
)
async def get_gate(
    *,
    change_id: ChangeId,
    caller: Reader,  # noqa: ARG001
    session: SessionDep,
    gate_id: Annotated[
        str | None, Query(max_length=100, description="A gate of the current cycle; default now.")
    ] = None,
) -> GateReport:
    """Every unmet rule in plain words, each role's sign-offs with names, who could still
    sign, the conditions holding the gate, and how long it has waited on whom."""
    return await queries.gate_report(session, change_id, gate_id)


@router.post(
    "/{change_id}/conditions/{condition_id}/closure",
    summary="Close a condition",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def close_condition(
    *,
    change_id: ChangeId,
    condition_id: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")],
    body: Annotated[CloseConditionRequest, Body(openapi_examples=examples.CONDITION_CLOSURE)],
    caller: CurrentCaller,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """As the condition's owner, close it with evidence; a gate it held may then pass."""
    return await commands.close_condition(change_id, caller.id, condition_id, body, idempotency_key)


@router.post(
    "/{change_id}/challenges",
    summary="Challenge a reject",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def challenge(
    *,
    change_id: ChangeId,
    body: Annotated[ChallengeRequest, Body(openapi_examples=examples.CHALLENGE)],
    caller: Digital,
    sessions: SessionsDep,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """Within the playbook's window of working days, ask the service owner to overturn the
    latest reject."""
    return await changes.challenge(sessions, commands, change_id, caller.id, body, idempotency_key)


@router.post(
    "/{change_id}/challenges/resolution",
    summary="Uphold or overturn a challenged reject",
    response_model=CommandResult,
    responses=COMMAND_ERRORS,
)
async def resolve_challenge(
    *,
    change_id: ChangeId,
    body: Annotated[ChallengeResolutionRequest, Body(openapi_examples=examples.RESOLUTION)],
    caller: ServiceOwner,
    commands: CommandsDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandResult:
    """As service owner: uphold the reject, or overturn it and restore the gate as it was."""
    return await commands.resolve_challenge(change_id, caller.id, body, idempotency_key)


@router.get(
    "/{change_id}/timeline",
    summary="Timeline of handoffs and events",
    response_model=Timeline,
    responses=READ_ERRORS,
)
async def get_timeline(*, change_id: ChangeId, caller: Reader, session: SessionDep) -> Timeline:  # noqa: ARG001
    """Every event in order, and every handoff with how long it stayed open."""
    return await queries.timeline(session, change_id)


@router.get(
    "/{change_id}/audit",
    summary="Audit log with its integrity check",
    response_model=AuditLog,
    responses=READ_ERRORS,
)
async def get_audit(
    *,
    change_id: ChangeId,
    caller: Auditor,  # noqa: ARG001
    session: SessionDep,
    commands: CommandsDep,
) -> AuditLog:
    """The hash-chained audit events of a change, and whether the chain is intact and ends
    where the workflow itself says it does."""
    anchor = await commands.chain_anchor(change_id)

    async def recorded() -> dict[int, str]:
        return await commands.recorded_hashes(change_id)

    return await queries.audit_log(session, change_id, anchor, recorded)
