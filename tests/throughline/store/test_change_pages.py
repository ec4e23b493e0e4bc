"""Every order of the change list, read a page at a time after each page's cursor and
by offset, gives the same changes in the same order as sorting them all would, on SQLite
and PostgreSQL; a bad cursor is refused: throughline/store/change_pages.py."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from models.change import ChangeStatus
from models.errors import InvalidRequest
from models.read.cursors import encode_cursor
from models.read.reports import ChangeOrder, ChangeQuery
from models.tables import ChangeRow, ChangeWaiting
from throughline.store.change_pages import list_changes
from throughline.store.sql import insert_missing

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _row(service: str, index: int, rng: random.Random) -> dict[str, Any]:
    """A change with a random age, title, wait and due time, past or to come; several
    share a creation time, so ties fall to the id."""
    due = rng.choice([None, NOW - rng.randint(1, 50) * HOUR, NOW + rng.randint(1, 50) * HOUR])
    marked = due is not None and due < NOW and rng.random() < 0.5
    return {
        "id": f"{service}-{index:03d}-{uuid.uuid4().hex[:6]}",
        "workflow_id": "wf",
        "title": rng.choice(["Alpha", "beta", "Gamma", "delta"]),
        "service": service,
        "playbook": "pdca",
        "playbook_version": 5,
        "iteration": 1,
        "stage": "intent",
        "gate_id": "intent-1",
        "gate_status": "open",
        "status": "active",
        "proposer": "someone",
        "waiting_kind": "submission",
        "waiting_since": rng.choice([None, NOW - rng.randint(1, 9) * HOUR]),
        "waiting_reason": "",
        "due_at": due,
        "overdue_since": due if marked else None,
        "created_at": NOW - rng.randint(1, 12) * HOUR,
        "updated_at": NOW,
        "last_seq": 1,
        "last_hash": "0" * 64,
        "snapshot": {},
    }


def _reference(rows: list[dict[str, Any]], order: ChangeOrder) -> list[str]:
    def overdue(r: dict[str, Any]) -> bool:
        return r["overdue_since"] is not None or (r["due_at"] is not None and r["due_at"] < NOW)

    def newest(r: dict[str, Any]) -> tuple[float, str]:
        return (-r["created_at"].timestamp(), r["id"])

    keys = {
        ChangeOrder.URGENT: lambda r: (
            (0, (r["overdue_since"] or r["due_at"]).timestamp(), *newest(r))
            if overdue(r)
            else (1, 0.0, *newest(r))
        ),
        ChangeOrder.NEWEST: newest,
        ChangeOrder.OLDEST: lambda r: (r["created_at"].timestamp(), r["id"]),
        ChangeOrder.WAITING_LONGEST: lambda r: (
            (0, r["waiting_since"].timestamp(), r["id"]) if r["waiting_since"] else (1, 0, r["id"])
        ),
        ChangeOrder.TITLE: lambda r: (r["title"].lower(), r["id"]),
    }
    return [r["id"] for r in sorted(rows, key=keys[order])]


async def _by_cursor(session: AsyncSession, base: ChangeQuery) -> tuple[list[str], int]:
    seen: list[str] = []
    cursor, pages = None, 0
    while True:
        page, _ = await list_changes(session, base.model_copy(update={"cursor": cursor}), NOW)
        seen += [row.id for row in page.rows]
        pages += 1
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor


async def _by_offset(session: AsyncSession, base: ChangeQuery, total: int) -> list[str]:
    seen: list[str] = []
    for offset in range(0, total + base.limit, base.limit):
        page, _ = await list_changes(session, base.model_copy(update={"offset": offset}), NOW)
        seen += [row.id for row in page.rows]
    return seen


@pytest.mark.parametrize("order", list(ChangeOrder))
async def test_every_order_pages_by_cursor_and_offset_as_a_full_sort_would(
    rollback_session: AsyncSession, order: ChangeOrder
) -> None:
    service, rng = f"pages-{uuid.uuid4().hex[:8]}", random.Random(order.value)
    rows = [_row(service, index, rng) for index in range(37)]
    rows[0]["title"] = "Ж" * 200  # the longest title, two bytes a letter: a long cursor
    await insert_missing(rollback_session, ChangeRow, rows)
    expected = _reference(rows, order)
    base = ChangeQuery(service=service, order=order, limit=5)

    by_cursor, pages = await _by_cursor(rollback_session, base)
    assert by_cursor == expected
    assert pages == 8
    assert await _by_offset(rollback_session, base, len(rows)) == expected
    counted = base.model_copy(update={"count": True, "limit": 200})
    page, total = await list_changes(rollback_session, counted, NOW)
    assert (total, page.next_cursor) == (37, None)
    assert (await list_changes(rollback_session, base, NOW))[1] is None


@pytest.mark.parametrize(
    ("cursor", "offset", "problem"),
    [
        ("not-a-cursor", 0, "gave out"),
        (encode_cursor("newest", 0, ["2026-01-01T00:00:00+00:00", "x"]), 0, "not .urgent."),
        (encode_cursor("urgent", 5, ["x"]), 0, "gave out"),
        (encode_cursor("urgent", 1, ["x"]), 0, "gave out"),
        (encode_cursor("urgent", 1, ["not a time", "x"]), 0, "gave out"),
        (encode_cursor("urgent", 1, ["2026-01-01T00:00:00", "x"]), 0, "gave out"),
        (encode_cursor("urgent", 1, ["2026-01-01", "x"]), 0, "gave out"),
        (encode_cursor("urgent", 1, ["2026-01-01T00:00:00+00:00", "x"]), 5, "not both"),
    ],
)
async def test_a_cursor_not_given_out_is_refused(
    rollback_session: AsyncSession, cursor: str, offset: int, problem: str
) -> None:
    query = ChangeQuery(cursor=cursor, offset=offset)
    with pytest.raises(InvalidRequest, match=problem):
        await list_changes(rollback_session, query, NOW)


async def test_a_page_says_whom_each_change_waits_on_once_each_in_id_order(
    rollback_session: AsyncSession,
) -> None:
    service, rng = f"people-{uuid.uuid4().hex[:8]}", random.Random(7)
    rows = [_row(service, index, rng) for index in range(3)]
    await insert_missing(rollback_session, ChangeRow, rows)
    waits = [("pol-b", "policy"), ("ops-a", "operations"), ("pol-b", "digital")]
    waiting = [
        {"change_id": rows[0]["id"], "person_id": person, "role": role}
        | {"kind": "sign_off", "since": NOW}
        for person, role in waits
    ]
    waiting.append({**waiting[0], "change_id": rows[1]["id"]})
    await insert_missing(rollback_session, ChangeWaiting, waiting)

    page, _ = await list_changes(rollback_session, ChangeQuery(service=service), NOW)

    assert {row["id"]: page.people[row["id"]] for row in rows} == {
        rows[0]["id"]: ["ops-a", "pol-b"],
        rows[1]["id"]: ["pol-b"],
        rows[2]["id"]: [],
    }


async def test_a_cursor_goes_on_only_in_the_list_filtered_as_the_one_that_gave_it(
    rollback_session: AsyncSession,
) -> None:
    service, rng = f"filters-{uuid.uuid4().hex[:8]}", random.Random(3)
    await insert_missing(rollback_session, ChangeRow, [_row(service, i, rng) for i in range(4)])
    first, _ = await list_changes(rollback_session, ChangeQuery(service=service, limit=2), NOW)
    assert first.next_cursor is not None
    elsewhere = ChangeQuery(service=f"{service}-other", cursor=first.next_cursor)
    with pytest.raises(InvalidRequest, match="other filters"):
        await list_changes(rollback_session, elsewhere, NOW)
    narrower = ChangeQuery(service=service, status=ChangeStatus.ACTIVE, cursor=first.next_cursor)
    with pytest.raises(InvalidRequest, match="other filters"):
        await list_changes(rollback_session, narrower, NOW)
