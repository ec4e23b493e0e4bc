"""Live outcome data for the API and the pages: bind a source to a success measure, stop
it, take pushed and uploaded points, and read each measure with its series.

A push source's key is shown once, when it is bound; only its sha256 is kept. A
Prometheus source gets a Temporal Schedule in the same transaction that writes it, so a
schedule Temporal refuses leaves no source behind.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from contextlib import suppress
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError

from models.change import ChangeState
from models.delivery import dispatcher_id
from models.errors import (
    InvalidRequest,
    NotPermitted,
    SourceNotFound,
    Unauthenticated,
    Unavailable,
)
from models.live_data import (
    SOURCE_KEY_PREFIX,
    MeasurePoint,
    PointIn,
    PointOrigin,
    PrometheusSourceRequest,
    PushSourceRequest,
    SourceKind,
    check_points,
    host_allowed,
    may_feed,
    measure_of,
)
from models.notifications import MessageStyle
from models.read.live_data import (
    SERIES_LIMIT,
    LiveMeasures,
    MeasureSource,
    PointsStored,
    SourceCreated,
    live_measure,
)
from models.rules.common import require_active
from models.tables import MeasureSourceRow
from throughline.services.auth import bearer_token
from throughline.services.poll_schedules import PollSchedules
from throughline.settings import Settings
from throughline.store import live_data, readmodel


class LiveDataService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], client: Client, settings: Settings
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._settings = settings
        self._style = MessageStyle(
            public_url=settings.public_url, full_webhook_payloads=settings.webhook_full_payloads
        )
        self.schedules = PollSchedules(client, settings.task_queue)

    async def bind(
        self,
        change_id: str,
        metric: str,
        actor: str,
        request: PushSourceRequest | PrometheusSourceRequest,
    ) -> SourceCreated:
        """Bind a source to one of the change's measures; a push source's key is in the
        answer, and nowhere else ever again."""
        key = f"{SOURCE_KEY_PREFIX}{secrets.token_urlsafe(32)}"
        row = self._new_source(change_id, metric, actor, request, key)
        async with self._sessions() as session, session.begin():
            state = await readmodel.change_state(session, change_id)
            require_active(state)
            may_feed(state, actor)
            measure_of(state, metric)
            await live_data.add_source(session, row)
            if isinstance(request, PrometheusSourceRequest):
                await self._schedule(row, request.interval_seconds)
        shown = key if row.kind == SourceKind.PUSH else None
        return SourceCreated(source=_source(row), key=shown)

    async def _schedule(self, row: MeasureSourceRow, interval_seconds: int) -> None:
        """Made inside the source's transaction: if Temporal refuses, nothing is saved."""
        note = f"polls {row.metric!r} of change {row.change_id}"
        try:
            await self.schedules.start(row.id, interval_seconds, note)
        except RPCError as error:
            raise Unavailable(
                f"Temporal did not take the source's schedule ({error.message}); nothing was "
                "saved, so try again"
            ) from None

    def _new_source(
        self,
        change_id: str,
        metric: str,
        actor: str,
        request: PushSourceRequest | PrometheusSourceRequest,
        key: str,
    ) -> MeasureSourceRow:
        row = MeasureSourceRow(
            id=f"src_{secrets.token_hex(12)}",
            change_id=change_id,
            metric=metric,
            kind=request.kind.value,
            created_by=actor,
            created_at=datetime.now(UTC),
        )
        if isinstance(request, PushSourceRequest):
            row.key_sha256 = _sha256(key)
            return row
        least = self._settings.measure_poll_min_seconds
        if request.interval_seconds < least:
            raise InvalidRequest(f"interval_seconds must be at least {least} here")
        allowed = self._settings.measure_source_hosts
        if not host_allowed(str(request.url), allowed):
            raise InvalidRequest(
                f"{request.url.host} is not a host measure sources may name here: "
                f"{', '.join(allowed)} (THROUGHLINE_MEASURE_SOURCE_HOSTS)"
            )
        row.url, row.query = str(request.url), request.query
        row.interval_seconds = request.interval_seconds
        return row

    async def stop(self, change_id: str, metric: str, source_id: str, actor: str) -> MeasureSource:
        """Deactivate a source: its key stops working and its schedule is deleted; its
        points stay."""
        async with self._sessions() as session, session.begin():
            state = await readmodel.change_state(session, change_id)
            may_feed(state, actor)
            row = await live_data.source(session, source_id)
            if row is None or (row.change_id, row.metric) != (change_id, metric):
                raise SourceNotFound(f"{metric!r} of change {change_id} has no source {source_id}")
            row.active = False
            await live_data.save_source(session, row)
        if row.kind == SourceKind.PROMETHEUS:
            try:
                await self.schedules.stop(row.id)
            except RPCError as error:
                raise Unavailable(
                    f"the source is stopped, but Temporal did not delete its schedule "
                    f"({error.message}); its polls store nothing, and stopping it again "
                    "deletes it"
                ) from None
        return _source(row)

    async def check_key(self, source_id: str, authorization: str | None) -> None:
        """Before a push's body is read: no key, or a source that takes none, is 401; a
        key that is not this source's, or a stopped source, is 403."""
        key = bearer_token(authorization)
        async with self._sessions() as session:
            await _keyed_source(session, source_id, key)

    async def push(self, source_id: str, key: str | None, points: list[PointIn]) -> PointsStored:
        """Points a service pushed with the source's own key."""
        if not key:
            raise Unauthenticated("send the source's key: Authorization: Bearer <key>")
        async with self._sessions() as session, session.begin():
            row = await _keyed_source(session, source_id, key)
            state = await readmodel.change_state(session, row.change_id)
            require_active(state)
            stored, due = await self._store(session, state, row.metric, points, row.id)
        return await self._told(stored, due)

    async def upload(
        self, change_id: str, metric: str, actor: str, points: list[PointIn]
    ) -> PointsStored:
        """Points a team member uploaded, as CSV or JSON; all of them or none."""
        async with self._sessions() as session, session.begin():
            state = await readmodel.change_state(session, change_id)
            require_active(state)
            may_feed(state, actor)
            stored, due = await self._store(session, state, metric, points, None)
        return await self._told(stored, due)

    async def _store(
        self,
        session: AsyncSession,
        state: ChangeState,
        metric: str,
        points: list[PointIn],
        source_id: str | None,
    ) -> tuple[PointsStored, int]:
        """What storing the points did, and how many notifications it made due."""
        measure = measure_of(state, metric)
        now = datetime.now(UTC)
        origin = PointOrigin.PUSH if source_id else PointOrigin.CSV
        kept = [
            MeasurePoint(**p.model_dump(), origin=origin, source_id=source_id, received_at=now)
            for p in check_points(points, now)
        ]
        stored = await live_data.store_points(session, state, metric, kept, self._style)
        latest = stored.latest
        result = PointsStored(
            change_id=state.change_id,
            metric=metric,
            received=len(points),
            stored=stored.new,
            latest=latest,
            met=measure.is_met_by(latest.value) if latest is not None else None,
        )
        return result, stored.due

    async def _told(self, stored: PointsStored, due: int) -> PointsStored:
        """Once the points are committed, wake the dispatcher for any news they made; it
        polls the outbox by itself too, so waking it only saves the wait."""
        if due:
            handle = self._client.get_workflow_handle(dispatcher_id(self._settings.task_queue))
            with suppress(RPCError):
                await handle.signal("wake")
        return stored

    async def measures(
        self, change_id: str, since: datetime | None = None, limit: int = SERIES_LIMIT
    ) -> LiveMeasures:
        try:
            utc = since.astimezone(UTC) if since is not None else None
        except OverflowError:
            raise InvalidRequest("since is out of range") from None
        return await measures_of(self._sessions, change_id, utc, limit)

    async def first_observed(self, change_id: str) -> dict[str, datetime]:
        """When each of the change's measures was first observed, as its points are dated.
        (A gate's observation period counts from when data was first received instead.)"""
        async with self._sessions() as session:
            return await live_data.first_observed(session, change_id)


async def measures_of(
    sessions: async_sessionmaker[AsyncSession],
    change_id: str,
    since: datetime | None = None,
    limit: int = SERIES_LIMIT,
) -> LiveMeasures:
    """Each success measure with its sources, its newest points and its latest value."""
    async with sessions() as session:
        state = await readmodel.change_state(session, change_id)
        sources = [_source(row) for row in await live_data.sources_of(session, change_id)]
        first = await live_data.first_observed(session, change_id)
        measures = []
        for measure in state.intake.success_measures:
            metric = measure.metric
            points = await live_data.series(session, change_id, metric, since, limit)
            latest = await live_data.latest_point(session, change_id, metric)
            theirs = [s for s in sources if s.metric == metric]
            measures.append(live_measure(measure, theirs, points, latest, first.get(metric)))
    return LiveMeasures(change_id=change_id, measures=measures)


async def _keyed_source(session: AsyncSession, source_id: str, key: str) -> MeasureSourceRow:
    row = await live_data.source(session, source_id)
    if row is None:
        raise Unauthenticated(f"no measure source {source_id!r} takes pushed points")
    if row.key_sha256 is None or not hmac.compare_digest(row.key_sha256, _sha256(key)):
        raise NotPermitted(f"that key is not the key of source {source_id}")
    if not row.active:
        raise NotPermitted(f"source {source_id} was stopped; its key no longer works")
    return row


def _sha256(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _source(row: MeasureSourceRow) -> MeasureSource:
    return MeasureSource(
        id=row.id,
        change_id=row.change_id,
        metric=row.metric,
        kind=SourceKind(row.kind),
        url=row.url,
        query=row.query,
        interval_seconds=row.interval_seconds,
        created_by=row.created_by,
        created_at=row.created_at,
        active=row.active,
        last_polled_at=row.last_polled_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
    )
