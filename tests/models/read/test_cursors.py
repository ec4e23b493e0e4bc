"""A cursor carries its order, part and keys through a URL unchanged, and anything else
is refused with a message that says what to do: models/read/cursors.py."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from models.errors import InvalidRequest
from models.read.cursors import decode_cursor, encode_cursor

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
