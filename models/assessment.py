"""Service assessments: a panel rates each of the 14 points of the Service Standard red,
amber or green. Any red point fails the assessment and the team is reassessed on the red
points only; an amber point passes with actions, each with an owner and a due date."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from models.base import PersonId, Strict, Text, WholeNumber

SERVICE_STANDARD: dict[int, str] = {
    1: "Understand users and their needs",
    2: "Solve a whole problem for users",
    3: "Provide a joined up experience across all channels",
    4: "Make the service simple to use",
    5: "Make sure everyone can use the service",
    6: "Have a multidisciplinary team",
    7: "Use agile ways of working",
    8: "Iterate and improve frequently",
    9: "Create a secure service which protects users' privacy",
    10: "Define what success looks like and publish performance data",
    11: "Choose the right tools and technology",
    12: "Make new source code open",
    13: "Use and contribute to open standards, common components and patterns",
    14: "Operate a reliable service",
}
"""The 14 points of the GOV.UK Service Standard, by number."""


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class PointRating(Strict):
    point: WholeNumber = Field(ge=1, le=14, description="The Service Standard point, 1 to 14.")
    rating: Rag
    comment: Text = Field(description="The panel's reasons for the rating.")


class AssessmentAction(Strict):
    point: WholeNumber = Field(ge=1, le=14, description="The amber point the action answers.")
    description: Text
    owner: PersonId
    due: date


class AssessmentRequest(Strict):
    revision: WholeNumber = Field(ge=1, description="The revision of the team's work assessed.")
    ratings: list[PointRating] = Field(
        min_length=1,
        max_length=14,
        description="Every point at a first assessment; only the red points at a reassessment.",
    )
    actions: list[AssessmentAction] = Field(
        default_factory=list,
        max_length=50,
        description="At least one for each amber point: what must be done, by whom, by when.",
    )
    summary: Text | None = Field(default=None, description="The panel's overall view.")


class Assessment(AssessmentRequest):
    """One sitting of the panel at one gate, as recorded."""

    seq: int
    gate_id: str
    gate_name: str
    assessed_by: str
    panel: dict[str, str] = Field(description="Each seat and the person in it.")
    at: datetime
    reassessment: bool
    passed: bool
    condition_ids: list[str] = Field(default_factory=list)

    def red_points(self) -> list[int]:
        return sorted(r.point for r in self.ratings if r.rating is Rag.RED)
