"""Cursors for keyset pages of the change list: where the last page ended, in which
order, written as an opaque string the next request hands back.

A cursor names the order it belongs to, the part of that order it stopped in (an order
is one or more runs of rows whose sort keys are never null) and the sort keys of the
last row it gave, and a digest of the filters of the list that gave it out: the same
keys mean another place in a list filtered otherwise. A cursor that does not decode, or
belongs to another order or other filters, is refused with a 422 that says so."""

from __future__ import annotations

import base64
import binascii
import hashlib
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
    filters: str = ""
    """filters_digest of the list's filters; empty for an unfiltered list, and in cursors
    given out before cursors carried it."""


def filters_digest(filters: dict[str, Any]) -> str:
    """A short digest of a list's filters, those set (not None); empty when none are."""
    chosen = {name: value for name, value in filters.items() if value is not None}
    if not chosen:
        return ""
    text = json.dumps(chosen, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(order: str, part: int, after: list[Key], filters: str = "") -> str:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in after]
    cursor = ChangeCursor(order=order, part=part, after=values, filters=filters)
    text = cursor.model_dump_json(exclude_defaults=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: str, filters: str = "") -> ChangeCursor:
    """The cursor's part and keys; a 422 when it is not one this order and these filters
    gave out."""
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
    if decoded.filters != filters:
        raise InvalidRequest(
            "cursor belongs to a list with other filters: start again without a cursor, "
            "or ask with the filters of the page that gave it"
        )
    return decoded
