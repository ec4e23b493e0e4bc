"""Health and playbooks."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ANY_ROLE, HealthDep
from api.errors import error_responses
from models.playbook import Playbook, published_playbooks
from models.read.reports import Health

router = APIRouter(tags=["system"])


@router.get(
    "/healthz",
    summary="Health of Temporal and the database",
    response_model=Health,
    responses={503: {"model": Health, "description": "Temporal or the database is unreachable."}},
)
async def healthz(*, health_service: HealthDep) -> JSONResponse:
    """Whether Temporal and the database answer; 503 when either does not."""
    health = await health_service.check()
    return JSONResponse(
        status_code=200 if health.status == "ok" else 503, content=health.model_dump()
    )


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
