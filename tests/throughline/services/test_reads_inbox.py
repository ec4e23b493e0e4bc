"""An inbox a page at a time: every item once, overdue ones first (the longest overdue
first), then the oldest, with how many there are in all and how many are overdue, on
SQLite and PostgreSQL: throughline/services/reads.py (ReadService.inbox)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.roles import Role
from models.tables import ChangeRow, ChangeWaiting
from tests.throughline.store.test_change_pages import _row
from throughline.services.reads import ReadService
from throughline.store.sql import insert_missing

NOW = datetime.now(UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def sessions(
    rollback_sessions: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    """Every write is rolled back when the test ends."""
    return rollback_sessions


def _waiting(change_id: str, person: str, rng: random.Random) -> dict[str, Any]:
    """A sign-off waiting on the person: due in the past, due later, or with no due time;
    some of the past ones already marked overdue by the change's clock."""
    due = rng.choice([None, NOW - rng.randint(1, 90) * HOUR, NOW + rng.randint(1, 90) * HOUR])
    marked = due is not None and due < NOW and rng.random() < 0.5
    return {
        "change_id": change_id,
        "person_id": person,
        "role": Role.OPERATIONS.value,
        "kind": "sign_off",
        "since": NOW - rng.randint(1, 400) * HOUR,
        "due_at": due,
        "overdue_at": due if marked else None,
    }


async def _inbox_of(sessions: async_sessionmaker[AsyncSession], count: int) -> list[dict[str, Any]]:
    """`count` changes each waiting on one new person; their waiting rows."""
    rng, person = random.Random(12), f"ops-{uuid.uuid4().hex[:8]}"
    service = f"inbox-{uuid.uuid4().hex[:6]}"
    changes = [_row(service, index, rng) for index in range(count)]
    rows = [_waiting(change["id"], person, rng) for change in changes]
    async with sessions() as session:
        await insert_missing(session, ChangeRow, changes)
        await insert_missing(session, ChangeWaiting, rows)
    return rows


def _reference(rows: list[dict[str, Any]]) -> list[str]:
    def overdue(r: dict[str, Any]) -> bool:
        return r["overdue_at"] is not None or (r["due_at"] is not None and r["due_at"] < NOW)

    def place(r: dict[str, Any]) -> tuple[bool, datetime, datetime, str]:
        late = overdue(r)
        return (not late, r["due_at"] if late else r["since"], r["since"], r["change_id"])

    return [r["change_id"] for r in sorted(rows, key=place)]


async def test_pages_of_the_inbox_hold_every_item_once_in_urgency_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    rows = await _inbox_of(sessions, 23)
    person, reads = rows[0]["person_id"], ReadService(sessions)
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = await reads.inbox(person, [Role.OPERATIONS], limit=5, offset=offset)
        assert (page.total, page.limit, page.offset) == (23, 5, offset)
        assert len(page.items) == min(5, 23 - offset)
        seen += [item.change_id for item in page.items]
        offset = page.next_offset
    assert seen == _reference(rows)
    late = [r for r in rows if r["overdue_at"] or (r["due_at"] and r["due_at"] < NOW)]
    assert page.overdue == len(late) > 0


async def test_a_page_past_the_end_is_empty_and_says_how_many_there_are(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    rows = await _inbox_of(sessions, 3)
    page = await ReadService(sessions).inbox(rows[0]["person_id"], [Role.OPERATIONS], 50, 10)
    assert (page.items, page.total, page.next_offset) == ([], 3, None)


async def test_without_the_role_held_nothing_waits(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    rows = await _inbox_of(sessions, 3)
    page = await ReadService(sessions).inbox(rows[0]["person_id"], [Role.POLICY])
    assert (page.items, page.total, page.overdue, page.limit) == ([], 0, 0, 50)
