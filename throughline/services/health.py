"""Whether Throughline can serve: Temporal and the database answer, and, on the embedded
stack, every part is running rather than restarting."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from models.read.reports import Health, PartStatus
from throughline import db
from throughline.supervision import read_status

HEALTH_TIMEOUT = 3.0
"""Seconds each dependency has to answer before it counts as down."""


class HealthService:
    def __init__(self, temporal: Client, engine: AsyncEngine, status_file: Path | None) -> None:
        self._temporal = temporal
        self._engine = engine
        self._status_file = status_file

    async def check(self) -> Health:
        temporal, database = await asyncio.gather(
            _answers(self._temporal.service_client.check_health()),
            _answers(db.ping(self._engine)),
        )
        parts = _parts(self._status_file)
        running = all(part.state == "running" for part in parts.values())
        return Health(
            status="ok" if temporal and database and running else "degraded",
            temporal=temporal,
            database=database,
            parts=parts,
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
