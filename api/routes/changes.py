"""Service changes as people read them: lists, one change, its gate, its timeline and,
for auditors, its audit log and refusals; the last three a keyset page at a time."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import StringConstraints

from api.deps import ANY_ROLE, AUDITORS, AuditDep, ReadsDep
from api.errors import error_responses
from models.base import SEQ_LIMIT, ShortText
from models.base import Moment as BaseMoment
from models.change import ChangeStatus
from models.events import EventKind
from models.read.audit_pages import (
    LARGEST_PAGE,
    PAGE_SIZE,
    AuditPage,
    EventFilter,
    RefusalPage,
    TimelinePage,
)
from models.read.cursors import MAX_CURSOR_LENGTH
from models.read.reports import ChangeList, ChangeOrder, ChangeQuery
from models.read.views import ChangeView, GateReport
from models.read.waiting import WaitKind
from models.roles import Role

router = APIRouter(prefix="/changes", tags=["changes"])

ChangeId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
READ_ERRORS = error_responses(401, 403, 404, 422)

REPEAT = "Repeat the parameter for more than one; an event matching any of them is shown."
Actor = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._@:-]+$")
]
LoggedKind = EventKind | Literal["refused"]
"""A kind of the change's audit log, or of its refusals log (where every event is one)."""

WaitingOnPerson = Annotated[
    str | None,
    Query(
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9._-]*$",
        description="Changes waiting on this person (a directory id)",
    ),
]
WaitingKind = Annotated[
    WaitKind | None, Query(description="For example stuck: nobody left may act")
]
Overdue = Annotated[
    bool | None,
    Query(description="true: only changes past a due time; false: only the others"),
]
Cursor = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_CURSOR_LENGTH,
        pattern=r"^[A-Za-z0-9_-]+$",
        description=(
            "next_cursor of the page before, asked with the same filters and order; not with offset"
        ),
    ),
]
Count = Annotated[bool, Query(description="true: also say how many changes match (total)")]
Order = Annotated[
    ChangeOrder, Query(description="urgent (the default): overdue first; or another order")
]


@router.get(
    "",
    summary="List changes",
    response_model=ChangeList,
    responses=error_responses(401, 403, 422),
    dependencies=[ANY_ROLE],
)
async def list_changes(
    *,
    reads: ReadsDep,
    stage: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z_]+$")] = None,
    status: ChangeStatus | None = None,
    waiting_on: Annotated[Role | None, Query(description="Changes waiting on this role")] = None,
    waiting_on_person: WaitingOnPerson = None,
    waiting_kind: WaitingKind = None,
    service: Annotated[ShortText | None, Query()] = None,
    overdue: Overdue = None,
    order: Order = ChangeOrder.URGENT,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    cursor: Cursor = None,
    count: Count = False,
) -> ChangeList:
    """List changes, overdue ones first (most overdue first), then newest first, or in
    another order; filtered by stage, status, service, the role or the person they wait
    on, what kind of act they wait for, or whether they are overdue. Page with
    `next_cursor` (each page costs the same however deep) or with `offset`; ask for
    `count=true` to be told how many match."""
    where = ChangeQuery(
        stage=stage,
        status=status,
        waiting_on=waiting_on,
        waiting_on_person=waiting_on_person,
        waiting_kind=waiting_kind,
        service=service,
        overdue=overdue,
        order=order,
        limit=limit,
        offset=offset,
        cursor=cursor,
        count=count,
    )
    return await reads.changes(where)


@router.get(
    "/{change_id}",
    summary="Get a change",
    response_model=ChangeView,
    responses=READ_ERRORS,
    dependencies=[ANY_ROLE],
)
async def get_change(*, change_id: ChangeId, reads: ReadsDep) -> ChangeView:
    """One change with its live state: stage, gate, and what it waits on, since when and
    why, checked against today's directory."""
    return await reads.change(change_id)


@router.get(
    "/{change_id}/gate",
    summary="Why a gate is where it is",
    response_model=GateReport,
    responses=READ_ERRORS,
    dependencies=[ANY_ROLE],
)
async def get_gate(
    *,
    change_id: ChangeId,
    reads: ReadsDep,
    gate_id: Annotated[
        str | None, Query(max_length=100, description="A gate of the current cycle; default now.")
    ] = None,
) -> GateReport:
    """Every unmet rule in plain words, each role's sign-offs with names, who could still
    sign, the conditions holding the gate, and how long it has waited on whom."""
    return await reads.gate(change_id, gate_id)


def _event_filter(
    *,
    limit: Annotated[
        int, Query(ge=1, le=LARGEST_PAGE, description="Events on a page; 500 unless asked.")
    ] = PAGE_SIZE,
    after: Annotated[
        int,
        Query(
            ge=0,
            le=SEQ_LIMIT,
            description="The `next_after` of the page before: events after this seq.",
        ),
    ] = 0,
    actor: Annotated[list[Actor] | None, Query(max_length=20, description=REPEAT)] = None,
    role: Annotated[list[Role] | None, Query(max_length=20, description=REPEAT)] = None,
    kind: Annotated[list[LoggedKind] | None, Query(max_length=20, description=REPEAT)] = None,
    since: Annotated[
        BaseMoment | None,
        Query(description="Events at or after this time (ISO 8601 with a timezone)."),
    ] = None,
    until: Annotated[
        BaseMoment | None,
        Query(description="Events before this time (ISO 8601 with a timezone)."),
    ] = None,
) -> EventFilter:
    return EventFilter(
        limit=limit,
        after=after,
        actors=actor or [],
        roles=role or [],
        kinds=[str(logged) for logged in kind or []],
        since=since,
        until=until,
    )


Filter = Annotated[EventFilter, Depends(_event_filter)]


@router.get(
    "/{change_id}/timeline",
    summary="Timeline of handoffs and events",
    response_model=TimelinePage,
    responses=READ_ERRORS,
    dependencies=[ANY_ROLE],
)
async def get_timeline(*, change_id: ChangeId, reads: ReadsDep, where: Filter) -> TimelinePage:
    """Every event in order, a page at a time, and every handoff with how long it stayed
    open. Filter events by actor, role, kind and time; follow `next_after` for the next
    page."""
    return await reads.timeline(change_id, where)


@router.get(
    "/{change_id}/audit",
    summary="Audit log with its integrity check",
    response_model=AuditPage,
    responses=READ_ERRORS,
    dependencies=[AUDITORS],
)
async def get_audit(*, change_id: ChangeId, audit: AuditDep, where: Filter) -> AuditPage:
    """The hash-chained audit events of a change, a page at a time (keyset: pass
    `next_after` as `after`), filtered by actor, role, kind and time; and whether the
    whole chain is intact and ends where the workflow itself says it does. The check
    reads the whole log in chunks whatever the page, so it never holds it all."""
    return await audit.change_log(change_id, where)


@router.get(
    "/{change_id}/refusals",
    summary="Refused attempts on the record",
    response_model=RefusalPage,
    responses=READ_ERRORS,
    dependencies=[AUDITORS],
)
async def get_refusals(*, change_id: ChangeId, audit: AuditDep, where: Filter) -> RefusalPage:
    """Every command on this change a rule refused (403 or 409): who, in which role, which
    command, the reason's code and words, and when; in its own hash-chained log, since a
    refused command leaves no workflow history. The same refusal again is counted in
    `repeats`, not stored again. Bad input (422) and missing tokens (401) are not acts
    and are not recorded. Paged and filtered like the audit log; the verdict is on the
    whole log."""
    return await audit.refusals(change_id, where)
