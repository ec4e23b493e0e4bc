"""The improvement practice a change keeps beside its gates: where to start (the three
conditions and the service owner's override when one is missing) and the readiness of
the five areas that must move together."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from models.base import PersonId, ShortText, Strict, Text
from models.intake import AlignmentArea, Prioritisation


class ReadinessStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    READY = "ready"
    BLOCKED = "blocked"


AREA_NAMES: dict[AlignmentArea, str] = {
    AlignmentArea.POLICY: "policy",
    AlignmentArea.OPERATING_MODEL: "operating model",
    AlignmentArea.DIGITAL_SERVICE: "digital service",
    AlignmentArea.TECHNOLOGY: "technology enablers",
    AlignmentArea.SKILLS: "skills",
}
"""Each area as a sentence names it."""


class ReadinessRequest(Strict):
    status: ReadinessStatus
    owner: PersonId = Field(description="Who answers for the area's readiness.")
    note: Text | None = None


class AreaReadiness(ReadinessRequest):
    area: AlignmentArea
    updated_by: str
    updated_at: datetime


class PrioritisationRecord(Strict):
    """A prioritisation assessment made after intake, which replaces the one before."""

    assessment: Prioritisation
    assessed_by: str
    assessed_at: datetime


class GroundOverrideRequest(Strict):
    reason: Text = Field(description="Why the change may go on without the missing conditions.")


class GroundOverride(GroundOverrideRequest):
    gate_name: ShortText
    missing: list[str]
    overridden_by: str
    overridden_at: datetime
