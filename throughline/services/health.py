"""Whether Throughline can serve: Temporal and the database answer, and, on the embedded
stack, every part is running rather than restarting."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from models.read.reports import Health, PartStatus
from throughline import db
from throughline.metrics import exposition
from throughline.store import deliveries
from throughline.supervision import read_status

FAILURES_COUNTED_FOR = timedelta(days=1)
HEALTH_TIMEOUT = 3.0
"""Seconds each dependency has to answer before it counts as down."""


class HealthService:
    def __init__(self, temporal: Client, engine: AsyncEngine, status_file: Path | None) -> None:
        self._temporal = temporal
        self._engine = engine
        self._sessions = db.session_factory(engine)
        self._status_file = status_file

    async def check(self) -> Health:
        temporal, database = await asyncio.gather(
            _answers(self._temporal.service_client.check_health()),
            _answers(db.ping(self._engine)),
        )
        health = Health(
            status="ok",
            temporal=temporal,
            database=database,
            parts=_parts(self._status_file),
            failed_notifications=await self._failed_notifications() if database else {},
        )
        if not health.serving or health.failed_notifications:
            health.status = "degraded"
        return health

    async def metrics(self) -> bytes:
        """Every metric in Prometheus's text format."""
        return await exposition(self._sessions)

    async def _failed_notifications(self) -> dict[str, int]:
        since = datetime.now(UTC) - FAILURES_COUNTED_FOR
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT), self._sessions() as session:
                return await deliveries.failures_by_channel(session, since)
        except (TimeoutError, SQLAlchemyError):
            return {}


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
