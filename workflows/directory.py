"""DirectoryWorkflow: the source of truth for people, roles, delegations and revoked
tokens. The SQL tables are its projection, so losing them loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    import pydantic

    from activities.interfaces import project_directory
    from models.audit import AuditEvent
    from models.directory import publishing, rules, transitions
    from models.directory.commands import (
        AddPeople,
        ChangeRole,
        Delegate,
        DirectoryCommand,
        DirectoryReceipt,
        DirectoryResult,
        DirectoryStart,
        PublishPlaybook,
        RevokeDelegation,
        RevokeToken,
        RevokeTokens,
        SetActive,
    )
    from models.directory.projection import DirectoryBatch
    from models.directory.purges import PurgeArchives, apply_purge_archives, check_purge_archives
    from models.directory.state import DelegationRecord, DirectoryState, PersonRecord
    from models.playbooks import PLAYBOOKS
    from workflows.archive import archive_this_run
    from workflows.patches import ARCHIVE_DIRECTORY_RUNS, DELEGATION_REMINDERS
    from workflows.refusals import refusals_as_application_errors
    from workflows.timers import sleep_until

C = TypeVar("C", bound=DirectoryCommand)
Touched = tuple[list[AuditEvent], list[PersonRecord], DelegationRecord | None]
Transition = Callable[[DirectoryState, C, datetime], Touched]

# Writes must land eventually; the backoff keeps a database outage from becoming a storm.
PERSISTENT = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
PROJECTION_TIMEOUT = timedelta(seconds=15)


@workflow.defn(failure_exception_types=[pydantic.ValidationError])
class DirectoryWorkflow:
    """One per deployment. Every change to the directory is a chained event.

    Updates, each with a validator that refuses without leaving history:
        add_people, set_active, change_role, delegate, revoke_delegation,
        revoke_token, revoke_tokens, publish_playbook (a playbook version, immutable once
        published; its validator also refuses versions that are built in, which only
        the code knows, so the handler replays on the recorded state alone),
        purge_archives (records the archived runs an admin's purge is about to delete)
    Queries:
        state (the whole DirectoryState)
    Activities:
        project_directory (the SQL tables and the event log, awaited before an update
        returns, so the next request sees the change)
    Timers:
        the end of the next delegation, recorded as an event when it passes; and, since
        the delegation-expiry-reminders patch, a day before, a delegation_expiring event
        whose delegator the notifications tell.
    Continue-as-new:
        whenever Temporal suggests it, carrying the state, which holds only what is
        still in force; just before, it starts ArchiveRunWorkflow (workflows/archive.py),
        which archives the ending run's history once it has closed.
    """

    @workflow.init
    def __init__(self, start: DirectoryStart) -> None:
        self._state = start.state
        self._outbox: list[AuditEvent] = []
        if start.imported:
            self._outbox = transitions.record_import(self._state, workflow.now())
        self._receipts: list[DirectoryReceipt] = []
        self._projection_lock = asyncio.Lock()
        self._reminding = False

    @workflow.run
    async def run(self, start: DirectoryStart) -> None:  # noqa: ARG002
        await self._project()
        self._reminding = workflow.patched(DELEGATION_REMINDERS)
        while not workflow.info().is_continue_as_new_suggested():
            if await sleep_until(self._next_wake, self._continue_suggested):
                now = workflow.now()
                if self._reminding:
                    self._outbox.extend(transitions.apply_delegation_reminders(self._state, now))
                self._outbox.extend(transitions.apply_expiries(self._state, now))
                await self._project()
        await self._settle()
        if workflow.patched(ARCHIVE_DIRECTORY_RUNS):
            await archive_this_run(None)
            await self._settle()
        workflow.continue_as_new(DirectoryStart(state=self._state))

    async def _settle(self) -> None:
        """Every command done and in SQL, so the run can end."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._project()

    def _next_wake(self) -> datetime | None:
        """The next delegation to end, or (since the reminders patch) to be reminded of."""
        expiry = self._state.next_expiry()
        if not self._reminding:
            return expiry
        lead = transitions.DELEGATION_REMINDER_LEAD
        times = [t for t in (expiry, self._state.next_reminder(lead)) if t is not None]
        return min(times) if times else None

    @staticmethod
    def _continue_suggested() -> bool:
        return workflow.info().is_continue_as_new_suggested()

    @workflow.query
    def state(self) -> DirectoryState:
        return self._state

    # Updates

    @workflow.update
    async def add_people(self, cmd: AddPeople) -> DirectoryResult:
        def add(state: DirectoryState, c: AddPeople, now: datetime) -> Touched:
            events, people = transitions.apply_add_people(state, c, now)
            return events, people, None

        return await self._execute("add_people", cmd, add)

    @add_people.validator
    def _validate_add_people(self, cmd: AddPeople) -> None:
        with refusals_as_application_errors():
            ids = [transitions.person_id_for(p) for p in cmd.people]
            rules.check_add_people(self._state, cmd, ids)

    @workflow.update
    async def set_active(self, cmd: SetActive) -> DirectoryResult:
        def apply(state: DirectoryState, c: SetActive, now: datetime) -> Touched:
            return transitions.apply_set_active(state, c, now), [state.people[c.person]], None

        return await self._execute("set_active", cmd, apply)

    @set_active.validator
    def _validate_set_active(self, cmd: SetActive) -> None:
        with refusals_as_application_errors():
            rules.check_set_active(self._state, cmd)

    @workflow.update
    async def change_role(self, cmd: ChangeRole) -> DirectoryResult:
        def apply(state: DirectoryState, c: ChangeRole, now: datetime) -> Touched:
            return transitions.apply_change_role(state, c, now), [state.people[c.person]], None

        return await self._execute("change_role", cmd, apply)

    @change_role.validator
    def _validate_change_role(self, cmd: ChangeRole) -> None:
        with refusals_as_application_errors():
            rules.check_change_role(self._state, cmd)

    @workflow.update
    async def delegate(self, cmd: Delegate) -> DirectoryResult:
        def apply(state: DirectoryState, c: Delegate, now: datetime) -> Touched:
            events, delegation = transitions.apply_delegate(state, c, now)
            return events, [], delegation

        return await self._execute("delegate", cmd, apply)

    @delegate.validator
    def _validate_delegate(self, cmd: Delegate) -> None:
        with refusals_as_application_errors():
            rules.check_delegate(self._state, cmd, workflow.now())

    @workflow.update
    async def revoke_delegation(self, cmd: RevokeDelegation) -> DirectoryResult:
        def apply(state: DirectoryState, c: RevokeDelegation, now: datetime) -> Touched:
            events, delegation = transitions.apply_revoke_delegation(state, c, now)
            return events, [], delegation

        return await self._execute("revoke_delegation", cmd, apply)

    @revoke_delegation.validator
    def _validate_revoke_delegation(self, cmd: RevokeDelegation) -> None:
        with refusals_as_application_errors():
            rules.check_revoke_delegation(self._state, cmd)

    @workflow.update
    async def revoke_token(self, cmd: RevokeToken) -> DirectoryResult:
        def apply(state: DirectoryState, c: RevokeToken, now: datetime) -> Touched:
            return transitions.apply_revoke_token(state, c, now), [], None

        return await self._execute("revoke_token", cmd, apply)

    @revoke_token.validator
    def _validate_revoke_token(self, cmd: RevokeToken) -> None:
        with refusals_as_application_errors():
            rules.check_revoke_token(self._state, cmd)

    @workflow.update
    async def revoke_tokens(self, cmd: RevokeTokens) -> DirectoryResult:
        def apply(state: DirectoryState, c: RevokeTokens, now: datetime) -> Touched:
            return transitions.apply_revoke_tokens(state, c, now), [state.people[c.person]], None

        return await self._execute("revoke_tokens", cmd, apply)

    @revoke_tokens.validator
    def _validate_revoke_tokens(self, cmd: RevokeTokens) -> None:
        with refusals_as_application_errors():
            rules.check_revoke_tokens(self._state, cmd)

    @workflow.update
    async def publish_playbook(self, cmd: PublishPlaybook) -> DirectoryResult:
        def apply(state: DirectoryState, c: PublishPlaybook, now: datetime) -> Touched:
            return publishing.apply_publish_playbook(state, c, now), [], None

        return await self._execute("publish_playbook", cmd, apply)

    @publish_playbook.validator
    def _validate_publish_playbook(self, cmd: PublishPlaybook) -> None:
        with refusals_as_application_errors():
            publishing.check_not_built_in(cmd.playbook, PLAYBOOKS)
            publishing.check_publish_playbook(self._state, cmd)

    @workflow.update
    async def purge_archives(self, cmd: PurgeArchives) -> DirectoryResult:
        def apply(state: DirectoryState, c: PurgeArchives, now: datetime) -> Touched:
            return apply_purge_archives(state, c, now), [], None

        return await self._execute("purge_archives", cmd, apply)

    @purge_archives.validator
    def _validate_purge_archives(self, cmd: PurgeArchives) -> None:
        with refusals_as_application_errors():
            check_purge_archives(self._state, cmd, workflow.now())

    # The one path every command takes

    async def _execute(self, name: str, cmd: C, transition: Transition[C]) -> DirectoryResult:
        # The state may have moved since the validator ran; the transition checks again.
        with refusals_as_application_errors():
            events, people, delegation = transition(self._state, cmd, workflow.now())
        self._outbox.extend(events)
        result = DirectoryResult(
            directory_id=self._state.directory_id,
            command=name,
            seq=self._state.seq,
            changed=bool(events),
            people=[p.model_copy(deep=True) for p in people],
            delegation=delegation,
        )
        if cmd.request is not None:
            self._receipts.append(
                DirectoryReceipt(
                    key=cmd.request.key, fingerprint=cmd.request.fingerprint, result=result
                )
            )
        await self._project()
        return result

    async def _project(self) -> None:
        """Return once SQL holds every event and receipt written so far."""
        async with self._projection_lock:
            if not self._outbox and not self._receipts:
                return
            batch = DirectoryBatch(
                directory_id=self._state.directory_id,
                events=list(self._outbox),
                receipts=list(self._receipts),
            )
            await workflow.execute_activity(
                project_directory,
                batch,
                start_to_close_timeout=PROJECTION_TIMEOUT,
                retry_policy=PERSISTENT,
            )
            self._outbox = self._outbox[len(batch.events) :]
            self._receipts = self._receipts[len(batch.receipts) :]
