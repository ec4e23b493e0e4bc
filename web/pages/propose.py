"""Propose a change: the intake form. User groups and success measures come as a fixed
number of rows, so the form works without JavaScript; rows left empty are dropped, and a
problem with a row is shown on the row it came from."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import ChangesDep
from models.intake import ChangeIntake
from models.results import CommandResult
from models.roles import Role
from models.working_time import HolidayCalendar
from throughline.services.auth import Caller
from throughline.services.changes import ChangeService
from web.deps import Form, PageRole
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
    typed_number,
)
from web.links import change_page

router = APIRouter()
Proposer = Annotated[Caller, PageRole(Role.DIGITAL)]

ROWS = 3
ROLES = ("policy", "digital", "operations", "service_owner")
GROUP = ("name", "underserved", "note")
MEASURE = ("metric", "baseline", "target", "unit", "how_measured")
NUMBERS = ("baseline", "target")
LABELS = {
    "title": "The title",
    "service": "The service",
    "intent.problem": "The problem",
    "intent.intended_outcome": "The intended outcome",
    "intent.basis": "The policy or legal basis",
    "calendar": "The bank holidays",
    "": "Success measures",  # the intake's own check across all its measures
}
CALENDARS = {
    HolidayCalendar.ENGLAND_AND_WALES: "England and Wales",
    HolidayCalendar.SCOTLAND: "Scotland",
    HolidayCalendar.NORTHERN_IRELAND: "Northern Ireland",
}
ROW_LABELS = {
    "user_groups": {
        "name": "The name of user group {n}",
        "underserved": "Whether user group {n} is underserved",
        "note": "The note on user group {n}",
    },
    "success_measures": {
        "metric": "The metric of success measure {n}",
        "baseline": "The baseline of success measure {n}",
        "target": "The target of success measure {n}",
        "unit": "The unit of success measure {n}",
        "how_measured": "How success measure {n} is measured",
    },
}


async def _choices() -> dict[str, Any]:
    return {"rows": range(ROWS), "roles": ROLES, "calendars": list(CALENDARS.items())}


def _page() -> FormPage:
    return FormPage("propose.html", "Propose a change", load=_choices, refusal_field="people")


@router.get("/changes/new", summary="Propose a change", dependencies=[PageRole(Role.DIGITAL)])
async def propose_form(request: Request) -> Response:
    return await _page().show(request)


@router.post("/changes/new", summary="Propose a change")
async def propose_change(
    request: Request, caller: Proposer, changes: ChangesDep, form: Form
) -> Response:
    attempt = partial(_propose, changes, caller.id, form)
    done = ("Change proposed", _made)
    return await act(request, _page(), form, attempt, done=done)


def _made(result: CommandResult) -> str:
    return change_page(result.change_id)


async def _propose(
    changes: ChangeService, proposer: str, form: FormData, values: dict[str, Any]
) -> CommandResult:
    intake = read_intake(form, values)
    return await changes.propose(intake, proposer, key=form_key())


def read_intake(form: FormData, values: dict[str, Any]) -> ChangeIntake:
    """The intake the form describes, or the problems with it, each on its own field. A
    list with no row given is read as one empty row, so that its fields are asked for."""
    groups = filled_rows(form, "user_groups", GROUP, ROWS)
    measures = filled_rows(form, "success_measures", MEASURE, ROWS)
    origins = {
        "user_groups": [prefix for prefix, _ in groups] or ["user_groups.0"],
        "success_measures": [prefix for prefix, _ in measures] or ["success_measures.0"],
    }
    given = {
        "intent": {},
        **values,
        "user_groups": [_group(row) for _, row in groups] or [{}],
        "success_measures": [_measure(row) for _, row in measures] or [{}],
        "people": {role: people_ids(_text(form, f"people.{role}")) for role in ROLES},
    }
    labels = {**LABELS, **_people_labels(given["people"])}
    for name, found in origins.items():
        labels |= row_labels(name, found, ROW_LABELS)
    try:
        return read(ChangeIntake, given, labels)
    except FormProblems as invalid:
        raise FormProblems(relocated(invalid.problems, partial(_place, origins))) from None


def people_ids(text: str) -> list[str]:
    """Directory ids as typed: separated by commas, spaces or both."""
    return text.replace(",", " ").split()


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _group(row: dict[str, str]) -> dict[str, Any]:
    # A ticked box sends "true"; anything else is left for the model to refuse.
    ticked = row.get("underserved")
    return {**row, "underserved": True} if ticked == "true" else dict(row)


def _measure(row: dict[str, str]) -> dict[str, Any]:
    return {**row, **{f: typed_number(row[f]) for f in NUMBERS if f in row}}


def _people_labels(people: dict[str, list[str]]) -> dict[str, str]:
    return {
        f"people.{role}.{index}": f"The {role.replace('_', ' ')} id “{person}”"
        for role, named in people.items()
        for index, person in enumerate(named)
    }


def _place(origins: dict[str, list[str]], name: str) -> str:
    """Where a problem shows: a row's field on its row, an id on its role's field, and the
    intake's check across its measures on the first measure."""
    if name == "":
        return f"{origins['success_measures'][0]}.metric"
    if name.startswith("people.") and name.count(".") == 2:
        return name.rsplit(".", 1)[0]
    return from_row(name, origins)
