"""ServiceChangeWorkflow: one per service change, a thin driver over models/."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    import pydantic

    from models.audit import AuditEvent
    from models.authority import Authorities
    from models.change import ChangeState
    from models.commands import (
        Challenge,
        CloseCondition,
        Decide,
        OpenChange,
        RecordMeasurement,
        ResolveChallenge,
        SignOffCommand,
        SubmitWork,
        Withdraw,
    )
    from models.errors import IdempotencyKeyReused
    from models.gate import Decision
    from models.read.views import ChangeView, describe_change
    from models.results import (
        ChangeOutcome,
        ChangeStart,
        CommandResult,
        DirectoryNews,
        Receipt,
        result_of,
    )
    from models.rules.challenges import check_challenge, check_resolve
    from models.rules.conditions import check_close_condition
    from models.rules.decision import check_decide
    from models.rules.measurement import check_record_measurement
    from models.rules.sign_off import check_sign_off, check_sign_off_at
    from models.rules.submission import check_submit
    from models.rules.withdrawal import check_withdraw
    from models.transitions.challenges import apply_challenge, apply_resolve
    from models.transitions.conditions import apply_close_condition
    from models.transitions.decision import apply_decide, carry_into_new_run
    from models.transitions.measurement import apply_record_measurement
    from models.transitions.opening import open_change
    from models.transitions.sign_off import apply_sign_off
    from models.transitions.submission import apply_submit
    from models.transitions.withdrawal import apply_withdraw
    from workflows import attributes, reads
    from workflows.archive import archive_this_run
    from workflows.command_path import CommandPath
    from workflows.keys import CommandKeys
    from workflows.patches import (
        ARCHIVE_CLOSED_RUNS,
        CLEAR_ATTRIBUTES_ON_CONTINUE,
        CREATED_AT_START,
        WITHDRAW_REQUIRES_ROLE,
    )
    from workflows.practice import ImprovementPractice
    from workflows.projection import ChangeProjection
    from workflows.time_keeping import TimeKeeping


@workflow.defn(failure_exception_types=[pydantic.ValidationError])
class ServiceChangeWorkflow(ImprovementPractice, CommandPath, TimeKeeping):
    """Carries one service change through its playbook, gate by gate.

    Updates, each with a validator that refuses without leaving history:
        open, submit_work, sign_off, record_measurement, decide, withdraw,
        close_condition, challenge, resolve_challenge; and the improvement practice's
        prioritise, override_ground, set_readiness, assess (workflows/practice.py)
    Queries:
        state (the full ChangeState), view (what it waits on, since when and why)
    Activities (activities/interfaces.py):
        end_of_working_days (the challenge window of a reject, from the holiday calendar),
        read_authorities (the directory, re-read whenever someone acts, and again for
        every counted approver when a quorum would complete),
        project_change (read model, audit log and keyed answers, awaited before an
        update returns)
    Signals:
        directory_changed (the directory's projection says the change may be stuck)
    Timers (workflows/time_keeping.py):
        a change closed by a reject stays open until its challenge window ends, so the
        team can still challenge it; with service levels, each turn and condition is
        reminded, marked overdue and escalated on its own calendar.
    Continue-as-new:
        at each new PDCA cycle, and whenever Temporal suggests it; answers of recent
        keyed commands travel along, and SQL keeps all of them.
    Child workflows (workflows/archive.py):
        ArchiveRunWorkflow, started just before each run returns or continues as new; it
        outlives the run and archives its history once the run has closed.
    """

    @workflow.init
    def __init__(self, start: ChangeStart) -> None:
        unsent: list[AuditEvent] = []
        if start.carried is not None:
            self._state = start.carried
        else:
            assert start.new is not None, "a change starts new or carried"
            self._state, unsent = open_change(start.new, self._created_at())
        self._projection = ChangeProjection(self._state, unsent)
        if start.new is not None and start.creation is not None:
            opened = result_of(self._state, "open")
            self._projection.receipts.append(Receipt.of(start.creation, opened))
        self._creation = start.creation
        self._creation_result = start.creation_result
        self._keys = CommandKeys(start.receipts)
        self._run_iteration = self._state.iteration
        self._clock_ready = self._state.playbook.governance.service_levels is None

    def _created_at(self) -> datetime:
        """When the change began. Its start time, recorded by the server, lets a caller
        whose creation timed out work out the exact answer from the history alone;
        histories from before this replay with the first task's clock."""
        if workflow.patched(CREATED_AT_START):
            return workflow.info().workflow_start_time
        return workflow.now()

    @workflow.run
    async def run(self, start: ChangeStart) -> ChangeOutcome:  # noqa: ARG002
        attributes.publish(self._state)
        keeping_time = await self._starts_keeping_time()
        self._clock_ready = True
        await self._projection.through(self._state, self._state.seq)
        await self._wait_for_the_clock(keeping_time)
        await self._settle()
        if workflow.patched(ARCHIVE_CLOSED_RUNS):
            await archive_this_run(self._state.change_id)
            await self._settle()
        if self._state.status.is_closed and not self._awaiting_challenge():
            return self._outcome()
        if workflow.patched(CLEAR_ATTRIBUTES_ON_CONTINUE):
            attributes.mark_continued()
        workflow.continue_as_new(
            ChangeStart(
                carried=carry_into_new_run(self._state),
                creation=self._creation,
                creation_result=self._creation_result,
                receipts=self._keys.book.recent(),
            )
        )

    async def _settle(self) -> None:
        """Wait until every handler is done and everything it wrote is projected."""
        while True:
            await workflow.wait_condition(workflow.all_handlers_finished)
            if not self._projection.behind(self._state):
                return
            await self._projection.through(self._state, self._state.seq)

    def _outcome(self) -> ChangeOutcome:
        state = self._state
        return ChangeOutcome(
            change_id=state.change_id,
            status=state.status,
            iteration=state.iteration,
            last_seq=state.seq,
            last_hash=state.last_hash,
        )

    # Signals

    @workflow.signal
    def directory_changed(self, news: DirectoryNews) -> None:  # noqa: ARG002
        """The directory's projection says the change may have become stuck, or may no
        longer be: look at the directory again."""
        self._directory_changed = True

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
        await self._clock_set()
        if self._creation_result is None:
            await self._projection.through(self._state, self._state.seq)
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
        return await self._execute("submit_work", cmd, apply_submit)

    @submit_work.validator
    def _validate_submit_work(self, cmd: SubmitWork) -> None:
        self._validate(cmd, check_submit)

    @workflow.update
    async def sign_off(self, cmd: SignOffCommand) -> CommandResult:
        if cmd.decision is Decision.REJECT:
            deadline = await reads.challenge_deadline(self._state)
            cmd = cmd.model_copy(update={"challenge_deadline": deadline})
        return await self._execute("sign_off", cmd, apply_sign_off, cmd.role)

    @sign_off.validator
    def _validate_sign_off(self, cmd: SignOffCommand) -> None:
        self._validate(cmd, check_sign_off)
        self._validate(cmd, lambda s, c: check_sign_off_at(s, c, workflow.now()))

    @workflow.update
    async def record_measurement(self, cmd: RecordMeasurement) -> CommandResult:
        return await self._execute("record_measurement", cmd, apply_record_measurement)

    @record_measurement.validator
    def _validate_record_measurement(self, cmd: RecordMeasurement) -> None:
        self._validate(cmd, check_record_measurement)

    @workflow.update
    async def decide(self, cmd: Decide) -> CommandResult:
        return await self._execute("decide", cmd, apply_decide)

    @decide.validator
    def _validate_decide(self, cmd: Decide) -> None:
        self._validate(cmd, check_decide)

    @workflow.update
    async def withdraw(self, cmd: Withdraw) -> CommandResult:
        require_role = workflow.patched(WITHDRAW_REQUIRES_ROLE)

        def withdraw(s: ChangeState, c: Withdraw, a: Authorities, at: datetime) -> list[AuditEvent]:
            return apply_withdraw(s, c, a, at, require_role=require_role)

        return await self._execute("withdraw", cmd, withdraw)

    @withdraw.validator
    def _validate_withdraw(self, cmd: Withdraw) -> None:
        self._validate(cmd, check_withdraw)

    @workflow.update
    async def close_condition(self, cmd: CloseCondition) -> CommandResult:
        return await self._execute("close_condition", cmd, apply_close_condition)

    @close_condition.validator
    def _validate_close_condition(self, cmd: CloseCondition) -> None:
        self._validate(cmd, check_close_condition)

    @workflow.update
    async def challenge(self, cmd: Challenge) -> CommandResult:
        return await self._execute("challenge", cmd, apply_challenge)

    @challenge.validator
    def _validate_challenge(self, cmd: Challenge) -> None:
        self._validate(cmd, lambda s, c: check_challenge(s, c, workflow.now()))

    @workflow.update
    async def resolve_challenge(self, cmd: ResolveChallenge) -> CommandResult:
        return await self._execute("resolve_challenge", cmd, apply_resolve)

    @resolve_challenge.validator
    def _validate_resolve_challenge(self, cmd: ResolveChallenge) -> None:
        self._validate(cmd, check_resolve)
