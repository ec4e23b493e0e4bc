"""Playbooks: versioned definitions of stages and gates, kept as validated data.

A running change pins the whole playbook it started on, so publishing a new version
never changes the rules under a change that is already in flight.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Self

from pydantic import Field, model_validator

from models.base import LIST_LIMIT, ShortText, Strict
from models.governance import Governance
from models.intake import AlignmentArea
from models.roles import SIGNING_ROLES, Role

STAGE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

CLOSE = "close"
"""A reject target meaning: close the change instead of sending it back."""


class Pdca(StrEnum):
    PLAN = "plan"
    DO = "do"
    CHECK = "check"
    ACT = "act"


class GateKind(StrEnum):
    SIGN_OFF = "sign_off"
    """Closes when every role's quorum is met by distinct, eligible people."""
    DECISION = "decision"
    """Closes when the service owner decides adopt, adapt or abandon."""
    ASSESSMENT = "assessment"
    """Closes when an assessment panel rates every point of the Service Standard green or
    amber; a red point sends the work back, to be reassessed on its red points only."""


GOV_UK_PANEL = [
    "lead assessor",
    "user research assessor",
    "design assessor",
    "technology assessor",
]
"""The seats of a GOV.UK service assessment panel, the lead first."""


class GateDef(Strict):
    name: str
    kind: GateKind = GateKind.SIGN_OFF
    quorum: dict[Role, int] = Field(
        description="Approvals needed per role: N of the M people the change names for it. "
        "An assessment gate is assessed by its panel, so its quorum is one assessor."
    )
    panel: list[ShortText] = Field(
        default_factory=list,
        max_length=LIST_LIMIT,
        description="For an assessment gate: the panel's seats, the lead assessor first. "
        "Defaults to the GOV.UK panel.",
    )
    requires_ready: list[AlignmentArea] = Field(
        default_factory=list,
        description="Alignment areas that must be ready before the gate can be approved.",
    )
    requires_ground: bool = Field(
        default=False,
        description="The gate cannot pass while a condition for starting (senior interest, "
        "operational capacity, capability) is rated missing, unless the service owner "
        "overrides with a reason.",
    )
    min_observation_days: int | None = Field(
        default=None,
        ge=1,
        le=366,
        description="Days each success measure must have been observed from live data "
        "before the gate can be approved, counted from when Throughline first received "
        "its data.",
    )
    reject_to: list[str] = Field(default_factory=list)
    service_level_days: int | None = Field(
        default=None,
        ge=1,
        le=60,
        description="Working days the gate's sign-off or decision may take; the playbook's "
        "service levels give the default.",
    )
    rework_days: int | None = Field(
        default=None,
        ge=1,
        le=60,
        description="Working days the team has to send new work after this gate asked for "
        "changes or rejected back to it; the playbook's service levels give the default.",
    )

    @model_validator(mode="before")
    @classmethod
    def _assessment_defaults(cls, data: Any) -> Any:
        """An assessment gate is assessed by a panel: one assessor leads it, and the
        GOV.UK seats are its panel unless the playbook names others."""
        if isinstance(data, dict) and data.get("kind") == GateKind.ASSESSMENT.value:
            data = {"quorum": {Role.ASSESSOR.value: 1}, "panel": GOV_UK_PANEL, **data}
        return data


class StageDef(Strict):
    name: str
    pdca: Pdca
    owner: Role = Role.DIGITAL
    gate: GateDef
    records_measurements: bool = False
    work_days: int | None = Field(
        default=None,
        ge=1,
        le=260,
        description="Working days the team has for the stage's work when it first arrives; "
        "none by default, since delivering takes as long as it takes.",
    )


class Playbook(Strict):
    name: str
    version: int = Field(ge=1)
    title: str
    stages: list[StageDef] = Field(min_length=1, max_length=30)
    adapt_restart_at: list[str] = Field(default_factory=list)
    governance: Governance = Field(default_factory=Governance)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        names = [s.name for s in self.stages]
        if len(set(names)) != len(names):
            raise ValueError("stage names must be distinct")
        _check_stage_names(names)
        for index, stage in enumerate(self.stages):
            _check_gate(stage, names[: index + 1])
        unknown = [s for s in self.adapt_restart_at if s not in names]
        if unknown:
            raise ValueError(f"adapt_restart_at names unknown stages: {unknown}")
        _check_ending(self)
        _check_owners(self.stages)
        return self

    def stage(self, name: str) -> StageDef:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(name)

    def next_stage(self, name: str) -> StageDef | None:
        names = [s.name for s in self.stages]
        index = names.index(name)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    @property
    def first_stage(self) -> StageDef:
        return self.stages[0]


def _check_stage_names(names: list[str]) -> None:
    for index, name in enumerate(names):
        if not STAGE_NAME.fullmatch(name):
            raise ValueError(
                f"stages.{index}.name {name!r}: use 1 to 64 of a-z, 0-9, _ and -, starting "
                "with a letter or digit"
            )
        if name == CLOSE:
            raise ValueError(f"stages.{index}.name: 'close' is the reject target that closes")


def _check_owners(stages: list[StageDef]) -> None:
    """The team submits each stage's work, so a digital stage; the service owner decides."""
    for stage in stages:
        owner = Role.SERVICE_OWNER if stage.gate.kind is GateKind.DECISION else Role.DIGITAL
        if stage.owner is not owner:
            raise ValueError(f"stage {stage.name!r} is owned by {owner}, not {stage.owner}")


def _check_ending(playbook: Playbook) -> None:
    """A change ends at the service owner's decision: adopt, adapt or abandon. So the last
    gate, and only the last, is a decision, and an adapt has somewhere to restart."""
    *before, last = playbook.stages
    if last.gate.kind is not GateKind.DECISION:
        raise ValueError(
            f"the last stage, {last.name!r}, must end at a decision gate (kind: decision) "
            "where the service owner adopts, adapts or abandons"
        )
    early = [s.name for s in before if s.gate.kind is GateKind.DECISION]
    if early:
        raise ValueError(f"only the last stage may end at a decision gate, not {early}")
    if not playbook.adapt_restart_at:
        raise ValueError("adapt_restart_at must name the stage(s) an adapt decision restarts at")
    if last.name in playbook.adapt_restart_at:
        raise ValueError("adapt_restart_at cannot name the decision stage itself")


def _check_gate(stage: StageDef, stages_so_far: list[str]) -> None:
    gate = stage.gate
    if not gate.quorum or any(count < 1 for count in gate.quorum.values()):
        raise ValueError(f"gate {gate.name!r} needs a quorum of at least 1 for each role")
    if not set(gate.quorum) <= SIGNING_ROLES:
        raise ValueError(f"gate {gate.name!r} names a role that cannot sign")
    allowed = {*stages_so_far, CLOSE}
    bad = [t for t in gate.reject_to if t not in allowed]
    if bad:
        raise ValueError(f"gate {gate.name!r} may only reject back to earlier stages, not {bad}")
    if gate.kind is GateKind.DECISION and Role.SERVICE_OWNER not in gate.quorum:
        raise ValueError(f"decision gate {gate.name!r} must be decided by the service owner")
    if gate.kind is GateKind.DECISION:
        _check_decision(gate)
    _check_assessment(gate)


def _check_decision(gate: GateDef) -> None:
    """The service owner decides alone, and a decision holds nothing a gate can hold."""
    if gate.quorum != {Role.SERVICE_OWNER: 1}:
        raise ValueError(f"decision gate {gate.name!r} is decided by one service owner")
    settings = {
        "requires_ready": gate.requires_ready,
        "requires_ground": gate.requires_ground,
        "min_observation_days": gate.min_observation_days,
        "reject_to": gate.reject_to,
    }
    held = [name for name, value in settings.items() if value]
    if held:
        raise ValueError(
            f"decision gate {gate.name!r} cannot have {', '.join(held)}: put them on a "
            "gate before it"
        )


def _check_assessment(gate: GateDef) -> None:
    assessing = gate.kind is GateKind.ASSESSMENT
    if assessing and gate.quorum != {Role.ASSESSOR: 1}:
        raise ValueError(f"assessment gate {gate.name!r} is assessed by one lead assessor")
    if assessing and not gate.panel:
        raise ValueError(f"assessment gate {gate.name!r} needs at least one panel seat")
    if assessing and len(set(gate.panel)) != len(gate.panel):
        raise ValueError(f"assessment gate {gate.name!r} names a panel seat twice")
    if not assessing and Role.ASSESSOR in gate.quorum:
        raise ValueError(f"gate {gate.name!r}: only assessment gates are assessed by assessors")
    if not assessing and gate.panel:
        raise ValueError(f"gate {gate.name!r}: only assessment gates have a panel")
    if assessing and gate.reject_to:
        raise ValueError(
            f"assessment gate {gate.name!r} cannot reject: a red point sends the work back"
        )
