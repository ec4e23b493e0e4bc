"""Health and playbooks."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import ANY_ROLE, HealthDep
from api.errors import error_responses
from models.playbook import Playbook
from models.playbooks import published_playbooks
from models.read.reports import Health

router = APIRouter(tags=["system"])


@router.get(
    "/healthz",
    summary="Health of Temporal and the database",
    response_model=Health,
    responses={503: {"model": Health, "description": "Temporal or the database is unreachable."}},
)
async def healthz(*, health_service: HealthDep) -> JSONResponse:
    """Whether Temporal and the database answer; 503 when either does not. Failing
    notification channels make it degraded with a 200: changes still move."""
    health = await health_service.check()
    return JSONResponse(
        status_code=200 if health.serving else 503, content=health.model_dump(mode="json")
    )


@router.get("/metrics", summary="Metrics for Prometheus", include_in_schema=False)
async def metrics(*, health_service: HealthDep) -> Response:
    """Prometheus's text format; open like /healthz, so keep it off the public internet."""
    return Response(await health_service.metrics(), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/playbooks",
    summary="List playbooks",
    response_model=list[Playbook],
    responses=error_responses(401, 403),
    dependencies=[ANY_ROLE],
)
async def list_playbooks() -> list[Playbook]:
    """Every published playbook version, with its stages, gates and quorums."""
    return published_playbooks()
