"""What a delivery team supplies when it proposes a service change."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from models.base import LIST_LIMIT, Flag, Number, PersonId, ShortText, Strict, Text, WholeNumber
from models.roles import Role
from models.working_time import HolidayCalendar


class PolicyIntent(Strict):
    problem: Text
    intended_outcome: Text
    basis: Text = Field(description="The policy or legal basis for the change.")


class Rating(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class UserGroup(Strict):
    name: ShortText
    underserved: Flag = Field(
        default=False, description="True when the group is underserved or vulnerable."
    )
    note: Text | None = None
    severity: Rating | None = Field(
        default=None, description="How severe the problem is for this group today."
    )
    reach: WholeNumber | None = Field(
        default=None, ge=0, le=100_000_000, description="How many people in the group it reaches."
    )


class SuccessMeasure(Strict):
    metric: ShortText
    baseline: Number
    target: Number
    unit: ShortText
    how_measured: Text | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.target >= self.baseline

    def is_met_by(self, actual: float) -> bool:
        return actual >= self.target if self.higher_is_better else actual <= self.target


class RatedNote(Strict):
    rating: Rating
    note: Text | None = None


class AlignmentArea(StrEnum):
    POLICY = "policy"
    OPERATING_MODEL = "operating_model"
    DIGITAL_SERVICE = "digital_service"
    TECHNOLOGY = "technology"
    SKILLS = "skills"


class Prioritisation(Strict):
    """Where to start: senior interest, operational capacity and capability, plus alignment."""

    senior_interest: RatedNote
    operational_capacity: RatedNote
    capability: RatedNote
    alignment: dict[AlignmentArea, RatedNote] = Field(default_factory=dict)


class NamedPeople(Strict):
    """The people named for each signing role; they are who the gates wait on."""

    policy: list[PersonId] = Field(default_factory=list, max_length=LIST_LIMIT)
    digital: list[PersonId] = Field(default_factory=list, max_length=LIST_LIMIT)
    operations: list[PersonId] = Field(default_factory=list, max_length=LIST_LIMIT)
    service_owner: list[PersonId] = Field(default_factory=list, max_length=LIST_LIMIT)
    assessor: list[PersonId] = Field(
        default_factory=list,
        max_length=LIST_LIMIT,
        description="The assessment panel, in the order of the playbook's panel seats; the "
        "first is the lead assessor.",
    )

    @field_validator("assessor")
    @classmethod
    def _distinct_panel(cls, panel: list[str]) -> list[str]:
        if len(set(panel)) != len(panel):
            raise ValueError("each assessor sits once on the panel")
        return panel

    def for_role(self, role: Role) -> list[str]:
        return list(getattr(self, role.value, []))

    def everyone(self) -> set[str]:
        return {
            *self.policy,
            *self.digital,
            *self.operations,
            *self.service_owner,
            *self.assessor,
        }


class ChangeIntake(Strict):
    title: ShortText
    service: ShortText
    intent: PolicyIntent
    user_groups: list[UserGroup] = Field(min_length=1, max_length=LIST_LIMIT)
    success_measures: list[SuccessMeasure] = Field(max_length=LIST_LIMIT)
    people: NamedPeople
    prioritisation: Prioritisation | None = None
    playbook: ShortText = "pdca"
    playbook_version: WholeNumber | None = Field(
        default=None, ge=1, description="A published version to pin; defaults to the latest."
    )
    calendar: HolidayCalendar | None = Field(
        default=None,
        description="Whose bank holidays the change's working days skip: GB-ENG (England "
        "and Wales), GB-SCT (Scotland) or GB-NIR (Northern Ireland). Defaults to the "
        "playbook's.",
    )

    def recorded(self) -> dict[str, Any]:
        """The intake as its creation event records it. Fields added since version 1
        appear only when set, so replayed changes reproduce their stored hashes."""
        payload = self.keyed()
        if self.calendar is None:
            del payload["calendar"]
        return payload

    def keyed(self) -> dict[str, Any]:
        """The intake as an Idempotency-Key's fingerprint reads it: fields added since
        the calendar appear only when set, so a retry sent before they existed still
        matches its first answer."""
        payload = self.model_dump(mode="json")
        if self.playbook_version is None:
            del payload["playbook_version"]
        if not self.people.assessor:
            del payload["people"]["assessor"]
        for group in payload["user_groups"]:
            for newer in ("severity", "reach"):
                if group[newer] is None:
                    del group[newer]
        return payload

    @model_validator(mode="after")
    def _measures_present_and_distinct(self) -> Self:
        if not self.success_measures:
            raise ValueError("at least one success measure is required")
        metrics = [m.metric for m in self.success_measures]
        duplicates = sorted({m for m in metrics if metrics.count(m) > 1})
        if duplicates:
            raise ValueError(f"success measure metrics must be distinct: {', '.join(duplicates)}")
        return self

    def measure(self, metric: str) -> SuccessMeasure | None:
        return next((m for m in self.success_measures if m.metric == metric), None)
