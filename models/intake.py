"""What a delivery team supplies when it proposes a service change."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    model_validator,
)
from pydantic import Strict as StrictType
from pydantic_core import CoreSchema

from models.roles import Role

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PRINTABLE_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
"""The same rule as a JSON Schema pattern, so clients can check text before sending it."""
LIST_LIMIT = 50


def _printable(value: str) -> str:
    # A NUL or other control character cannot be stored by every database; refusing it
    # here keeps it from ever reaching a projection that would retry it forever.
    if _CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters")
    return value


class _DocumentPrintable:
    """Puts the control-character rule into the OpenAPI schema as a pattern."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["pattern"] = PRINTABLE_PATTERN
        return schema


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    AfterValidator(_printable),
    _DocumentPrintable(),
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_printable),
    _DocumentPrintable(),
]
Number = Annotated[float, StrictType()]
"""A JSON number: true, false and numeric strings are refused, as the schema says."""
WholeNumber = Annotated[int, StrictType()]
Flag = Annotated[bool, StrictType()]
PersonId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$"
    ),
]


class Strict(BaseModel):
    """Base for request and domain types: unknown fields are errors, not silently dropped,
    and numbers are finite (JSON cannot carry infinity or NaN through Temporal)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class PolicyIntent(Strict):
    problem: Text
    intended_outcome: Text
    basis: Text = Field(description="The policy or legal basis for the change.")


class UserGroup(Strict):
    name: ShortText
    underserved: Flag = Field(
        default=False, description="True when the group is underserved or vulnerable."
    )
    note: Text | None = None


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


class Rating(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


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

    def for_role(self, role: Role) -> list[str]:
        return list(getattr(self, role.value, []))

    def everyone(self) -> set[str]:
        return {*self.policy, *self.digital, *self.operations, *self.service_owner}


class ChangeIntake(Strict):
    title: ShortText
    service: ShortText
    intent: PolicyIntent
    user_groups: list[UserGroup] = Field(min_length=1, max_length=LIST_LIMIT)
    success_measures: list[SuccessMeasure] = Field(max_length=LIST_LIMIT)
    people: NamedPeople
    prioritisation: Prioritisation | None = None
    playbook: ShortText = "pdca"

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
