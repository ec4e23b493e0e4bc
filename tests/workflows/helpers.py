"""Drive a change through its gates with ChangeCommands, for workflow-level tests."""

from __future__ import annotations

from models.commands import DecisionRequest, MeasurementRequest, SignOffRequest, SubmitWorkRequest
from models.gate import ActOutcome, Decision
from models.results import CommandResult
from models.roles import Role
from tests.factories import Team
from throughline.changes import ChangeCommands

SIGNING = [Role.POLICY, Role.DIGITAL, Role.OPERATIONS]


def work(text: str) -> SubmitWorkRequest:
    return SubmitWorkRequest.model_validate(
        {"summary": text, "evidence": [{"title": text, "uri": "https://x.test/e", "content": text}]}
    )


def approve(revision: int, role: Role) -> SignOffRequest:
    return SignOffRequest(role=role, decision=Decision.APPROVE, revision=revision)


async def pass_current_gate(
    commands: ChangeCommands, change_id: str, team: Team, *, stage: str
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


async def to_act_gate(commands: ChangeCommands, change_id: str, team: Team) -> CommandResult:
    result = None
    for stage in ["intent", "design", "delivery", "check"]:
        result = await pass_current_gate(commands, change_id, team, stage=stage)
    assert result is not None
    assert result.stage == "act"
    return result


def adapt(comment: str = "take-up below target") -> DecisionRequest:
    return DecisionRequest(outcome=ActOutcome.ADAPT, comment=comment)
