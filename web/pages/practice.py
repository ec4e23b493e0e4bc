"""Where to start and alignment: the three conditions for starting a change with their
ratings, what prepares the ground where one is missing and any override of it, and how
the five areas stand against each other. Its forms rate the three conditions, record one
area's readiness and, for the service owner, let the change go on without a missing
condition; each is read into the API's own request model and sent to the practice
service, and the workflow checks every rule."""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import PracticeDep, ReadsDep
from models.intake import AlignmentArea, Prioritisation, Rating
from models.practice import AREA_NAMES, GroundOverrideRequest, ReadinessRequest, ReadinessStatus
from models.read.views import ChangeView
from models.results import CommandResult
from models.roles import Role
from throughline.services.auth import Caller
from throughline.services.practice import PracticeService
from throughline.services.reads import ReadService
from web.deps import ANY_ROLE, ChangeId, Form, PagePerson, PageRole
from web.forms import FormPage, act, form_key, read
from web.links import change_page
from web.pages.sign_off import Offer, sentence
from web.render import words

router = APIRouter(dependencies=[ANY_ROLE])
OWNERS = PageRole(Role.SERVICE_OWNER)


class Condition(NamedTuple):
    field: str
    name: str
    question: str


CONDITIONS = [
    Condition("senior_interest", "senior interest", "Do senior people care about it?"),
    Condition(
        "operational_capacity",
        "operational willingness and capacity",
        "Is the operational team willing, and has it the capacity?",
    ),
    Condition("capability", "capability", "Has the team the capability to succeed?"),
]
"""The three conditions for starting, by their field in the prioritisation."""

LABELS = {
    **{f"{c.field}.rating": f"Select how {c.name} is rated" for c in CONDITIONS},
    **{f"{c.field}.note": f"The note on {c.name}" for c in CONDITIONS},
    "area": "Select the area",
    "status": "Select how ready the area is",
    "owner": "The user ID of the area's owner",
    "note": "The note",
    "reason": "The reason",
}


class ReadinessForm(ReadinessRequest):
    """The readiness form: the API's request, and the area its address names."""

    area: AlignmentArea


def practice_page(change_id: str) -> str:
    return f"{change_page(change_id)}/practice"


@router.get("/changes/{change_id}/practice", summary="Where to start and alignment")
async def practice_view(
    *, request: Request, change_id: ChangeId, caller: PagePerson, reads: ReadsDep
) -> Response:
    return await _page(reads, change_id, caller, "senior_interest.rating").show(request)


@router.post("/changes/{change_id}/practice/prioritisation", summary="Assess where to start")
async def prioritise(
    *,
    request: Request,
    change_id: ChangeId,
    caller: PagePerson,
    reads: ReadsDep,
    practice: PracticeDep,
    form: Form,
) -> Response:
    page = _page(reads, change_id, caller, "senior_interest.rating")
    attempt = partial(_prioritise, practice, caller.id, change_id)
    done = ("Where to start is assessed", practice_page(change_id))
    return await act(request, page, form, attempt, done)


@router.post("/changes/{change_id}/practice/readiness", summary="Record an area's readiness")
async def set_readiness(
    *,
    request: Request,
    change_id: ChangeId,
    caller: PagePerson,
    reads: ReadsDep,
    practice: PracticeDep,
    form: Form,
) -> Response:
    page = _page(reads, change_id, caller, "area")
    attempt = partial(_set_readiness, practice, caller.id, change_id)
    done = ("The area's readiness is recorded", practice_page(change_id))
    return await act(request, page, form, attempt, done)


@router.post(
    "/changes/{change_id}/practice/ground-override",
    summary="Go on without a missing condition",
    dependencies=[OWNERS],
)
async def override_ground(
    *,
    request: Request,
    change_id: ChangeId,
    caller: PagePerson,
    reads: ReadsDep,
    practice: PracticeDep,
    form: Form,
) -> Response:
    page = _page(reads, change_id, caller, "reason")
    attempt = partial(_override, practice, caller.id, change_id)
    done = ("The change may go on without the missing conditions", practice_page(change_id))
    return await act(request, page, form, attempt, done)


def _page(reads: ReadService, change_id: str, caller: Caller, field: str) -> FormPage:
    async def load() -> dict[str, Any]:
        return practice_context(await reads.change(change_id), caller)

    return FormPage("practice.html", "Where to start and alignment", load, refusal_field=field)


async def _prioritise(
    practice: PracticeService, actor: str, change_id: str, values: dict[str, Any]
) -> CommandResult:
    body = read(Prioritisation, prioritisation_fields(values), LABELS)
    return await practice.prioritise(change_id, actor, body, form_key())


async def _set_readiness(
    practice: PracticeService, actor: str, change_id: str, values: dict[str, Any]
) -> CommandResult:
    given = read(ReadinessForm, _only(values, "area", "status", "owner", "note"), LABELS)
    body = ReadinessRequest.model_validate(given.model_dump(exclude={"area"}))
    return await practice.set_readiness(change_id, actor, given.area, body, form_key())


async def _override(
    practice: PracticeService, actor: str, change_id: str, values: dict[str, Any]
) -> CommandResult:
    body = read(GroundOverrideRequest, _only(values, "reason"), LABELS)
    return await practice.override_ground(change_id, actor, body, form_key())


def prioritisation_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The form as the API's prioritisation: each condition given, even with nothing
    chosen (so that a missing rating shows by its own radios), and the alignment ratings
    the form carries over unchanged."""
    fields: dict[str, Any] = {c.field: values.get(c.field, {}) for c in CONDITIONS}
    if "alignment" in values:
        fields["alignment"] = values["alignment"]
    return fields


def _only(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: values[name] for name in names if name in values}


def practice_context(change: ChangeView, caller: Caller) -> dict[str, Any]:
    """The change's practice as the page shows it, and what its forms offer."""
    rated = change.practice.prioritisation if change.practice else None
    return {
        "change": change,
        "practice": change.practice,
        "conditions": CONDITIONS,
        "standing": [(c, getattr(rated, c.field) if rated else None) for c in CONDITIONS],
        "ratings": [Offer(r.value, sentence(r.value)) for r in Rating],
        "areas": [Offer(a.value, sentence(AREA_NAMES[a])) for a in AlignmentArea],
        "statuses": [Offer(s.value, sentence(words(s))) for s in ReadinessStatus],
        "may_override": caller.holds(Role.SERVICE_OWNER),
    }
