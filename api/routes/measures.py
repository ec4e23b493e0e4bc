"""Live outcome data: bind a source to a change's success measure, stop it, push or upload
its points, and read each measure's series against its target. Each handler calls one
method of the live data service.

A push source sends `Authorization: Bearer <source key>`, not a person's token: the
authentication gate checks it against the source (see `source_opened_by_key`) before
the body is read, and the service checks it again as it stores the points.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.models import Example
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, TypeAdapter, ValidationError

from api.deps import ANY_ROLE, LiveDataDep, RequireRole
from api.errors import error_responses
from api.routes.changes import ChangeId
from models.errors import InvalidRequest, UnsupportedMediaType
from models.live_data import PointBatch, PointIn, SourceRequest
from models.live_data_parsing import read_csv_points
from models.read.live_data import (
    MOST_POINTS_SHOWN,
    SERIES_LIMIT,
    LiveMeasures,
    MeasureSource,
    PointsStored,
    SourceCreated,
)
from models.roles import Role
from throughline.services.auth import Caller

router = APIRouter(prefix="/changes", tags=["measures"])
sources_router = APIRouter(prefix="/sources", tags=["measures"])

Metric = Annotated[str, Path(min_length=1, max_length=200, description="The measure's metric.")]
SourceId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$")]
Feeder = Annotated[Caller, RequireRole(Role.DIGITAL, Role.SERVICE_OWNER)]
"""The change's team and service owner; the service checks they are this change's."""
COMMAND_ERRORS = error_responses(401, 403, 404, 409, 413, 415, 422, 503)

SOURCE_KEY_PATH = re.compile(r"^/sources/([^/]+)/points$")
UPLOAD_PATH = re.compile(r"^/changes/[^/]+/measures/[^/]+/points$")
_source_key = HTTPBearer(
    auto_error=False, scheme_name="SourceKey", description="A push source's own key."
)
SourceKey = Annotated[HTTPAuthorizationCredentials | None, Depends(_source_key)]

POINTS_EXAMPLE = [
    {"observed_at": "2026-11-23T09:00:00Z", "value": 41.5},
    {"observed_at": "2026-11-24T09:00:00Z", "value": 43},
]
CSV_EXAMPLE = "observed_at,value\n2026-11-23T09:00:00Z,41.5\n2026-11-24T09:00:00Z,43\n"
POINTS_EXAMPLES = {"default": Example(summary="Two days of a measure", value=POINTS_EXAMPLE)}
SOURCE_EXAMPLES = {
    "push": Example(summary="A service pushes points", value={"kind": "push"}),
    "prometheus": Example(
        summary="Poll a Prometheus query every five minutes",
        value={
            "kind": "prometheus",
            "url": "https://prometheus.example.gov.uk",
            "query": "sum(renewals_decided_online) / sum(renewals_decided) * 100",
            "interval_seconds": 300,
        },
    ),
}
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/PointIn"}},
                "examples": POINTS_EXAMPLES,
            },
            "text/csv": {
                "schema": {"type": "string", "description": "A header observed_at,value."},
                "example": CSV_EXAMPLE,
            },
        },
    }
}


def source_opened_by_key(path: str) -> str | None:
    """The source a push calls, on the one path a source's own key opens instead of a
    person's token; None on any other path."""
    found = SOURCE_KEY_PATH.match(path)
    return found.group(1) if found else None


def takes_uploads(path: str) -> bool:
    """The path whose route reads its own body, CSV or JSON, and names what is wrong."""
    return UPLOAD_PATH.match(path) is not None


@router.post(
    "/{change_id}/measures/{metric}/sources",
    status_code=201,
    summary="Bind a source to a success measure",
    response_model=SourceCreated,
    responses=COMMAND_ERRORS,
)
async def bind_source(
    *,
    change_id: ChangeId,
    metric: Metric,
    body: Annotated[SourceRequest, Body(openapi_examples=SOURCE_EXAMPLES)],
    caller: Feeder,
    live: LiveDataDep,
) -> SourceCreated:
    """Feed a measure from pushed points (the answer holds the key, shown once) or from
    a Prometheus query polled on a durable schedule."""
    return await live.bind(change_id, metric, caller.id, body)


@router.get(
    "/{change_id}/measures",
    summary="A change's measures with their live data",
    response_model=LiveMeasures,
    responses=error_responses(401, 403, 404, 422),
    dependencies=[ANY_ROLE],
)
async def read_measures(
    *,
    change_id: ChangeId,
    live: LiveDataDep,
    since: Annotated[
        AwareDatetime | None, Query(description="Only points observed at or after this.")
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MOST_POINTS_SHOWN, description="The newest points per measure.")
    ] = SERIES_LIMIT,
) -> LiveMeasures:
    """Each measure's sources, newest points, latest value against its target, and when
    it was first observed."""
    return await live.measures(change_id, since, limit)


@router.delete(
    "/{change_id}/measures/{metric}/sources/{source_id}",
    summary="Stop a source",
    response_model=MeasureSource,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def stop_source(
    *, change_id: ChangeId, metric: Metric, source_id: SourceId, caller: Feeder, live: LiveDataDep
) -> MeasureSource:
    """Deactivate a source: its key stops working, its schedule is deleted, its points
    stay."""
    return await live.stop(change_id, metric, source_id, caller.id)


async def _uploaded_points(request: Request) -> list[PointIn]:
    """The points of a CSV file (header observed_at,value) or a JSON list."""
    body = await request.body()
    media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media_type == "text/csv":
        try:
            return read_csv_points(body.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise InvalidRequest(f"the file is not UTF-8 (at byte {error.start})") from None
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType("send text/csv (a header observed_at,value) or JSON")
    try:
        return TypeAdapter(PointBatch).validate_json(body)
    except ValidationError as invalid:
        raise RequestValidationError(invalid.errors(include_url=False)) from None


@router.post(
    "/{change_id}/measures/{metric}/points",
    summary="Upload points for a success measure",
    response_model=PointsStored,
    responses=COMMAND_ERRORS,
    openapi_extra=UPLOAD_BODY,
)
async def upload_points(
    *,
    change_id: ChangeId,
    metric: Metric,
    points: Annotated[list[PointIn], Depends(_uploaded_points)],
    caller: Feeder,
    live: LiveDataDep,
) -> PointsStored:
    """Upload a CSV file with the header observed_at,value, or a JSON list of points. A
    bad row is named with its column, and then nothing is stored."""
    return await live.upload(change_id, metric, caller.id, points)


@sources_router.post(
    "/{source_id}/points",
    summary="Push points with a source's key",
    response_model=PointsStored,
    responses=error_responses(401, 403, 413, 415, 422),
)
async def push_points(
    *,
    source_id: SourceId,
    points: Annotated[PointBatch, Body(openapi_examples=POINTS_EXAMPLES)],
    key: SourceKey,
    live: LiveDataDep,
) -> PointsStored:
    """Push observations as the source, with `Authorization: Bearer <source key>`. A point
    already stored at the same moment is kept as it was."""
    return await live.push(source_id, key.credentials if key else None, points)
