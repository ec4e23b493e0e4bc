"""The improvement practice on a change, as people give it: assess where to start, let a
change go on without a missing condition, record an area's readiness, record a service
assessment; and read the assessment reports. The workflow checks every rule."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.assessment import AssessmentRequest
from models.commands import Assess, OverrideGround, Prioritise, SetReadiness
from models.intake import AlignmentArea, Prioritisation
from models.practice import GroundOverrideRequest, ReadinessRequest
from models.read.assessments import AssessmentReport, assessment_reports
from models.results import CommandResult
from models.rules.assessment import points_to_rate
from throughline.services.change_workflows import ChangeWorkflows
from throughline.store import live_data, readmodel
from workflows.service_change import ServiceChangeWorkflow


class PracticeService:
    def __init__(
        self, workflows: ChangeWorkflows, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        self.workflows = workflows
        self._sessions = sessions

    async def prioritise(
        self, change_id: str, actor: str, body: Prioritisation, key: str | None
    ) -> CommandResult:
        cmd = Prioritise(actor=actor, **body.model_dump())
        return await self.workflows.send(
            change_id, ServiceChangeWorkflow.prioritise, cmd, body, key
        )

    async def override_ground(
        self, change_id: str, actor: str, body: GroundOverrideRequest, key: str | None
    ) -> CommandResult:
        cmd = OverrideGround(actor=actor, **body.model_dump())
        return await self.workflows.send(
            change_id, ServiceChangeWorkflow.override_ground, cmd, body, key
        )

    async def set_readiness(
        self,
        change_id: str,
        actor: str,
        area: AlignmentArea,
        body: ReadinessRequest,
        key: str | None,
    ) -> CommandResult:
        cmd = SetReadiness(actor=actor, area=area, **body.model_dump())
        update = ServiceChangeWorkflow.set_readiness
        return await self.workflows.send(change_id, update, cmd, body, key, scope=area.value)

    async def assess(
        self, change_id: str, actor: str, body: AssessmentRequest, key: str | None
    ) -> CommandResult:
        cmd = Assess(actor=actor, **body.model_dump())
        async with self._sessions() as session:
            cmd.first_observed = await live_data.first_received(session, change_id) or None
        return await self.workflows.send(change_id, ServiceChangeWorkflow.assess, cmd, body, key)

    async def assessment_reports(self, change_id: str) -> list[AssessmentReport]:
        async with self._sessions() as session:
            state = await readmodel.change_state(session, change_id)
        return assessment_reports(state)

    async def points_to_rate(self, change_id: str) -> list[int]:
        """The Service Standard points the panel rates at the change's current gate: all
        14 at a first sitting, only those still red at a reassessment."""
        async with self._sessions() as session:
            state = await readmodel.change_state(session, change_id)
        return points_to_rate(state, state.gate)
