"""Record an assessment: the lead assessor rates each point of the Service Standard the
panel must rate now (every point at a first sitting, only the red ones at a
reassessment, as PracticeService.points_to_rate reads the rule) red, amber or green with
reasons, gives an action for each amber point, and sums up. The form is read into the
API's own AssessmentRequest; the workflow checks every rule."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import PracticeDep, ReadsDep
from models.assessment import SERVICE_STANDARD, AssessmentRequest, Rag
from models.results import CommandResult
from models.roles import Role
from throughline.services.auth import Caller
from throughline.services.practice import PracticeService
from throughline.services.reads import ReadService
from web.deps import ChangeId, Form, PageRole
from web.forms import (
    FormPage,
    FormProblems,
    act,
    filled_rows,
    form_key,
    from_row,
    read,
    relocated,
    row_labels,
)
from web.links import change_page
from web.pages.sign_off import Offer, sentence, whole_number

ASSESSORS = PageRole(Role.ASSESSOR)
router = APIRouter(dependencies=[ASSESSORS])
LeadAssessor = Annotated[Caller, ASSESSORS]

ACTION_ROWS = 5
"""How many actions the form has room for."""
ACTION_FIELDS = ("point", "description", "owner", "due.day", "due.month", "due.year")
ACTION_LABELS = {
    "actions": {
        "point": "Select the point action {n} answers",
        "description": "What action {n} asks for",
        "owner": "The owner of action {n}",
        "due": "The due date of action {n}",
        "": "Action {n}",
    }
}
LABELS = {
    "revision": "The revision assessed",
    "ratings": "The ratings",
    "summary": "The panel's overall view",
}


@router.get("/changes/{change_id}/assess", summary="Record an assessment")
async def assess_page(
    *, request: Request, change_id: ChangeId, reads: ReadsDep, practice: PracticeDep
) -> Response:
    return await _page(reads, practice, change_id).show(request)


@router.post("/changes/{change_id}/assess", summary="Record the panel's assessment")
async def assess(
    *,
    request: Request,
    change_id: ChangeId,
    caller: LeadAssessor,
    reads: ReadsDep,
    practice: PracticeDep,
    form: Form,
) -> Response:
    attempt = partial(_assess, practice, caller.id, change_id, form)
    done = ("The assessment is recorded", f"{change_page(change_id)}/assessments")
    return await act(request, _page(reads, practice, change_id), form, attempt, done)


def _page(reads: ReadService, practice: PracticeService, change_id: str) -> FormPage:
    async def load() -> dict[str, Any]:
        change = await reads.change(change_id)
        points = await practice.points_to_rate(change_id)
        return {
            "change": change,
            "points": [Offer(str(p), f"{p}. {SERVICE_STANDARD[p]}") for p in points],
            "rags": [Offer(r.value, sentence(r.value)) for r in Rag],
            "lead": next(iter(change.intake.people.assessor), None),
            "rows": range(ACTION_ROWS),
        }

    return FormPage("assess.html", "Record an assessment", load, refusal_field="assessment")


async def _assess(
    practice: PracticeService,
    actor: str,
    change_id: str,
    form: FormData,
    values: dict[str, Any],
) -> CommandResult:
    body = read_assessment(form, values)
    return await practice.assess(change_id, actor, body, form_key())


def read_assessment(form: FormData, values: dict[str, Any]) -> AssessmentRequest:
    """The form as the API's assessment: each point's rating and reasons, the action rows
    given (their due dates' day, month and year as one date), and the summary; each
    problem shows by the field it came from."""
    rows = filled_rows(form, "actions", ACTION_FIELDS, ACTION_ROWS)
    origins = [prefix for prefix, _ in rows]
    ratings = values.get("ratings", [])
    fields: dict[str, Any] = {
        "revision": whole_number(values.get("revision")),
        "ratings": [_rating(r) for r in ratings] if isinstance(ratings, list) else ratings,
        "actions": [_action(row) for _, row in rows],
        **({"summary": values["summary"]} if "summary" in values else {}),
    }
    labels = {**LABELS, **rating_labels(ratings), **row_labels("actions", origins, ACTION_LABELS)}
    try:
        return read(AssessmentRequest, fields, labels)
    except FormProblems as invalid:
        place = partial(from_row, lists={"actions": origins})
        raise FormProblems(relocated(invalid.problems, place)) from None


def rating_labels(ratings: Any) -> dict[str, str]:
    """Each point's fields named by the point: the form lists them in order, each with its
    point number in a hidden field."""
    if not isinstance(ratings, list):
        return {}
    labels = {}
    for index, row in enumerate(ratings):
        point = row.get("point", index + 1) if isinstance(row, dict) else index + 1
        labels[f"ratings.{index}.rating"] = f"Select a rating for point {point}"
        labels[f"ratings.{index}.comment"] = f"The reasons for point {point}"
    return labels


def _rating(row: Any) -> Any:
    return {**row, "point": whole_number(row.get("point"))} if isinstance(row, dict) else row


def _action(row: dict[str, str]) -> dict[str, Any]:
    """An action row as the request's action: its point a number, its due date one date."""
    action: dict[str, Any] = {k: v for k, v in row.items() if not k.startswith("due.")}
    if "point" in action:
        action["point"] = whole_number(action["point"])
    parts = [row.get(f"due.{part}", "").strip() for part in ("year", "month", "day")]
    if any(parts):
        year, month, day = parts
        action["due"] = f"{year.zfill(4)}-{month.zfill(2)}-{day.zfill(2)}"
    return action
