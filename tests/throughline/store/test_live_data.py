"""Storing live outcome data on SQLite and PostgreSQL: repeats store nothing, the latest
point and the first observed are read back in UTC, and a crossed target puts the team's
news in the outbox once: throughline/store/live_data.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeState
from models.live_data import Crossing, MeasurePoint, PointOrigin
from models.notifications import MessageStyle
from models.tables import MeasureSourceRow, NotificationPreference, NotificationRow, Person
from tests.factories import PROPOSER, T0, fresh_state
from throughline.store import live_data

STYLE = MessageStyle(public_url="https://throughline.example.gov.uk")
TAKE_UP = "online take-up"


def at(value: float, hours: int, origin: PointOrigin = PointOrigin.PUSH) -> MeasurePoint:
    return MeasurePoint(
        observed_at=T0 + timedelta(hours=hours),
        value=value,
        origin=origin,
        received_at=datetime.now(UTC),
    )


async def _listening(session: AsyncSession, person: str) -> None:
    now = datetime.now(UTC)
    if await session.get(Person, person) is None:
        session.add(Person(id=person, name=person, created_at=now))
    if await session.get(NotificationPreference, person) is None:
        session.add(
            NotificationPreference(
                person_id=person,
                email=f"{person}@example.gov.uk",
                channels=["email"],
                updated_at=now,
            )
        )
    await session.flush()


async def _told(session: AsyncSession, state: ChangeState) -> list[NotificationRow]:
    statement = select(NotificationRow).where(col(NotificationRow.change_id) == state.change_id)
    return list((await session.exec(statement)).all())


async def test_a_repeated_point_is_stored_once(rollback_session: AsyncSession) -> None:
    state = fresh_state()
    points = [at(10, 0), at(20, 1)]

    first = await live_data.store_points(rollback_session, state, TAKE_UP, points, STYLE)
    again = await live_data.store_points(rollback_session, state, TAKE_UP, points, STYLE)
    other_origin = await live_data.store_points(
        rollback_session, state, TAKE_UP, [at(99, 1, PointOrigin.CSV)], STYLE
    )

    assert (first.new, again.new, other_origin.new) == (2, 0, 1)
    assert again.latest == first.latest
    newest = await live_data.series(rollback_session, state.change_id, TAKE_UP, None, 10)
    assert [(p.value, p.origin) for p in newest] == [
        (99, PointOrigin.CSV),
        (20, PointOrigin.PUSH),
        (10, PointOrigin.PUSH),
    ]


async def test_series_are_newest_first_since_a_moment_and_times_come_back_in_utc(
    rollback_session: AsyncSession,
) -> None:
    state = fresh_state()
    points = [at(float(h), h) for h in range(6)]
    await live_data.store_points(rollback_session, state, TAKE_UP, points, STYLE)

    since = await live_data.series(
        rollback_session, state.change_id, TAKE_UP, T0 + timedelta(hours=3), 10
    )
    newest_two = await live_data.series(rollback_session, state.change_id, TAKE_UP, None, 2)
    first = await live_data.first_observed(rollback_session, state.change_id)
    latest = await live_data.latest_point(rollback_session, state.change_id, TAKE_UP)

    assert [p.value for p in since] == [5, 4, 3]
    assert [p.value for p in newest_two] == [5, 4]
    assert first == {TAKE_UP: T0}
    assert first[TAKE_UP].tzinfo is not None
    assert latest is not None
    assert latest.observed_at == T0 + timedelta(hours=5)


async def test_crossing_the_target_tells_the_team_once_each_way(
    rollback_session: AsyncSession,
) -> None:
    state = fresh_state()
    await _listening(rollback_session, PROPOSER)

    below = await live_data.store_points(rollback_session, state, TAKE_UP, [at(40, 0)], STYLE)
    met = await live_data.store_points(rollback_session, state, TAKE_UP, [at(61, 1)], STYLE)
    still_met = await live_data.store_points(rollback_session, state, TAKE_UP, [at(62, 2)], STYLE)
    older = await live_data.store_points(rollback_session, state, TAKE_UP, [at(1, -5)], STYLE)
    missed = await live_data.store_points(rollback_session, state, TAKE_UP, [at(55, 3)], STYLE)

    assert [s.crossed for s in (below, met, still_met, older, missed)] == [
        None,
        Crossing.MET,
        None,
        None,
        Crossing.MISSED,
    ]
    rows = await _told(rollback_session, state)
    mine = sorted((r.topic, r.recipient, r.channel) for r in rows)
    assert mine == [
        ("target_met", PROPOSER, "email"),
        ("target_missed", PROPOSER, "email"),
    ]
    assert {r.subject for r in rows} == {
        f"{state.intake.title}: a success measure now meets its target",
        f"{state.intake.title}: a success measure no longer meets its target",
    }
    assert all(r.status == "pending" for r in rows)


async def test_two_writers_crossing_from_the_same_point_make_one_notification(
    rollback_session: AsyncSession,
) -> None:
    """A second writer that saw the same latest point (as under concurrent pushes) makes
    the same crossing, and the outbox keeps one row for it."""
    state = fresh_state()
    await _listening(rollback_session, PROPOSER)
    await live_data.store_points(rollback_session, state, TAKE_UP, [at(40, 0)], STYLE)
    crossed = await live_data.store_points(rollback_session, state, TAKE_UP, [at(61, 1)], STYLE)
    assert crossed.due == 1

    again = await live_data.store_points(rollback_session, state, TAKE_UP, [at(61, 1)], STYLE)

    assert again.crossed is None
    assert len(await _told(rollback_session, state)) == 1


async def test_a_poll_records_its_success_and_its_last_error(
    rollback_session: AsyncSession,
) -> None:
    row = MeasureSourceRow(
        id=f"src_{uuid.uuid4().hex[:12]}",
        change_id=str(uuid.uuid4()),
        metric=TAKE_UP,
        kind="prometheus",
        url="http://127.0.0.1:9/",
        query="up",
        interval_seconds=60,
        created_by=PROPOSER,
        created_at=T0,
    )
    await live_data.add_source(rollback_session, row)

    await live_data.record_poll(rollback_session, row.id, T0, None)
    await live_data.record_poll(rollback_session, row.id, T0 + timedelta(minutes=1), "down " * 500)
    await live_data.record_poll(rollback_session, "src_missing", T0, "ignored")

    found = await live_data.source(rollback_session, row.id)
    assert found is not None
    assert found.last_polled_at == T0
    assert found.last_error_at == T0 + timedelta(minutes=1)
    assert found.last_error is not None
    assert len(found.last_error) == 2000
    assert [s.id for s in await live_data.sources_of(rollback_session, row.change_id)] == [row.id]
