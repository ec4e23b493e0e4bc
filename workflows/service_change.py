"""ServiceChangeWorkflow: one per service change, a thin driver over models/."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    import pydantic

    from activities.calendar import CalendarActivities
    from activities.directory import DirectoryActivities
    from activities.projection import ProjectionActivities
    from models import budget, challenges, conditions, lifecycle, rules, signing
    from models.audit import AuditEvent
    from models.authority import Authorities, AuthorityQuery
    from models.calendar import WorkingDaysQuery
    from models.change import ChangeState
    from models.commands import (
        Challenge,
        CloseCondition,
        Command,
        Decide,
        OpenChange,
        RecordMeasurement,
        RequestKey,
        ResolveChallenge,
        SignOffCommand,
        SubmitWork,
        Withdraw,
    )
    from models.errors import IdempotencyKeyReused, ThroughlineError
    from models.gate import Decision
    from models.projection import ProjectionBatch
    from models.receipts import ReceiptBook
    from models.results import ChangeOutcome, ChangeStart, CommandResult, Receipt, result_of
    from models.roles import Role
    from models.views import ChangeView, describe_change
    from models.waiting import next_actors, roles_waited_on
    from workflows import search_attributes

C = TypeVar("C", bound=Command)
Q = TypeVar("Q")
R = TypeVar("R")
Transition = Callable[[ChangeState, C, Authorities, datetime], list[AuditEvent]]
Check = Callable[[ChangeState, C], None]

# Writes must land eventually, so projection retries without limit; the backoff
# keeps a database outage from turning into a retry storm.
PERSISTENT = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
# A healthy write takes milliseconds; a short timeout means a dead worker's attempt is
# retried elsewhere quickly. A late attempt that still commits is harmless: idempotent.
PROJECTION_TIMEOUT = timedelta(seconds=15)
# Directory and calendar reads run as local activities: the worker does them itself and
# records only the answer, which saves a round trip through the server per command.
# Histories recorded before this patch replay with ordinary activities. The projection
# stays an ordinary activity, because its recorded input is what `throughline rebuild`
# restores the read model from.
LOCAL_READS = "local-directory-and-calendar-reads"
RECHECK_JUDGES_PEOPLE_READ = "recheck-judges-only-people-it-read"
WITHDRAW_REQUIRES_ROLE = "withdraw-requires-the-role"
PROJECT_EVERY_RECEIPT = "project-every-receipt"
CREATED_AT_START = "created-at-the-start-time"
HAND_HELD_GATES = "hand-held-gates-to-condition-owners"
WAITING_ON_BY_ROLE = "search-attributes-name-every-role-waited-on"
CLEAR_ATTRIBUTES_ON_CONTINUE = "clear-search-attributes-before-continue-as-new"
DIRECTORY_TIMEOUT = timedelta(seconds=10)
CONTINUED = "continued"
"""ThroughlineStatus of a run that continued as new: the next run carries the change."""


@contextmanager
def refusals_as_application_errors() -> Iterator[None]:
    """Domain refusals become non-retryable ApplicationErrors typed by their code.

    Any other exception would fail the workflow task, which Temporal retries forever.
    """
    try:
        yield
    except ThroughlineError as refusal:
        raise ApplicationError(refusal.message, type=refusal.code, non_retryable=True) from None


@workflow.defn(failure_exception_types=[pydantic.ValidationError])
class ServiceChangeWorkflow:
    """Carries one service change through its playbook, gate by gate.

    Updates, each with a validator that refuses without leaving history:
        open, submit_work, sign_off, record_measurement, decide, withdraw,
        close_condition, challenge, resolve_challenge
    Queries:
        state (the full ChangeState), view (what it waits on, since when and why)
    Activities:
        end_of_working_days (the challenge window of a reject, from the holiday calendar),
        read_authorities (the directory, re-read whenever someone acts, and again for
        every counted approver when a quorum would complete),
        project_change (read model and audit log, awaited before an update returns)
    Timers:
        a change closed by a reject stays open until its challenge window ends, so the
        team can still challenge it.
    Continue-as-new:
        at each new PDCA cycle, and whenever Temporal suggests it; receipts of recent
        commands travel along so Idempotency-Keys keep working across runs.
    """

    @workflow.init
    def __init__(self, start: ChangeStart) -> None:
        self._outbox: list[AuditEvent] = []
        # Full answers to keyed commands, sent with the next projection, which keeps them
        # in SQL for the life of the change: the receipt book is only a recent window.
        self._unprojected_receipts: list[Receipt] = []
        if start.carried is not None:
            self._state = start.carried
        else:
            assert start.new is not None, "a change starts new or carried"
            self._state, self._outbox = lifecycle.open_change(start.new, self._created_at())
            self._keep_creation_receipt(start.creation)
        self._projected_seq = self._state.seq - len(self._outbox)
        self._creation = start.creation
        self._creation_result = start.creation_result
        self._receipts = ReceiptBook(start.receipts)
        self._run_iteration = self._state.iteration
        self._projection_lock = asyncio.Lock()
        # Keys of commands still being handled: a second request with the same key and a
        # different body must be refused even before the first has a receipt.
        self._in_flight: dict[str, str] = {}

    def _created_at(self) -> datetime:
        """When the change began. Its start time, recorded by the server, lets a caller
        whose creation timed out work out the exact answer from the history alone;
        histories from before this replay with the first task's clock."""
        if workflow.patched(CREATED_AT_START):
            return workflow.info().workflow_start_time
        return workflow.now()

    def _keep_creation_receipt(self, creation: RequestKey | None) -> None:
        if creation is not None:
            self._unprojected_receipts.append(Receipt.of(creation, result_of(self._state, "open")))

    @workflow.run
    async def run(self, start: ChangeStart) -> ChangeOutcome:  # noqa: ARG002
        self._publish_search_attributes()
        await self._project_through(self._state.seq)
        await self._wait_until_run_ends()
        await self._settle()
        if self._state.status.is_closed and not self._awaiting_challenge():
            return self._outcome()
        if workflow.patched(CLEAR_ATTRIBUTES_ON_CONTINUE):
            self._mark_run_continued()
        workflow.continue_as_new(
            ChangeStart(
                carried=lifecycle.carry_into_new_run(self._state),
                creation=self._creation,
                creation_result=self._creation_result,
                receipts=self._receipts.recent(),
            )
        )

    async def _wait_until_run_ends(self) -> None:
        while True:
            deadline = self._challenge_deadline_while_closed()
            timeout = deadline - workflow.now() if deadline else None

            def ended_or_deadline_moved(current: datetime | None = deadline) -> bool:
                # A reject that closes the change sets a deadline to wait for: wake up so
                # the next round of the loop starts a timer for it.
                return self._run_should_end() or self._challenge_deadline_while_closed() != current

            try:
                await workflow.wait_condition(ended_or_deadline_moved, timeout=timeout)
            except TimeoutError:
                continue  # the window closed; the condition now says whether to end
            if self._run_should_end():
                return

    def _awaiting_challenge(self) -> bool:
        return challenges.awaiting_challenge(self._state, workflow.now())

    def _challenge_deadline_while_closed(self) -> datetime | None:
        if not self._awaiting_challenge():
            return None
        rejection = challenges.challengeable(self._state, workflow.now())
        return rejection.challenge_deadline if rejection else None

    def _run_should_end(self) -> bool:
        """True when this run should finish: the change has closed for good, a new cycle
        began, or Temporal suggests a fresh run (a change still open to a challenge then
        continues as new rather than ending)."""
        state = self._state
        if state.iteration > self._run_iteration or workflow.info().is_continue_as_new_suggested():
            return True
        return state.status.is_closed and not self._awaiting_challenge()

    async def _settle(self) -> None:
        """Wait until every handler is done and everything it wrote is projected."""
        while True:
            await workflow.wait_condition(workflow.all_handlers_finished)
            if self._projected_seq >= self._state.seq and not self._receipts_waiting():
                return
            await self._project_through(self._state.seq)

    def _outcome(self) -> ChangeOutcome:
        return ChangeOutcome(
            change_id=self._state.change_id,
            status=self._state.status,
            iteration=self._state.iteration,
            last_seq=self._state.seq,
            last_hash=self._state.last_hash,
        )

    # Queries

    @workflow.query
    def state(self) -> ChangeState:
        return self._state

    @workflow.query
    def view(self) -> ChangeView:
        return describe_change(self._state, workflow.now())

    # Updates

    @workflow.update
    async def open(self, cmd: OpenChange) -> CommandResult:  # noqa: ARG002
        """Confirms creation once the new change is in the read model."""
        if self._creation_result is None:
            await self._project_through(self._state.seq)
            self._creation_result = self._result("open", self._state.gate.id)
        return self._creation_result

    @open.validator
    def _validate_open(self, cmd: OpenChange) -> None:
        creation, request = self._creation, cmd.request
        if creation is None or request is None or creation.key != request.key:
            return
        if creation.fingerprint != request.fingerprint:
            refusal = IdempotencyKeyReused(
                "this Idempotency-Key already created a different change; use a new key"
            )
            raise ApplicationError(refusal.message, type=refusal.code, non_retryable=True)

    @workflow.update
    async def submit_work(self, cmd: SubmitWork) -> CommandResult:
        return await self._execute("submit_work", cmd, lifecycle.apply_submit)

    @submit_work.validator
    def _validate_submit_work(self, cmd: SubmitWork) -> None:
        self._validate(cmd, rules.check_submit)

    @workflow.update
    async def sign_off(self, cmd: SignOffCommand) -> CommandResult:
        if cmd.decision is Decision.REJECT:
            cmd = cmd.model_copy(update={"challenge_deadline": await self._challenge_deadline()})
        return await self._execute("sign_off", cmd, signing.apply_sign_off, cmd.role)

    @sign_off.validator
    def _validate_sign_off(self, cmd: SignOffCommand) -> None:
        self._validate(cmd, rules.check_sign_off)
        self._validate(cmd, lambda _, c: rules.check_conditions_due(c, workflow.now()))

    @workflow.update
    async def record_measurement(self, cmd: RecordMeasurement) -> CommandResult:
        return await self._execute("record_measurement", cmd, lifecycle.apply_record_measurement)

    @record_measurement.validator
    def _validate_record_measurement(self, cmd: RecordMeasurement) -> None:
        self._validate(cmd, rules.check_record_measurement)

    @workflow.update
    async def decide(self, cmd: Decide) -> CommandResult:
        return await self._execute("decide", cmd, lifecycle.apply_decide)

    @decide.validator
    def _validate_decide(self, cmd: Decide) -> None:
        self._validate(cmd, rules.check_decide)

    @workflow.update
    async def withdraw(self, cmd: Withdraw) -> CommandResult:
        # Withdrawing came to require the role one withdraws in; under a patch, so a
        # recorded withdrawal replays as it happened.
        require_role = workflow.patched(WITHDRAW_REQUIRES_ROLE)

        def withdraw(
            s: ChangeState, c: Withdraw, a: Authorities, now: datetime
        ) -> list[AuditEvent]:
            return lifecycle.apply_withdraw(s, c, a, now, require_role=require_role)

        return await self._execute("withdraw", cmd, withdraw)

    @withdraw.validator
    def _validate_withdraw(self, cmd: Withdraw) -> None:
        self._validate(cmd, rules.check_withdraw)

    @workflow.update
    async def close_condition(self, cmd: CloseCondition) -> CommandResult:
        return await self._execute("close_condition", cmd, conditions.apply_close_condition)

    @close_condition.validator
    def _validate_close_condition(self, cmd: CloseCondition) -> None:
        self._validate(cmd, conditions.check_close_condition)

    @workflow.update
    async def challenge(self, cmd: Challenge) -> CommandResult:
        return await self._execute("challenge", cmd, challenges.apply_challenge)

    @challenge.validator
    def _validate_challenge(self, cmd: Challenge) -> None:
        self._validate(cmd, lambda s, c: challenges.check_challenge(s, c, workflow.now()))

    @workflow.update
    async def resolve_challenge(self, cmd: ResolveChallenge) -> CommandResult:
        return await self._execute("resolve_challenge", cmd, challenges.apply_resolve)

    @resolve_challenge.validator
    def _validate_resolve_challenge(self, cmd: ResolveChallenge) -> None:
        self._validate(cmd, challenges.check_resolve)

    # The one path every command takes

    def _validate(self, cmd: C, check: Check[C]) -> None:
        with refusals_as_application_errors():
            self._refuse_key_in_flight_for_another_body(cmd)
            if self._receipts.replay(cmd.request) is None:
                budget.check_room_to_grow(self._state, cmd)
                check(self._state, cmd)

    def _refuse_key_in_flight_for_another_body(self, cmd: Command) -> None:
        request = cmd.request
        if request and self._in_flight.get(request.key, request.fingerprint) != request.fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key is in use by a different request right now; "
                "use a new key for a new request"
            )

    async def _execute(
        self, name: str, cmd: C, transition: Transition[C], role: Role | None = None
    ) -> CommandResult:
        with refusals_as_application_errors():
            earlier = self._receipts.replay(cmd.request)
        if earlier is not None:
            return earlier
        if cmd.request is None:
            return await self._apply(name, cmd, transition, role)
        self._in_flight[cmd.request.key] = cmd.request.fingerprint
        try:
            return await self._apply(name, cmd, transition, role)
        finally:
            self._in_flight.pop(cmd.request.key, None)

    async def _apply(
        self, name: str, cmd: C, transition: Transition[C], role: Role | None
    ) -> CommandResult:
        authorities = await self._authorities(cmd.people())
        gate_before = self._state.gate.id
        # The state may have moved while we awaited the directory; the transition
        # re-checks every rule before it changes anything.
        with refusals_as_application_errors():
            events = transition(self._state, cmd, authorities, workflow.now())
        self._outbox.extend(events)
        await self._complete_gate_if_ready(cmd.actor, role)
        self._publish_search_attributes()
        result = self._result(name, gate_before)
        self._receipts.remember(cmd.request, result)
        if cmd.request is not None:
            self._unprojected_receipts.append(Receipt.of(cmd.request, result))
        await self._project_through(self._state.seq)
        return result

    def _result(self, name: str, gate_before: str) -> CommandResult:
        closed = next((g for g in self._state.past_gates if g.id == gate_before), None)
        return result_of(self._state, name, closed)

    # Side effects, all through activities

    async def _complete_gate_if_ready(self, actor: str, role: Role | None) -> None:
        if not signing.gate_ready(self._state):
            # A gate whose approvals are in but which a condition holds now waits on the
            # condition's owner, and its handoff says so (a patch: older histories have
            # no such handoff).
            if signing.held_by_conditions(self._state) and workflow.patched(HAND_HELD_GATES):
                held = signing.hand_held_gate(self._state, workflow.now(), actor, role)
                self._outbox.extend(held)
            return
        authorities = None
        if self._state.playbook.governance.recheck_authority_at_quorum:
            authorities = await self._authorities(signing.people_to_recheck(self._state))
        # Another command may have moved the gate during that await; complete_gate
        # re-checks readiness before it passes anything, and judges only the people it
        # read (a fix that runs under a patch, so recorded histories replay unchanged).
        events = signing.complete_gate(
            self._state,
            workflow.now(),
            actor,
            role,
            authorities,
            judge_only_people_read=workflow.patched(RECHECK_JUDGES_PEOPLE_READ),
        )
        self._outbox.extend(events)

    async def _challenge_deadline(self) -> datetime | None:
        governance = self._state.playbook.governance
        if not governance.challenge_window_working_days:
            return None
        query = WorkingDaysQuery(
            start=workflow.now(),
            days=governance.challenge_window_working_days,
            calendar=governance.holiday_calendar,
        )
        return await self._read(CalendarActivities.end_of_working_days, query)

    async def _authorities(self, people: list[str]) -> Authorities:
        query = AuthorityQuery(people=people, as_of=workflow.now(), change_id=self._state.change_id)
        return await self._read(DirectoryActivities.read_authorities, query)

    async def _read(self, activity: Callable[[Any, Q], Awaitable[R]], query: Q) -> R:
        """A read of the outside world: a local activity under LOCAL_READS (the worker
        does it and records the answer), an ordinary one in histories from before."""
        if workflow.patched(LOCAL_READS):
            return await workflow.execute_local_activity_method(
                activity, query, start_to_close_timeout=DIRECTORY_TIMEOUT, retry_policy=PERSISTENT
            )
        return await workflow.execute_activity_method(
            activity, query, start_to_close_timeout=DIRECTORY_TIMEOUT, retry_policy=PERSISTENT
        )

    async def _project_through(self, seq: int) -> None:
        """Return once the read model holds every event up to seq."""
        async with self._projection_lock:
            if self._projected_seq >= seq and not self._receipts_waiting():
                return
            batch = ProjectionBatch(
                workflow_id=workflow.info().workflow_id,
                state=self._state.model_copy(deep=True),
                events=list(self._outbox),
                receipts=list(self._unprojected_receipts),
            )
            await workflow.execute_activity_method(
                ProjectionActivities.project_change,
                batch,
                start_to_close_timeout=PROJECTION_TIMEOUT,
                retry_policy=PERSISTENT,
            )
            # Only events the database now holds leave the outbox, so none is ever lost.
            self._outbox = [e for e in self._outbox if e.seq > batch.state.seq]
            self._unprojected_receipts = self._unprojected_receipts[len(batch.receipts) :]
            self._projected_seq = batch.state.seq

    def _roles_waited_on(self) -> list[str]:
        """Every role the change waits on, even one nobody is left to take (a patch:
        older histories named only roles someone could still act in)."""
        if workflow.patched(WAITING_ON_BY_ROLE):
            return [role.value for role in roles_waited_on(self._state)]
        return sorted({role.value for _, role, _ in next_actors(self._state)})

    def _mark_run_continued(self) -> None:
        """A run that continues as new keeps its search attributes; clear what would make
        operators count the change twice, or at a stage it has left."""
        workflow.upsert_search_attributes(
            [
                search_attributes.STAGE.value_unset(),
                search_attributes.STATUS.value_set(CONTINUED),
                search_attributes.WAITING_ON.value_set([]),
            ]
        )

    def _receipts_waiting(self) -> bool:
        """A receipt whose command's events a concurrent batch already carried still
        needs a projection of its own; histories from before receipts were kept in SQL
        replay without one."""
        return bool(self._unprojected_receipts) and workflow.patched(PROJECT_EVERY_RECEIPT)

    def _publish_search_attributes(self) -> None:
        workflow.upsert_search_attributes(
            [
                search_attributes.STAGE.value_set(self._state.stage),
                search_attributes.STATUS.value_set(self._state.status.value),
                search_attributes.WAITING_ON.value_set(self._roles_waited_on()),
                search_attributes.ITERATION.value_set(self._state.iteration),
            ]
        )
