"""The checks of a bundle's logs, each failing with its reason: models/bundle_logs.py."""

from __future__ import annotations

import pytest

from models.audit import HashScheme, chain_event
from models.bundle import wire_event
from models.bundle_history import whole
from models.bundle_logs import Failed, chain, directory_events
from tests.factories import T0


def test_whole_numbers_are_read_by_value() -> None:
    assert [whole(v) for v in (2, 2.0, 0, -1)] == [True] * 4
    assert [whole(v) for v in (2.5, True, "2", None, float("inf"), float("nan"))] == [False] * 6


def _log(count: int) -> list[dict[str, object]]:
    events, previous = [], "0" * 64
    for seq in range(1, count + 1):
        event = chain_event(
            log_id="c-1", seq=seq, prev_hash=previous, at=T0, actor="dev-a", role="digital",
            kind="work_submitted", payload={"n": seq}, scheme=HashScheme.JCS,
        )  # fmt: skip
        events.append(wire_event(event, HashScheme.JCS))
        previous = event.hash
    return events


def test_a_chain_says_where_it_breaks() -> None:
    log = _log(3)
    chain(log, "c-1", HashScheme.JCS, "the log")
    log[1]["seq"] = True
    with pytest.raises(Failed, match="the log: expected event 2 but found True"):
        chain(log, "c-1", HashScheme.JCS, "the log")


def test_a_jcs_event_never_carries_hashed_text() -> None:
    log = _log(1)
    log[0]["hashed"] = None
    with pytest.raises(Failed, match="carries a hashed text, which jcs never does"):
        chain(log, "c-1", HashScheme.JCS, "the log")


def test_directory_events_are_of_one_log_and_in_order() -> None:
    log = _log(2)
    log[1]["change_id"] = "elsewhere"
    with pytest.raises(Failed, match="directory event 2 belongs to another log"):
        directory_events(log, 2)
    with pytest.raises(Failed, match="holds 2 events, the manifest says 3"):
        directory_events(_log(2), 3)
