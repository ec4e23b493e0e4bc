"""The improvement practice's updates of ServiceChangeWorkflow: a prioritisation
assessment, the service owner's override of a missing condition for starting, an area's
readiness, and a service assessment. Each takes the one command path."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.commands import Assess, OverrideGround, Prioritise, SetReadiness
    from models.results import CommandResult
    from models.roles import Role
    from models.rules.assessment import check_assess, check_assess_at
    from models.rules.practice import (
        check_override_ground,
        check_prioritise,
        check_set_readiness,
    )
    from models.transitions.assessment import apply_assess
    from models.transitions.practice import (
        apply_override_ground,
        apply_prioritise,
        apply_set_readiness,
    )
    from workflows.command_path import CommandPath


class ImprovementPractice(CommandPath):
    """Updates: prioritise, override_ground, set_readiness, assess."""

    @workflow.update
    async def prioritise(self, cmd: Prioritise) -> CommandResult:
        return await self._execute("prioritise", cmd, apply_prioritise)

    @prioritise.validator
    def _validate_prioritise(self, cmd: Prioritise) -> None:
        self._validate(cmd, check_prioritise)

    @workflow.update
    async def override_ground(self, cmd: OverrideGround) -> CommandResult:
        return await self._execute("override_ground", cmd, apply_override_ground)

    @override_ground.validator
    def _validate_override_ground(self, cmd: OverrideGround) -> None:
        self._validate(cmd, check_override_ground)

    @workflow.update
    async def set_readiness(self, cmd: SetReadiness) -> CommandResult:
        return await self._execute("set_readiness", cmd, apply_set_readiness)

    @set_readiness.validator
    def _validate_set_readiness(self, cmd: SetReadiness) -> None:
        self._validate(cmd, check_set_readiness)

    @workflow.update
    async def assess(self, cmd: Assess) -> CommandResult:
        return await self._execute("assess", cmd, apply_assess, Role.ASSESSOR)

    @assess.validator
    def _validate_assess(self, cmd: Assess) -> None:
        self._validate(cmd, check_assess)
        self._validate(cmd, lambda s, c: check_assess_at(s, c, workflow.now()))
