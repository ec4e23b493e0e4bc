"""RFC 8785, the JSON Canonicalization Scheme: the one serialisation of a JSON value
that any language can reproduce. Keys are sorted by their UTF-16 code units, there is
no whitespace, strings are escaped as ECMAScript's JSON.stringify escapes them, and
numbers are written as ECMAScript writes them (4.0 is "4", 1e21 is "1e+21", 1e-7 is
"1e-7"). Python's json.dumps differs on numbers, so hashes made with it cannot be
checked by a verifier in another language; these can."""

from __future__ import annotations

import json
import math
from typing import Any


class NotCanonicalisable(ValueError):
    """A value JSON cannot carry: NaN, an infinity, or a type that is not JSON."""


def jcs(value: Any) -> str:
    """The RFC 8785 canonical text of a JSON value."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return es_number(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        return _object(value)
    raise NotCanonicalisable(f"{type(value).__name__} is not a JSON value")


def jcs_bytes(value: Any) -> bytes:
    """The canonical text as UTF-8, which is what is hashed and signed."""
    return jcs(value).encode("utf-8")


def _string(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise NotCanonicalisable(
            "a string holds a lone surrogate, which JSON cannot carry"
        ) from None
    return json.dumps(value, ensure_ascii=False)


def _object(value: dict[Any, Any]) -> str:
    if not all(isinstance(key, str) for key in value):
        raise NotCanonicalisable("object keys must be strings")
    ordered = sorted(value, key=lambda key: key.encode("utf-16-be"))
    return "{" + ",".join(f"{jcs(key)}:{jcs(value[key])}" for key in ordered) + "}"


def es_number(number: float) -> str:
    """A number as ECMAScript's Number.prototype.toString writes it: the shortest digits
    that read back to the same double, in plain notation from 1e-6 up to 1e21, else
    with an exponent."""
    if isinstance(number, int) and not isinstance(number, bool):
        number = _as_double(number)
    if not math.isfinite(number):
        raise NotCanonicalisable(f"{number} has no JSON form")
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    digits, point = _shortest(abs(number))
    return sign + _place(digits, point)


def _as_double(number: int) -> float:
    try:
        return float(number)
    except OverflowError:
        raise NotCanonicalisable(f"{number} is too large for a JSON number") from None


def _shortest(number: float) -> tuple[str, int]:
    """The shortest round-trip digits (no leading or trailing zeros) and the position of
    the decimal point after the first n digits, as ECMAScript's k and n."""
    mantissa, _, exponent = repr(number).partition("e")
    whole, _, fraction = mantissa.partition(".")
    every = whole + fraction
    leading = len(every) - len(every.lstrip("0"))
    point = len(whole) + int(exponent or 0) - leading
    return every.strip("0"), point


def _place(digits: str, point: int) -> str:
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = point - 1
    shown = f"+{exponent}" if exponent > 0 else str(exponent)
    mantissa = digits[0] + ("." + digits[1:] if count > 1 else "")
    return f"{mantissa}e{shown}"
