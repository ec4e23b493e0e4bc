"""What a page of a long log asks for, where the next page starts, and an event as CSV
cells: models/read/audit_pages.py."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from models.audit import GENESIS_HASH, chain_event
from models.read.audit_pages import EXPORT_COLUMNS, EventFilter, export_row, page_end
from tests.factories import T0


def test_a_page_holds_500_events_unless_asked_and_never_over_1000() -> None:
    assert EventFilter().limit == 500
    assert EventFilter(limit=1000).limit == 1000
    for limit in (0, 1001):
        with pytest.raises(ValidationError):
            EventFilter(limit=limit)


def test_a_time_without_a_timezone_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        EventFilter(since=datetime(2026, 3, 2, 9))


def test_the_next_page_starts_after_the_last_seq_shown_when_more_were_found() -> None:
    assert page_end([3, 5, 8], 2) == 5
    assert page_end([3, 5], 2) is None
    assert page_end([], 2) is None


def test_an_event_as_csv_cells_in_the_columns_order() -> None:
    event = chain_event(
        log_id="c-1",
        seq=2,
        prev_hash=GENESIS_HASH,
        at=T0,
        actor="dev",
        role=None,
        kind="handoff",
        payload={"to": "gate", "at": 4.0, "é": "ü"},
    )

    cells = dict(zip(EXPORT_COLUMNS, export_row(event), strict=True))

    assert cells == {
        "change_id": "c-1",
        "seq": "2",
        "at": "2026-03-02T09:00:00Z",
        "actor": "dev",
        "role": "",
        "kind": "handoff",
        "payload": '{"at":4.0,"to":"gate","é":"ü"}',
        "prev_hash": GENESIS_HASH,
        "hash": event.hash,
    }
