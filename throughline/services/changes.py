"""Commands on service changes, as people give them: propose, submit work, sign off,
record a measurement, decide, withdraw, close a condition, challenge a reject and rule
on a challenge. The API, the command line and the pages all call these.

The workflow checks every rule; this service adds what only the outside world can say
before the command is sent (whether the named people are in the directory, whether a
keyed proposal already made its change), and sends each command once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState
from models.commands import (
    Challenge,
    ChallengeRequest,
    ChallengeResolutionRequest,
    CloseCondition,
    CloseConditionRequest,
    Decide,
    DecisionRequest,
    MeasurementRequest,
    NewChange,
    RecordMeasurement,
    ResolveChallenge,
    SignOffCommand,
    SignOffRequest,
    SubmitWork,
    SubmitWorkRequest,
    Withdraw,
    WithdrawRequest,
)
from models.errors import (
    ChallengeWindowClosed,
    ChangeClosed,
    IdempotencyKeyReused,
    ThroughlineError,
)
from models.intake import ChangeIntake
from models.results import CommandResult, result_of
from models.rules.staffing import check_staffing
from models.tables import ChangeRow, CommandReceiptRow
from throughline.services.calls import request_key
from throughline.services.change_workflows import ChangeWorkflows, change_id_for
from throughline.services.playbooks import PlaybookCatalogue
from throughline.store import directory, live_data, readmodel, receipts
from workflows.service_change import ServiceChangeWorkflow


class ChangeService:
    def __init__(
        self,
        workflows: ChangeWorkflows,
        sessions: async_sessionmaker[AsyncSession],
        playbooks: PlaybookCatalogue | None = None,
    ) -> None:
        self.workflows = workflows
        self._sessions = sessions
        self._playbooks = playbooks or PlaybookCatalogue(sessions)

    async def propose(self, intake: ChangeIntake, proposer: str, key: str | None) -> CommandResult:
        """Check the named people against the directory, then start the change on the
        playbook version it asks for, else the latest; a keyed proposal whose change
        exists gets that change's first answer."""
        playbook = await self._playbooks.for_new_change(intake.playbook, intake.playbook_version)
        request = request_key(proposer, key, intake.keyed())
        change_id = change_id_for(request)
        async with self._sessions() as session:
            named = sorted(intake.people.everyone())
            found = await directory.authorities(session, named, datetime.now(UTC))
            check_staffing(intake, playbook, found, proposer)
            existing = await readmodel.find_change(session, change_id) if request else None
            if existing is not None and request is not None:
                receipt = await receipts.find(session, existing.id, request.key)
                return _already_proposed(existing, receipt, intake, proposer)
        new = NewChange(change_id=change_id, intake=intake, proposer=proposer, playbook=playbook)
        return await self.workflows.start(new, request)

    async def submit(
        self, change_id: str, actor: str, body: SubmitWorkRequest, key: str | None
    ) -> CommandResult:
        evidence = [item.to_item() for item in body.evidence]
        cmd = SubmitWork(actor=actor, summary=body.summary, evidence=evidence)
        return await self.workflows.send(
            change_id, ServiceChangeWorkflow.submit_work, cmd, body, key
        )

    async def sign_off(
        self, change_id: str, actor: str, body: SignOffRequest, key: str | None
    ) -> CommandResult:
        """Approve, approve with conditions, request changes or reject. Without a key, the
        directory's answer of now refuses at once what the workflow would refuse; with
        one, a retry must reach its first answer even if the directory changed since."""
        if key is None:
            try:
                await self._require_signer_now(change_id, actor, body)
            except ThroughlineError as refused:
                await self.workflows.refusals.note(change_id, actor, body.role, "sign_off", refused)
                raise
        cmd = SignOffCommand(actor=actor, **body.model_dump())
        if body.decision.approves:
            cmd.first_observed = await self._first_observed(change_id)
        return await self.workflows.send(change_id, ServiceChangeWorkflow.sign_off, cmd, body, key)

    async def record_measurement(
        self, change_id: str, actor: str, body: MeasurementRequest, key: str | None
    ) -> CommandResult:
        cmd = RecordMeasurement(actor=actor, **body.model_dump())
        update = ServiceChangeWorkflow.record_measurement
        return await self.workflows.send(change_id, update, cmd, body, key)

    async def decide(
        self, change_id: str, actor: str, body: DecisionRequest, key: str | None
    ) -> CommandResult:
        cmd = Decide(actor=actor, **body.model_dump())
        return await self.workflows.send(change_id, ServiceChangeWorkflow.decide, cmd, body, key)

    async def withdraw(
        self, change_id: str, actor: str, body: WithdrawRequest, key: str | None
    ) -> CommandResult:
        cmd = Withdraw(actor=actor, **body.model_dump())
        return await self.workflows.send(change_id, ServiceChangeWorkflow.withdraw, cmd, body, key)

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
        return await self.workflows.send(change_id, update, cmd, body, key, scope=condition_id)

    async def challenge(
        self, change_id: str, actor: str, body: ChallengeRequest, key: str | None
    ) -> CommandResult:
        """A change closed by a reject finishes when its window ends; a challenge after
        that is refused for the window, not merely because the change is closed."""
        cmd = Challenge(actor=actor, **body.model_dump())
        try:
            return await self.workflows.send(
                change_id, ServiceChangeWorkflow.challenge, cmd, body, key
            )
        except ChangeClosed:
            await self._refuse_a_closed_window(change_id)
            raise

    async def resolve_challenge(
        self, change_id: str, actor: str, body: ChallengeResolutionRequest, key: str | None
    ) -> CommandResult:
        cmd = ResolveChallenge(actor=actor, **body.model_dump())
        update = ServiceChangeWorkflow.resolve_challenge
        return await self.workflows.send(change_id, update, cmd, body, key)

    async def _require_signer_now(self, change_id: str, person: str, body: SignOffRequest) -> None:
        people = [person, *([body.acting_for] if body.acting_for else [])]
        async with self._sessions() as session:
            found = await directory.authorities(session, people, datetime.now(UTC), change_id)
        found.require_signer(person, body.role, body.acting_for)

    async def _first_observed(self, change_id: str) -> dict[str, datetime] | None:
        """When each measure's live data began: a gate may need a minimum observation
        period, and only the store knows the data."""
        async with self._sessions() as session:
            return await live_data.first_received(session, change_id) or None

    async def _refuse_a_closed_window(self, change_id: str) -> None:
        async with self._sessions() as session:
            row = await readmodel.find_change(session, change_id)
        rejection = ChangeState.model_validate(row.snapshot).latest_rejection if row else None
        if rejection is None or rejection.challenge_deadline is None:
            return
        if datetime.now(UTC) > rejection.challenge_deadline:
            raise ChallengeWindowClosed(
                f"the window to challenge the reject of {rejection.gate_name!r} closed at "
                f"{rejection.challenge_deadline.isoformat()}"
            )


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
