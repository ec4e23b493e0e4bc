"""Projection and audit writes. Idempotent: keyed by change id and event sequence."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from activities.news import tell_the_stuck
from activities.notifications import wake_the_dispatcher
from models.notifications import MessageStyle
from models.projection import LocalProjection, ProjectionBatch, ProjectionRecord
from models.read.waiting import WaitKind
from throughline.store import outbox, projection, readmodel

log = logging.getLogger(__name__)


class ProjectionActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], style: MessageStyle) -> None:
        self._sessions = sessions
        self._style = style

    @activity.defn(name="project_change")
    async def project_change(self, batch: ProjectionBatch) -> bool:
        """Write the read model, append the audit events and put the notifications they
        call for in the outbox, in one transaction; True if this snapshot is newest."""
        return await self._project(batch, after_seq=None)

    @activity.defn(name="project_change_locally")
    async def project_change_locally(self, projection: LocalProjection) -> ProjectionRecord:
        """Project the batch, as a local activity, first undoing what a lost attempt of
        the workflow task wrote past the run's own account of SQL; the history keeps what
        this returns, the state as a patch against the run's previous record."""
        batch = projection.batch()
        await self._project(batch, after_seq=projection.projected_seq)
        return projection.record(batch)

    async def _project(self, batch: ProjectionBatch, after_seq: int | None) -> bool:
        async with self._sessions() as session, session.begin():
            if after_seq is not None:
                await projection.forget_unrecorded(session, batch, after_seq)
            applied = await projection.project(session, batch, datetime.now(UTC))
            due = await outbox.enqueue(session, batch.state, batch.events, self._style)
            row = await readmodel.find_change(session, batch.state.change_id)
        if due:
            await wake_the_dispatcher()
        if applied and row is not None:
            await tell_the_stuck([(batch.workflow_id, batch.state, WaitKind(row.waiting_kind))])
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
