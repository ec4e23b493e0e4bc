"""Drive a change through its gates with the change service, for workflow-level tests."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from models.commands import DecisionRequest, MeasurementRequest, SignOffRequest, SubmitWorkRequest
from models.gate import ActOutcome, Decision
from models.results import CommandResult
from models.roles import Role
from tests.factories import Team
from throughline.services.change_workflows import ChangeWorkflows
from throughline.services.changes import ChangeService
from throughline.settings import Settings

SIGNING = [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]


def change_service(
    client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> ChangeService:
    return ChangeService(ChangeWorkflows(client, settings, sessions), sessions)


def work(text: str) -> SubmitWorkRequest:
    return SubmitWorkRequest.model_validate(
        {"summary": text, "evidence": [{"title": text, "uri": "https://x.test/e", "content": text}]}
    )


def approve(revision: int, role: Role) -> SignOffRequest:
    return SignOffRequest(role=role, decision=Decision.APPROVE, revision=revision)


async def pass_current_gate(
    commands: ChangeService, change_id: str, team: Team, *, stage: str
) -> CommandResult:
    if stage == "check":
        for metric, value in [("median days to decision", 4), ("online take-up", 61)]:
            body = MeasurementRequest(metric=metric, value=value)
            await commands.record_measurement(change_id, team.proposer, body, key=None)
    submitted = await commands.submit(change_id, team.proposer, work(stage), key=None)
    revision = submitted.gate.revision
    assert revision is not None
    result = submitted
    for role in SIGNING:
        result = await commands.sign_off(
            change_id, team.signer(role), approve(revision, role), None
        )
    return result


async def to_act_gate(commands: ChangeService, change_id: str, team: Team) -> CommandResult:
    result = None
    for stage in ["intent", "design", "delivery", "check"]:
        result = await pass_current_gate(commands, change_id, team, stage=stage)
    assert result is not None
    assert result.stage == "act"
    return result


def adapt(comment: str = "take-up below target") -> DecisionRequest:
    return DecisionRequest(outcome=ActOutcome.ADAPT, comment=comment)
