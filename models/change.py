"""The live state of one service change, as its workflow holds it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from models.assessment import Assessment
from models.audit import GENESIS_HASH, AuditEvent, chain_event
from models.base import Strict
from models.condition import Condition, ConditionStatus
from models.events import EventKind
from models.evidence import Measurement
from models.gate import ActOutcome, GateState, GateStatus
from models.handoff import Handoff, HandoffKind
from models.intake import AlignmentArea, ChangeIntake, Prioritisation
from models.playbook import Playbook
from models.practice import AreaReadiness, GroundOverride, PrioritisationRecord
from models.rejection import Rejection
from models.roles import Role
from models.working_time import WorkingCalendar


class ChangeStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"

    @property
    def is_closed(self) -> bool:
        return self is not ChangeStatus.ACTIVE


class GateSummary(Strict):
    """A closed gate of an earlier cycle, kept compact once its cycle ends."""

    id: str
    name: str
    status: GateStatus
    revision: int | None
    opened_at: datetime
    closed_at: datetime | None
    approvers: dict[Role, list[str]]


class CycleSummary(Strict):
    iteration: int
    outcome: ActOutcome
    decided_by: str
    comment: str | None
    decided_at: datetime
    measurements: list[Measurement]
    gates: list[GateSummary] = Field(default_factory=list)


class ChangeState(Strict):
    change_id: str
    intake: ChangeIntake
    proposer: str
    playbook: Playbook
    iteration: int = 1
    status: ChangeStatus = ChangeStatus.ACTIVE
    stage: str
    gate: GateState
    past_gates: list[GateState] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    handoffs: list[Handoff] = Field(default_factory=list)
    cycles: list[CycleSummary] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)
    stage_visits: dict[str, int] = Field(default_factory=dict)
    next_revision: int = 1
    seq: int = 0
    last_hash: str = GENESIS_HASH
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    closing_comment: str | None = None
    restart_at: str | None = Field(
        default=None, description="Set when an adapt decision ends this cycle."
    )
    calendar: WorkingCalendar | None = Field(
        default=None,
        description="The working days due times count, when the playbook has service levels.",
    )
    prioritisation: PrioritisationRecord | None = Field(
        default=None, description="The latest prioritisation assessment made after intake."
    )
    ground_override: GroundOverride | None = None
    readiness: dict[AlignmentArea, AreaReadiness] = Field(default_factory=dict)
    assessments: list[Assessment] = Field(default_factory=list)

    def where_to_start(self) -> Prioritisation | None:
        """The prioritisation in force: the latest assessment, else the intake's."""
        if self.prioritisation is not None:
            return self.prioritisation.assessment
        return self.intake.prioritisation

    @property
    def open_handoff(self) -> Handoff | None:
        """The open handoff of the main line of responsibility."""
        return self._latest_open(HandoffKind.FLOW)

    @property
    def open_escalation(self) -> Handoff | None:
        return self._latest_open(HandoffKind.ESCALATION)

    def _latest_open(self, kind: HandoffKind) -> Handoff | None:
        open_ones = (h for h in reversed(self.handoffs) if h.closed_at is None and h.kind is kind)
        return next(open_ones, None)

    @property
    def latest_rejection(self) -> Rejection | None:
        return self.rejections[-1] if self.rejections else None

    def open_conditions(self) -> list[Condition]:
        return [c for c in self.conditions if c.status is ConditionStatus.OPEN]

    def binding_conditions(self) -> list[Condition]:
        """Open conditions whose gate passed: they hold later gates and adoption."""
        return [c for c in self.open_conditions() if c.binding]

    def condition(self, condition_id: str) -> Condition | None:
        return next((c for c in self.conditions if c.id == condition_id), None)

    def team_members(self) -> list[str]:
        """Who may submit work: the proposer and the named digital people."""
        return list(dict.fromkeys([self.proposer, *self.intake.people.digital]))

    def previous_passed_gate(self) -> GateState | None:
        return next((g for g in reversed(self.past_gates) if g.status is GateStatus.PASSED), None)

    def measurement(self, metric: str) -> Measurement | None:
        return next((m for m in self.measurements if m.metric == metric), None)

    def record(
        self,
        *,
        kind: EventKind,
        actor: str,
        role: Role | str | None,
        at: datetime,
        payload: dict[str, Any],
    ) -> AuditEvent:
        """Append one audit event to the chain and return it."""
        self.seq += 1
        event = chain_event(
            log_id=self.change_id,
            seq=self.seq,
            prev_hash=self.last_hash,
            at=at,
            actor=actor,
            role=str(role) if role is not None else None,
            kind=kind.value,
            payload=payload,
            scheme=self.playbook.governance.hash_scheme,
        )
        self.last_hash = event.hash
        self.updated_at = at
        return event
