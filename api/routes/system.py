"""Health and playbooks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import Reader, ResourcesDep
from api.errors import error_responses
from models.intake import Strict
from models.playbook import PLAYBOOKS, Playbook
from throughline import db

router = APIRouter(tags=["system"])
HEALTH_TIMEOUT = 3.0


class Health(Strict):
    status: Literal["ok", "degraded"]
    temporal: bool
    database: bool


@router.get(
    "/healthz",
    summary="Health of Temporal and the database",
    response_model=Health,
    responses={503: {"model": Health, "description": "Temporal or the database is unreachable."}},
)
async def healthz(*, resources: ResourcesDep) -> JSONResponse:
    """Whether Temporal and the database answer; 503 when either does not."""
    temporal, database = await asyncio.gather(
        _answers(resources.temporal.service_client.check_health()),
        _answers(db.ping(resources.engine)),
    )
    health = Health(
        status="ok" if temporal and database else "degraded", temporal=temporal, database=database
    )
    return JSONResponse(
        status_code=200 if health.status == "ok" else 503, content=health.model_dump()
    )


async def _answers(check: Awaitable[object]) -> bool:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT):
            await check
    except Exception:
        return False
    return True


@router.get(
    "/playbooks",
    summary="List playbooks",
    response_model=list[Playbook],
    responses=error_responses(401, 403),
)
async def list_playbooks(*, caller: Reader) -> list[Playbook]:  # noqa: ARG001
    """Every published playbook version, with its stages, gates and quorums."""
    return sorted(PLAYBOOKS.values(), key=lambda p: (p.name, p.version))
