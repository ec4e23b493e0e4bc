"""The delivery team's actions on a change: submit work with evidence, record a
measurement, close a condition and challenge a reject.

Evidence comes as files, which the server fingerprints and does not keep, or as links
with the fingerprints people type. Each kind has a fixed number of rows on the page.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from api.deps import ChangesDep, ReadsDep
from models.commands import (
    ChallengeRequest,
    CloseConditionRequest,
    MeasurementRequest,
    SubmitWorkRequest,
)
from models.errors import ConditionNotFound
from models.results import CommandResult
from models.roles import Role
from throughline.services.auth import Caller
from throughline.services.changes import ChangeService
from throughline.services.evidence import fingerprint
from throughline.services.reads import ReadService
from web.deps import ChangeId, Form, PagePerson, PageRole, page_caller
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
TeamMember = Annotated[Caller, PageRole(Role.DIGITAL)]
TEAM = PageRole(Role.DIGITAL)
WithEvidence = TypeVar("WithEvidence", SubmitWorkRequest, CloseConditionRequest)
ConditionId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]

ROWS = 3
LINK = ("title", "uri", "sha256")
EVIDENCE_LABELS = {
    "files": {
        "title": "The title of file {n}",
        "uri": "Choose a file to upload as file {n}",
        "sha256": "Choose a file to upload as file {n}",
        "": "File {n}",
    },
    "links": {
        "title": "The title of link {n}",
        "uri": "The address of link {n}",
        "sha256": "The SHA-256 fingerprint of link {n}",
        "": "The SHA-256 fingerprint of link {n}",
    },
}
LABELS = {
    "summary": "The summary of the work",
    "note": "The note",
    "evidence": "Choose a file or give a link: at least one piece of evidence is needed",
    "metric": "Select the success measure",
    "value": "The measured value",
    "reason": "The reason",
}


async def _change(reads: ReadService, change_id: str) -> dict[str, Any]:
    return {"change": await reads.change(change_id), "rows": range(ROWS)}


async def _condition(reads: ReadService, change_id: str, condition_id: str) -> dict[str, Any]:
    change = await reads.change(change_id)
    found = next((c for c in change.conditions if c.id == condition_id), None)
    if found is None:
        raise ConditionNotFound(f"no condition {condition_id!r} on this change")
    return {"change": change, "condition": found, "rows": range(ROWS)}


def _page(reads: ReadService, change_id: str, template: str, title: str, field: str) -> FormPage:
    load = partial(_change, reads, change_id)
    return FormPage(template, title, load=load, refusal_field=field)


def _submit_page(reads: ReadService, change_id: str) -> FormPage:
    return _page(reads, change_id, "submit.html", "Submit work", "summary")


@router.get("/changes/{change_id}/submit", summary="Submit work", dependencies=[TEAM])
async def submit_form(request: Request, change_id: ChangeId, reads: ReadsDep) -> Response:
    return await _submit_page(reads, change_id).show(request)


@router.post("/changes/{change_id}/submit", summary="Submit work")
async def submit_work(
    request: Request,
    change_id: ChangeId,
    caller: TeamMember,
    changes: ChangesDep,
    reads: ReadsDep,
    form: Form,
) -> Response:
    attempt = partial(_submit, changes, caller.id, change_id, form)
    done = ("Work submitted for review", change_page(change_id))
    return await act(request, _submit_page(reads, change_id), form, attempt, done=done)


async def _submit(
    changes: ChangeService, actor: str, change_id: str, form: FormData, values: dict[str, Any]
) -> CommandResult:
    items, origins = await _evidence(form)
    given = _only(values, "summary")
    body = _read_with_evidence(SubmitWorkRequest, given, items, origins)
    return await changes.submit(change_id, actor, body, form_key())


def _measure_page(reads: ReadService, change_id: str) -> FormPage:
    return _page(reads, change_id, "measure.html", "Record a measurement", "metric")


@router.get("/changes/{change_id}/measure", summary="Record a measurement", dependencies=[TEAM])
async def measure_form(request: Request, change_id: ChangeId, reads: ReadsDep) -> Response:
    return await _measure_page(reads, change_id).show(request)


@router.post("/changes/{change_id}/measure", summary="Record a measurement")
async def record_measurement(
    request: Request,
    change_id: ChangeId,
    caller: TeamMember,
    changes: ChangesDep,
    reads: ReadsDep,
    form: Form,
) -> Response:
    attempt = partial(_measure, changes, caller.id, change_id)
    done = ("Measurement recorded", change_page(change_id))
    return await act(request, _measure_page(reads, change_id), form, attempt, done=done)


async def _measure(
    changes: ChangeService, actor: str, change_id: str, values: dict[str, Any]
) -> CommandResult:
    value = values.get("value")
    given = {**values, "value": typed_number(value)} if isinstance(value, str) else values
    body = read(MeasurementRequest, given, LABELS)
    return await changes.record_measurement(change_id, actor, body, form_key())


def _close_page(reads: ReadService, change_id: str, condition_id: str) -> FormPage:
    load = partial(_condition, reads, change_id, condition_id)
    return FormPage("close_condition.html", "Close a condition", load=load, refusal_field="note")


@router.get(
    "/changes/{change_id}/conditions/{condition_id}/close",
    summary="Close a condition",
    dependencies=[Depends(page_caller)],
)
async def close_condition_form(
    request: Request, change_id: ChangeId, condition_id: ConditionId, reads: ReadsDep
) -> Response:
    return await _close_page(reads, change_id, condition_id).show(request)


@router.post("/changes/{change_id}/conditions/{condition_id}/close", summary="Close a condition")
async def close_condition(
    request: Request,
    change_id: ChangeId,
    condition_id: ConditionId,
    caller: PagePerson,
    changes: ChangesDep,
    reads: ReadsDep,
    form: Form,
) -> Response:
    attempt = partial(_close, changes, caller.id, change_id, condition_id, form)
    done = ("Condition closed", change_page(change_id))
    page = _close_page(reads, change_id, condition_id)
    return await act(request, page, form, attempt, done=done)


async def _close(
    changes: ChangeService,
    actor: str,
    change_id: str,
    condition_id: str,
    form: FormData,
    values: dict[str, Any],
) -> CommandResult:
    items, origins = await _evidence(form)
    given = _only(values, "note")
    body = _read_with_evidence(CloseConditionRequest, given, items, origins)
    return await changes.close_condition(change_id, actor, condition_id, body, form_key())


def _challenge_page(reads: ReadService, change_id: str) -> FormPage:
    return _page(reads, change_id, "challenge.html", "Challenge a reject", "reason")


@router.get("/changes/{change_id}/challenge", summary="Challenge a reject", dependencies=[TEAM])
async def challenge_form(request: Request, change_id: ChangeId, reads: ReadsDep) -> Response:
    return await _challenge_page(reads, change_id).show(request)


@router.post("/changes/{change_id}/challenge", summary="Challenge a reject")
async def challenge(
    request: Request,
    change_id: ChangeId,
    caller: TeamMember,
    changes: ChangesDep,
    reads: ReadsDep,
    form: Form,
) -> Response:
    attempt = partial(_challenge, changes, caller.id, change_id)
    done = ("Challenge sent to the service owner", change_page(change_id))
    return await act(request, _challenge_page(reads, change_id), form, attempt, done=done)


async def _challenge(
    changes: ChangeService, actor: str, change_id: str, values: dict[str, Any]
) -> CommandResult:
    body = read(ChallengeRequest, values, LABELS)
    return await changes.challenge(change_id, actor, body, form_key())


async def _evidence(form: FormData) -> tuple[list[dict[str, Any]], list[str]]:
    """The evidence the form gives: each file uploaded, fingerprinted, then each link,
    with the form row each came from. A file's title defaults to the file's name."""
    items: list[dict[str, Any]] = []
    origins: list[str] = []
    for index in range(ROWS):
        prefix, upload = f"files.{index}", form.get(f"files.{index}.file")
        title = form.get(f"{prefix}.title")
        title = title.strip() if isinstance(title, str) else ""
        if isinstance(upload, UploadFile) and upload.filename:
            found = await fingerprint(upload)
            items.append({"title": title or found.name, "uri": found.uri, "sha256": found.sha256})
        elif title:  # a title for a file not chosen: asked for, not dropped
            items.append({"title": title})
        else:
            continue
        origins.append(prefix)
    for prefix, row in filled_rows(form, "links", LINK, ROWS):
        items.append(dict(row))
        origins.append(prefix)
    return items, origins


def _only(values: dict[str, Any], *names: str) -> dict[str, Any]:
    """The form's own fields, without the evidence rows read apart from them."""
    return {name: values[name] for name in names if name in values}


def _read_with_evidence(
    model: type[WithEvidence],
    given: dict[str, Any],
    items: list[dict[str, Any]],
    origins: list[str],
) -> WithEvidence:
    """The request, its evidence read from the form's rows; no evidence at all is asked for."""
    labels = {**LABELS, **row_labels("evidence", origins, EVIDENCE_LABELS)}
    try:
        return read(model, {**given, "evidence": items} if items else given, labels)
    except FormProblems as invalid:
        raise FormProblems(relocated(invalid.problems, partial(_place, origins))) from None


def _place(origins: list[str], name: str) -> str:
    """Where a problem shows: a file's on its file field, but for its title; a link's own
    check (that it has a fingerprint) on its fingerprint; no evidence at all on the first
    file."""
    if name == "evidence":
        return "files.0.file"
    parts = from_row(name, {"evidence": origins}).split(".")
    if parts[0] == "files" and len(parts) > 1 and parts[-1] != "title":
        return f"files.{parts[1]}.file"
    if parts[0] == "links" and len(parts) == 2:
        return f"links.{parts[1]}.sha256"
    return ".".join(parts)
