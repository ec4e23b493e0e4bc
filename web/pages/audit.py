"""For auditors: a change's audit log and the directory's history, each with its check in
plain words: whether every event is there, unaltered and chained to the one before, and
ends where Temporal's own record says it does; or where it breaks. Long logs are shown a
page at a time, with the verdict always on the whole log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from api.deps import AuditDep, BundlesDep
from api.routes.bundles import bundle_download
from models.audit import AuditEvent, ChainVerdict
from models.base import SEQ_LIMIT
from models.directory.events import describe_directory_event
from models.read.audit_pages import LARGEST_PAGE, PAGE_SIZE, EventFilter
from models.roles import Role
from throughline.services.auth import Caller
from web.deps import ChangeId, PageRole
from web.render import render

router = APIRouter()

# The API's audit reads (GET /changes/{id}/audit, GET /directory/audit) are for auditors
# alone, so these pages are too.
Auditor = Annotated[Caller, PageRole(Role.AUDITOR)]

SOURCES = {
    "temporal": "Temporal's own record of the last event",
    "read_model": "the database's record of the last event, as Temporal did not answer",
    "archive": "the archived Temporal history's record of the last event",
}


def _events(count: int) -> str:
    return f"{count} event{'s' if count != 1 else ''}"


def verdict_words(verdict: ChainVerdict) -> dict[str, Any]:
    """The check's result as a heading and a sentence, from the verdict's own fields."""
    if verdict.intact:
        chained = f"{_events(verdict.events_checked)}, each chained to the one before"
        source = SOURCES.get(verdict.anchored_to or "", verdict.anchored_to)
        matching = f", matching {source}" if source else ""
        return {
            "intact": True,
            "heading": "The history is complete and unaltered",
            "text": f"{chained}{matching}.",
        }
    where = f" at event {verdict.first_bad_seq}" if verdict.first_bad_seq is not None else ""
    problem = verdict.problem or "the check found a problem it could not name"
    return {
        "intact": False,
        "heading": f"The history breaks{where}",
        "text": f"{problem[:1].upper()}{problem[1:]}.",
    }


def _directory_rows(events: list[AuditEvent]) -> list[dict[str, Any]]:
    return [{"event": event, "summary": describe_directory_event(event)} for event in events]


After = Annotated[int, Query(ge=0, le=SEQ_LIMIT, description="The last seq of the page before.")]
Limit = Annotated[int, Query(ge=1, le=LARGEST_PAGE)]


def _paging(request: Request, where: EventFilter, next_after: int | None) -> dict[str, Any]:
    """The GOV.UK pagination component's links: on to the next page (keyset, after the
    last seq shown) and back to the first, keeping the page's size."""
    url = request.url.remove_query_params("after")
    following = url.include_query_params(after=next_after) if next_after is not None else None
    return {
        "previous": {"href": str(url), "text": "First page"} if where.after else None,
        "next": {"href": str(following), "text": "Next page"} if following else None,
    }


@router.get("/changes/{change_id}/audit", summary="A change's audit log")
async def change_audit(
    request: Request,
    change_id: ChangeId,
    _caller: Auditor,
    audit: AuditDep,
    after: After = 0,
    limit: Limit = PAGE_SIZE,
) -> Response:
    where = EventFilter(after=after, limit=limit)
    log = await audit.change_log(change_id, where)
    context = {
        "title": "Audit log",
        "change_id": change_id,
        "verdict": verdict_words(log.verdict),
        "rows": [{"event": event, "summary": None} for event in log.events],
        "pagination": _paging(request, where, log.next_after),
    }
    return render(request, "audit.html", context)


@router.get("/changes/{change_id}/audit/bundle", summary="A change's signed audit bundle")
async def change_bundle(change_id: ChangeId, caller: Auditor, bundles: BundlesDep) -> Response:
    """The same signed bundle as GET /changes/{id}/export, downloaded from the page, to
    check offline with `throughline audit verify` or verifiers/verify-bundle.mjs."""
    return bundle_download(await bundles.export_change(caller.id, change_id), change_id)


@router.get("/changes/{change_id}/refusals", summary="A change's refused attempts")
async def change_refusals(
    request: Request,
    change_id: ChangeId,
    _caller: Auditor,
    audit: AuditDep,
    after: After = 0,
    limit: Limit = PAGE_SIZE,
) -> Response:
    where = EventFilter(after=after, limit=limit)
    log = await audit.refusals(change_id, where)
    context = {
        "title": "Refused attempts",
        "change_id": change_id,
        "verdict": verdict_words(log.verdict),
        "rows": [
            {"event": event, "summary": refusal_words(event, log.repeats.get(event.seq, 0))}
            for event in log.refusals
        ],
        "pagination": _paging(request, where, log.next_after),
    }
    return render(request, "refusals.html", context)


def refusal_words(event: AuditEvent, repeats: int) -> str:
    """One refused attempt in words, with how often it came again."""
    payload = event.payload
    again = f" Tried {repeats} more time{'s' if repeats != 1 else ''}." if repeats else ""
    command = str(payload.get("command", "a command")).replace("_", " ")
    return f"Refused {command} ({payload.get('code')}): {payload.get('reason')}.{again}"


@router.get("/directory", summary="The directory's history")
async def directory_history(request: Request, _caller: Auditor, audit: AuditDep) -> Response:
    log = await audit.directory_log()
    context = {
        "title": "Directory history",
        "verdict": verdict_words(log.verdict),
        "rows": _directory_rows(log.events),
    }
    return render(request, "directory.html", context)
