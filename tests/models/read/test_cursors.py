"""A cursor carries its order, part and keys through a URL unchanged, and anything else
is refused with a message that says what to do: models/read/cursors.py."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from models.errors import InvalidRequest
from models.read.cursors import decode_cursor, encode_cursor, filters_digest

AT = datetime(2026, 5, 1, 9, 30, 15, 123456, tzinfo=UTC)


def test_a_cursor_round_trips_and_is_safe_in_a_url() -> None:
    cursor = encode_cursor("urgent", 1, [AT, "change-7"])
    assert cursor.replace("-", "").replace("_", "").isalnum()
    decoded = decode_cursor(cursor, "urgent")
    assert (decoded.part, decoded.after) == (1, [AT.isoformat(), "change-7"])


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'{"order": "urgent", "part": 0}').decode(),
        base64.urlsafe_b64encode(b'{"order":"urgent","part":0,"after":[],"x":1}').decode(),
    ],
)
def test_anything_else_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidRequest, match="gave out"):
        decode_cursor(cursor, "urgent")


def test_a_cursor_of_another_order_says_to_start_again() -> None:
    with pytest.raises(InvalidRequest, match="start again"):
        decode_cursor(encode_cursor("title", 0, ["a", "b"]), "urgent")


def test_a_cursor_of_a_list_filtered_otherwise_says_to_start_again() -> None:
    ops = filters_digest({"waiting_on": "operations", "service": None})
    cursor = encode_cursor("urgent", 1, [AT, "change-7"], ops)
    assert decode_cursor(cursor, "urgent", ops).part == 1
    for other in ["", filters_digest({"waiting_on": "policy"})]:
        with pytest.raises(InvalidRequest, match="other filters"):
            decode_cursor(cursor, "urgent", other)


def test_an_unfiltered_list_keeps_the_cursor_it_gave_before_cursors_carried_filters() -> None:
    before = base64.urlsafe_b64encode(b'{"order":"urgent","part":0,"after":["x"]}').decode()
    assert filters_digest({"stage": None}) == ""
    assert decode_cursor(before.rstrip("="), "urgent").after == ["x"]
    assert encode_cursor("urgent", 0, ["x"]) == before.rstrip("=")
