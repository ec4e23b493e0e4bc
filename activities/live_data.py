"""Polling a measure's Prometheus source: query its HTTP query API, store the point, and
queue the team's news if it crossed the target. A source that is down, refuses the query
or gives no single number is recorded as the source's last error; the poll still ends
well, so neither the schedule nor the worker ever stops for it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.service import RPCError

from activities.notifications import wake_the_dispatcher
from models.errors import ThroughlineError
from models.live_data import (
    FUTURE_TOLERANCE,
    MeasurePoint,
    MeasurePoll,
    PointOrigin,
    SourceKind,
    host_allowed,
    poll_schedule_id,
)
from models.live_data_parsing import SourceFailure, read_prometheus_answer
from models.notifications import MessageStyle
from models.tables import MeasureSourceRow
from throughline.store import live_data, readmodel

log = logging.getLogger(__name__)
QUERY_PATH = "/api/v1/query"


class LiveDataActivities:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        style: MessageStyle,
        timeout_seconds: float = 10,
        allowed_hosts: Sequence[str] = (),
    ) -> None:
        self._sessions = sessions
        self._style = style
        self._timeout = timeout_seconds
        self._allowed_hosts = list(allowed_hosts)

    @activity.defn(name="poll_measure_source")
    async def poll_measure_source(self, poll: MeasurePoll) -> str:
        """Query the source once and store the point, or record why not."""
        async with self._sessions() as session:
            row = await live_data.source(session, poll.source_id)
        if row is not None and not row.active:
            await _forget_schedule(poll.source_id)
            return f"skipped: source {poll.source_id} was stopped; its schedule is deleted"
        if row is None or row.kind != SourceKind.PROMETHEUS:
            return f"skipped: source {poll.source_id} is not a Prometheus source"
        try:
            if await self._change_closed(row):
                await _forget_schedule(poll.source_id)
                return f"stopped: the change of source {poll.source_id} is closed"
            if not host_allowed(row.url or "", self._allowed_hosts):
                raise SourceFailure(f"{row.url} is not on THROUGHLINE_MEASURE_SOURCE_HOSTS")
            observed_at, value = await self._query(row)
            now = datetime.now(UTC)
            if observed_at > now + FUTURE_TOLERANCE:
                raise SourceFailure(f"the sample's time {observed_at.isoformat()} is ahead of now")
            point = MeasurePoint(
                observed_at=observed_at,
                value=value,
                origin=PointOrigin.PROMETHEUS,
                source_id=row.id,
                received_at=now,
            )
            return await self._store(row, point)
        except (SourceFailure, ThroughlineError) as failure:
            return await self._failed(row, failure)

    async def _change_closed(self, row: MeasureSourceRow) -> bool:
        """A closed change needs no more data: its source stops, and its schedule goes."""
        async with self._sessions() as session, session.begin():
            state = await readmodel.change_state(session, row.change_id)
            if not state.status.is_closed:
                return False
            row.active = False
            await live_data.save_source(session, row)
        return True

    async def _query(self, row: MeasureSourceRow) -> tuple[datetime, float]:
        url = f"{(row.url or '').rstrip('/')}{QUERY_PATH}"
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                answer = await client.get(url, params={"query": row.query or ""})
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise SourceFailure(f"could not reach {row.url}: {error!r}") from None
        try:
            body = answer.json()
        except ValueError:
            raise SourceFailure(f"the answer (HTTP {answer.status_code}) is not JSON") from None
        if answer.is_error and not isinstance(body, dict):
            raise SourceFailure(f"the source answered HTTP {answer.status_code}")
        return read_prometheus_answer(body)

    async def _store(self, row: MeasureSourceRow, point: MeasurePoint) -> str:
        async with self._sessions() as session, session.begin():
            state = await readmodel.change_state(session, row.change_id)
            stored = await live_data.store_points(session, state, row.metric, [point], self._style)
            await live_data.record_poll(session, row.id, point.received_at, None)
        if stored.due:
            await wake_the_dispatcher()
        log.info(
            "measure polled",
            extra={"change_id": row.change_id, "source_id": row.id, "new": stored.new},
        )
        return f"stored {point.value:g} observed at {point.observed_at.isoformat()}"

    async def _failed(
        self, row: MeasureSourceRow, failure: SourceFailure | ThroughlineError
    ) -> str:
        async with self._sessions() as session, session.begin():
            await live_data.record_poll(session, row.id, datetime.now(UTC), failure.message)
        log.warning(
            "measure poll failed",
            extra={"change_id": row.change_id, "source_id": row.id, "error": failure.message},
        )
        return f"failed: {failure.message}"


async def _forget_schedule(source_id: str) -> None:
    """A stopped source whose schedule outlived it (Temporal was away when it was
    stopped) deletes the schedule from its next poll."""
    try:
        await activity.client().get_schedule_handle(poll_schedule_id(source_id)).delete()
    except RPCError as error:
        log.info("schedule not deleted", extra={"source_id": source_id, "error": str(error)})
