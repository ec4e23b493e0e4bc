"""Changing the directory: people, roles, delegations and token revocations.

Every change goes through the directory workflow, which records it as a chained event
and writes the SQL tables before answering. The API, the command line and the pages
all call this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowQueryRejectedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from models.archive import PurgedRun
from models.audit import ChainAnchor
from models.canonical import fingerprint
from models.commands import RequestKey
from models.directory.commands import (
    AddPeople,
    ChangeRole,
    Delegate,
    DelegationRequest,
    DirectoryCommand,
    DirectoryResult,
    DirectoryStart,
    NewPerson,
    PublishPlaybook,
    RevokeDelegation,
    RevokeToken,
    RevokeTokens,
    SetActive,
)
from models.directory.purges import PurgeArchives
from models.directory.state import DirectoryState
from models.errors import (
    ChangeNotFound,
    DelegationNotFound,
    InvalidRequest,
    ThroughlineError,
    Unauthenticated,
    Unavailable,
)
from models.playbook import Playbook
from models.read.reports import TokenRevocationOut
from models.roles import Role
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
from throughline.store import delegations, readmodel, receipts
from throughline.store.directory_state import directory_start
from throughline.tokens import read_token
from workflows.directory import DirectoryWorkflow

DIRECTORY_PREFIX = "directory-"


def directory_workflow_id(task_queue: str) -> str:
    """One directory per deployment, named after the task queue its workers share."""
    return f"{DIRECTORY_PREFIX}{task_queue}"


class DirectoryService:
    def __init__(
        self, client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        self._client = client
        self._settings = settings
        self._sessions = sessions
        self._queues = WorkflowQueues()
        self.directory_id = directory_workflow_id(settings.task_queue)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self._sessions

    async def add_people(
        self, actor: str, people: list[NewPerson], key: str | None = None
    ) -> DirectoryResult:
        cmd = AddPeople(actor=actor, people=people)
        return await self._update(DirectoryWorkflow.add_people, cmd, key)

    async def set_active(self, actor: str, person: str, active: bool) -> DirectoryResult:
        """Deactivating someone also revokes every token and page session they hold, so
        that reactivating them later brings none of those back."""
        cmd = SetActive(actor=actor, person=person, active=active)
        result = await self._update(DirectoryWorkflow.set_active, cmd, None)
        if active or not result.changed:
            return result
        revoked = await self.revoke_tokens(actor, person)
        return result.model_copy(update={"seq": revoked.seq, "people": revoked.people})

    async def change_role(
        self, actor: str, person: str, role: Role, grant: bool
    ) -> DirectoryResult:
        cmd = ChangeRole(actor=actor, person=person, role=role, grant=grant)
        return await self._update(DirectoryWorkflow.change_role, cmd, None)

    async def delegate(
        self, actor: str, body: DelegationRequest, key: str | None = None
    ) -> DirectoryResult:
        if body.change_id is not None:
            await self._require_change(body.change_id)
        cmd = Delegate(actor=actor, **body.model_dump())
        return await self._update(DirectoryWorkflow.delegate, cmd, key, body)

    async def revoke_delegation(self, actor: str, delegation_id: int) -> DirectoryResult | None:
        """None when the delegation had already ended: revoking it changes nothing."""
        cmd = RevokeDelegation(actor=actor, delegation_id=delegation_id)
        try:
            return await self._update(DirectoryWorkflow.revoke_delegation, cmd, None)
        except DelegationNotFound:
            async with self._sessions() as session:
                if await delegations.find(session, delegation_id) is None:
                    raise
            return None

    async def revoke_token(self, actor: str, token: str) -> TokenRevocationOut:
        """Revoke one token, given the token itself; its signature must be ours."""
        try:
            claims = read_token(token, self._settings.key_file().ring())
        except Unauthenticated as unusable:
            raise InvalidRequest(f"that token needs no revoking: {unusable.message}") from None
        if claims.token_id is None:
            raise InvalidRequest("that token has no id; revoke all of its person's tokens")
        cmd = RevokeToken(
            actor=actor,
            token_id=claims.token_id,
            person=claims.person,
            expires_at=claims.expires_at,
        )
        result = await self._update(DirectoryWorkflow.revoke_token, cmd, None)
        return TokenRevocationOut(
            token_id=claims.token_id, person=claims.person, revoked=result.changed
        )

    async def revoke_tokens(self, actor: str, person: str) -> DirectoryResult:
        cmd = RevokeTokens(actor=actor, person=person)
        return await self._update(DirectoryWorkflow.revoke_tokens, cmd, None)

    async def publish_playbook(
        self, actor: str, playbook: Playbook, key: str | None = None
    ) -> DirectoryResult:
        cmd = PublishPlaybook(actor=actor, playbook=playbook)
        return await self._update(DirectoryWorkflow.publish_playbook, cmd, key)

    async def purge_archives(
        self, actor: str, cutoff: datetime, reason: str, runs: list[PurgedRun]
    ) -> DirectoryResult:
        """Put on the record the archived runs about to be deleted. Keyed by the runs, so
        a purge retried after its record was written is not recorded twice."""
        named = [[run.workflow_id, run.run_id] for run in runs]
        cmd = PurgeArchives(actor=actor, cutoff=cutoff, reason=reason, runs=runs)
        key = f"purge-archives:{fingerprint(named)}"
        return await self._update(DirectoryWorkflow.purge_archives, cmd, key, {"runs": named})

    async def ensure_started(self) -> None:
        """Start the directory workflow if Temporal does not have it: on a new deployment,
        after an upgrade from the SQL-only directory, or after Temporal lost it."""
        try:
            await self._client.get_workflow_handle(self.directory_id).describe()
            return
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
        async with self._sessions() as session:
            start = await directory_start(session, self.directory_id, datetime.now(UTC))
        await self._client.start_workflow(
            DirectoryWorkflow.run,
            start,
            id=self.directory_id,
            task_queue=self._settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    async def chain_anchor(self) -> ChainAnchor | None:
        """The directory workflow's own last event, or None if Temporal cannot say."""
        handle = self._client.get_workflow_handle(self.directory_id)
        try:
            async with asyncio.timeout(self._settings.update_timeout_seconds):
                state: DirectoryState = await handle.query(DirectoryWorkflow.state)
        except (*TEMPORAL_ERRORS, WorkflowQueryRejectedError):
            return None
        return ChainAnchor(seq=state.seq, hash=state.last_hash, source="temporal")

    async def _require_change(self, change_id: str) -> None:
        async with self._sessions() as session:
            if await readmodel.find_change(session, change_id) is None:
                raise ChangeNotFound(f"no change with id {change_id!r} to limit the delegation to")

    async def _update(
        self,
        update: Any,
        cmd: DirectoryCommand,
        key: str | None,
        body: BaseModel | dict[str, Any] | None = None,
    ) -> DirectoryResult:
        cmd.request = request_key(cmd.actor, key, body or cmd)
        earlier = await self._earlier_answer(cmd.request)
        if earlier is not None:
            return earlier

        def call(rpc_timeout: timedelta) -> Awaitable[DirectoryResult]:
            handle = self._client.get_workflow_handle(self.directory_id)
            return handle.execute_update(
                update, cmd, id=update_id(cmd.request), rpc_timeout=rpc_timeout
            )

        async with self._queues.turn(self.directory_id):
            try:
                return await self._patiently(call)
            except _DirectoryMissing:
                return await self._patiently(self._starting(update, cmd))

    def _starting(
        self, update: Any, cmd: DirectoryCommand
    ) -> Callable[[timedelta], Awaitable[DirectoryResult]]:
        """The same command, starting the directory workflow first: the first command of a
        deployment, or the first after Temporal lost the workflow."""

        async def call(rpc_timeout: timedelta) -> DirectoryResult:
            async with self._sessions() as session:
                start = await directory_start(session, self.directory_id, datetime.now(UTC))
            result: DirectoryResult = await self._client.execute_update_with_start_workflow(
                update,
                cmd,
                start_workflow_operation=self.start_operation(start),
                id=update_id(cmd.request),
                rpc_timeout=rpc_timeout,
            )
            return result

        return call

    def start_operation(self, start: DirectoryStart) -> WithStartWorkflowOperation[Any, Any]:
        return WithStartWorkflowOperation(
            DirectoryWorkflow.run,
            start,
            id=self.directory_id,
            task_queue=self._settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    async def _earlier_answer(self, request: RequestKey | None) -> DirectoryResult | None:
        if request is None:
            return None
        async with self._sessions() as session:
            receipt = await receipts.find(session, self.directory_id, request.key)
        if receipt is None:
            return None
        refuse_reuse(request, receipt.fingerprint)
        return DirectoryResult.model_validate(receipt.result)

    async def _patiently(
        self, call: Callable[[timedelta], Awaitable[DirectoryResult]]
    ) -> DirectoryResult:
        result: DirectoryResult = await patiently(
            self._settings.update_timeout_seconds, call, _translate
        )
        return result


class _DirectoryMissing(ThroughlineError):
    """The directory workflow does not exist yet; the command starts it."""


async def _translate(error: BaseException) -> ThroughlineError:
    if isinstance(error, WorkflowUpdateFailedError):
        return domain_error(error.cause)
    if isinstance(error, RPCError) and error.status is RPCStatusCode.NOT_FOUND:
        return _DirectoryMissing("the directory has not started")
    return Unavailable(
        "the directory did not confirm in time; it may still take effect, so retry "
        "with the same Idempotency-Key"
    )
