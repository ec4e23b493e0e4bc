"""Scenarios for the improvement practice: a change through the GOV.UK service phases
with a red alpha assessment and its reassessment, amber actions closed before the next
assessment and areas made ready; and a plan-do-check-act change whose missing condition
for starting the service owner overrides before design."""

from __future__ import annotations

from datetime import date
from typing import Any

from models.assessment import AssessmentRequest
from models.commands import CloseConditionRequest, DecisionRequest, MeasurementRequest
from models.gate import ActOutcome
from models.intake import AlignmentArea, Prioritisation
from models.practice import GroundOverrideRequest, ReadinessRequest
from models.roles import Role
from tests.factories import Team, add_people
from tests.workflows.helpers import pass_current_gate, work
from throughline.services.changes import ChangeService
from throughline.services.directory import DirectoryService
from throughline.services.practice import PracticeService

Services = tuple[ChangeService, PracticeService]


def ratings(red: tuple[int, ...] = (), amber: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    def rating(point: int) -> str:
        return "red" if point in red else "amber" if point in amber else "green"

    return [{"point": n, "rating": rating(n), "comment": "reasons"} for n in range(1, 15)]


async def seat_panel(directory: DirectoryService, team: Team) -> list[str]:
    panel = [f"assessor-{seat}-{team.suffix}" for seat in ("lead", "research", "design", "tech")]
    await add_people(directory, {person: [Role.ASSESSOR] for person in panel})
    return panel


async def drive_phases(services: Services, team: Team, panel: list[str]) -> str:
    commands, practice = services
    people = {**team.people(), "assessor": panel}
    intake = team.intake(playbook="govuk-phases", people=people)
    change_id = (await commands.propose(intake, team.proposer, key="phases")).change_id
    await pass_current_gate(commands, change_id, team, stage="discovery")
    action = await _red_alpha_reassessed(services, change_id, team, panel[0])
    closure = CloseConditionRequest.model_validate(
        {
            "note": "mapped",
            "evidence": [{"title": "map", "uri": "https://x.test/m", "content": "m"}],
        }
    )
    await commands.close_condition(change_id, team.proposer, action, closure, key=None)
    for stage, areas in [("private_beta", _BETA_AREAS), ("public_beta", list(AlignmentArea))]:
        if stage == "public_beta":
            for metric, value in [("median days to decision", 4), ("online take-up", 61)]:
                body = MeasurementRequest(metric=metric, value=value)
                await commands.record_measurement(change_id, team.proposer, body, key=None)
        for area in areas:
            ready = ReadinessRequest.model_validate({"status": "ready", "owner": team.proposer})
            await practice.set_readiness(change_id, team.proposer, area, ready, key=None)
        revision = (await commands.submit(change_id, team.proposer, work(stage), key=None)).gate
        met = AssessmentRequest.model_validate(
            {"revision": revision.revision, "ratings": ratings()}
        )
        await practice.assess(change_id, panel[0], met, key=None)
    await commands.decide(change_id, team.owner, DecisionRequest(outcome=ActOutcome.ADOPT), None)
    return change_id


_BETA_AREAS = [AlignmentArea.OPERATING_MODEL, AlignmentArea.DIGITAL_SERVICE]


async def _red_alpha_reassessed(services: Services, change_id: str, team: Team, lead: str) -> str:
    commands, practice = services
    first = await commands.submit(change_id, team.proposer, work("alpha"), key=None)
    action = {"point": 2, "description": "map it", "owner": team.proposer, "due": date(2099, 1, 1)}
    body = {"revision": first.gate.revision, "ratings": ratings(red=(1,), amber=(2,))}
    failed = AssessmentRequest.model_validate({**body, "actions": [action]})
    sent_back = await practice.assess(change_id, lead, failed, key="alpha-1")
    rework = await commands.submit(change_id, team.proposer, work("alpha 2"), key=None)
    point_one = {"point": 1, "rating": "green", "comment": "researched"}
    again = AssessmentRequest.model_validate(
        {"revision": rework.gate.revision, "ratings": [point_one]}
    )
    await practice.assess(change_id, lead, again, key="alpha-2")
    return next(c.id for c in sent_back.gate.conditions) if sent_back.gate.conditions else "a0"


async def drive_ground(services: Services, team: Team) -> str:
    commands, practice = services
    change_id = (await commands.propose(team.intake(), team.proposer, key="ground")).change_id
    low = Prioritisation.model_validate(
        {
            "senior_interest": {"rating": "high"},
            "operational_capacity": {"rating": "low", "note": "winter peak"},
            "capability": {"rating": "medium"},
        }
    )
    await practice.prioritise(change_id, team.proposer, low, key="rate")
    owner = team.signer(Role.OPERATIONS)
    doing = ReadinessRequest.model_validate({"status": "in_progress", "owner": owner})
    await practice.set_readiness(change_id, team.proposer, AlignmentArea.SKILLS, doing, None)
    await pass_current_gate(commands, change_id, team, stage="intent")
    reason = GroundOverrideRequest(reason="capacity agreed for spring")
    await practice.override_ground(change_id, team.owner, reason, key="override")
    await pass_current_gate(commands, change_id, team, stage="design")
    return change_id
