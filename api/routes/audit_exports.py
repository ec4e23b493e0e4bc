"""Exports of audit events for auditors: every event of a service's changes, of a change,
or in a time range, as CSV or a JSON array, streamed as it is read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import AUDITORS, AuditDep
from api.errors import error_responses
from models.audit import AuditEvent
from models.base import Moment as BaseMoment
from models.read.audit_pages import EXPORT_COLUMNS, ExportFilter, ExportFormat

router = APIRouter(tags=["audit"])

MEDIA_TYPES = {ExportFormat.JSON: "application/json", ExportFormat.CSV: "text/csv; charset=utf-8"}

_EVENT: dict[str, Any] = {
    "change_id": "b7e1c1a2-0f7e-4a3e-9d55-2f1f0c7d9a11",
    "seq": 1,
    "at": "2026-03-02T09:00:00Z",
    "actor": "dev",
    "role": "digital",
    "kind": "change_created",
    "payload": {"title": "Apply for a blue badge online"},
    "prev_hash": "0" * 64,
    "hash": "5f0c3a0e0b8f5e1d4e7c2b9a6d3f8e1c0b7a4d2e9f6c3b0a8d5e2f9c6b3a0d7e",
}
_CSV_EXAMPLE = (
    ",".join(EXPORT_COLUMNS)
    + "\r\n"
    + f"{_EVENT['change_id']},1,2026-03-02T09:00:00Z,dev,digital,change_created,"
    + '"{""title"":""Apply for a blue badge online""}",'
    + f"{_EVENT['prev_hash']},{_EVENT['hash']}\r\n"
)
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The events, change by change in seq order: a JSON array (the "
        "default), or CSV with a header row. An export that matches nothing is an empty "
        "array, or the header row alone.",
        "content": {
            "application/json": {"example": [_EVENT]},
            "text/csv": {"schema": {"type": "string"}, "example": _CSV_EXAMPLE},
        },
    },
    **error_responses(401, 403, 422),
}

Moment = Annotated[
    BaseMoment | None,
    Query(description="ISO 8601 with a timezone, e.g. 2026-11-01T00:00:00Z"),
]


@router.get(
    "/audit/events",
    summary="Export audit events, streamed",
    response_model=list[AuditEvent],
    responses=EXPORT_RESPONSES,
    dependencies=[AUDITORS],
)
async def export_audit_events(
    *,
    audit: AuditDep,
    as_format: Annotated[
        ExportFormat, Query(alias="format", description="json (the default) or csv")
    ] = ExportFormat.JSON,
    service: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Every change of it.")
    ] = None,
    change_id: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=r"^[A-Za-z0-9-]+$",
            description="Only this change's events.",
        ),
    ] = None,
    since: Moment = None,
    until: Moment = None,
) -> StreamingResponse:
    """Every audit event the filters pick, streamed as it is read, so an export of any
    size is never held whole: a JSON array of events, or CSV with the columns change_id,
    seq, at, actor, role, kind, payload (canonical JSON text), prev_hash and hash. Give
    `service`, `change_id`, `since` (at or after) and `until` (before) in any mix; none
    exports every event. A service or change that does not exist exports nothing, not a
    404: an empty export says no event matched."""
    where = ExportFilter(service=service, change_id=change_id, since=since, until=until)
    name = f"audit-events.{as_format.value}"
    return StreamingResponse(
        await audit.export(where, as_format),
        media_type=MEDIA_TYPES[as_format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
