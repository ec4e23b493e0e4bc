"""Cursors for keyset pages of the change list: where the last page ended, in which
order, written as an opaque string the next request hands back.

A cursor names the order it belongs to, the part of that order it stopped in (an order
is one or more runs of rows whose sort keys are never null) and the sort keys of the
last row it gave. A cursor that does not decode, or belongs to another order, is
refused with a 422 that says so."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from models.base import Strict
from models.errors import InvalidRequest

MAX_CURSOR_LENGTH = 2048
"""Room for the longest key a cursor carries: a 200-character title, 4 bytes a character
in UTF-8, in base64."""

Key = str | datetime


class ChangeCursor(Strict):
    order: str
    part: int
    after: list[str]


def encode_cursor(order: str, part: int, after: list[Key]) -> str:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in after]
    text = ChangeCursor(order=order, part=part, after=values).model_dump_json()
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> ChangeCursor:
    """The cursor's part and keys; a 422 when it is not one this order gave out."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw: Any = json.loads(base64.urlsafe_b64decode(padded.encode()))
        decoded = ChangeCursor.model_validate(raw)
    except (ValueError, binascii.Error, ValidationError):
        raise InvalidRequest("cursor is not one a list of changes gave out") from None
    if decoded.order != order:
        raise InvalidRequest(
            f"cursor belongs to the {decoded.order!r} order, not {order!r}: "
            "start again without a cursor"
        )
    return decoded
