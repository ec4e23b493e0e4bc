"""Projection and audit writes. Idempotent: keyed by change id and event sequence."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from models.projection import ProjectionBatch
from throughline.store import projection

log = logging.getLogger(__name__)


class ProjectionActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name="project_change")
    async def project_change(self, batch: ProjectionBatch) -> bool:
        """Write the read model and append the audit events; True if this snapshot is newest."""
        async with self._sessions() as session, session.begin():
            applied = await projection.project(session, batch, datetime.now(UTC))
        log.info(
            "projected change",
            extra={
                "change_id": batch.state.change_id,
                "workflow_id": batch.workflow_id,
                "seq": batch.state.seq,
                "applied": applied,
            },
        )
        return applied
