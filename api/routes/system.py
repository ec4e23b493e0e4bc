"""Health and playbooks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from api.deps import ANY_ROLE, ResourcesDep
from api.errors import error_responses
from models.base import Strict
from models.playbook import PLAYBOOKS, Playbook
from throughline import db
from throughline.supervision import read_status

router = APIRouter(tags=["system"])
HEALTH_TIMEOUT = 3.0


class PartStatus(Strict):
    state: Literal["running", "restarting"]
    restarts: int
    last_stop: str | None = Field(description="Why the part last stopped, if it did.")


class Health(Strict):
    status: Literal["ok", "degraded"]
    temporal: bool
    database: bool
    parts: dict[str, PartStatus] = Field(
        default_factory=dict,
        description="On the embedded stack: each part (temporal, worker, api) and why it last "
        "stopped. A part restarting makes the stack degraded.",
    )


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
    parts = _parts(resources.settings.stack_status_file)
    running = all(part.state == "running" for part in parts.values())
    health = Health(
        status="ok" if temporal and database and running else "degraded",
        temporal=temporal,
        database=database,
        parts=parts,
    )
    return JSONResponse(
        status_code=200 if health.status == "ok" else 503, content=health.model_dump()
    )


def _parts(status_file: Path | None) -> dict[str, PartStatus]:
    if status_file is None:
        return {}
    return {
        name: PartStatus.model_validate(part) for name, part in read_status(status_file).items()
    }


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
    dependencies=[ANY_ROLE],
)
async def list_playbooks() -> list[Playbook]:
    """Every published playbook version, with its stages, gates and quorums."""
    return sorted(PLAYBOOKS.values(), key=lambda p: (p.name, p.version))
