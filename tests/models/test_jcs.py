"""RFC 8785 canonical JSON: the RFC's own number and ordering examples, and every double
hypothesis tries written exactly as Node writes it: models/jcs.py."""

from __future__ import annotations

import json
import math
import shutil
import struct
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.jcs import NotCanonicalisable, es_number, jcs, jcs_bytes

RFC_NUMBERS = {
    "0000000000000000": "0",
    "8000000000000000": "0",
    "0000000000000001": "5e-324",
    "8000000000000001": "-5e-324",
    "7fefffffffffffff": "1.7976931348623157e+308",
    "ffefffffffffffff": "-1.7976931348623157e+308",
    "4340000000000000": "9007199254740992",
    "c340000000000000": "-9007199254740992",
    "4430000000000000": "295147905179352830000",
    "44b52d02c7e14af5": "9.999999999999997e+22",
    "44b52d02c7e14af6": "1e+23",
    "44b52d02c7e14af7": "1.0000000000000001e+23",
    "444b1ae4d6e2ef4e": "999999999999999700000",
    "444b1ae4d6e2ef4f": "999999999999999900000",
    "444b1ae4d6e2ef50": "1e+21",
    "3eb0c6f7a0b5ed8c": "9.999999999999997e-7",
    "3eb0c6f7a0b5ed8d": "0.000001",
    "41b3de4355555553": "333333333.3333332",
    "41b3de4355555554": "333333333.33333325",
    "41b3de4355555555": "333333333.3333333",
    "41b3de4355555556": "333333333.3333334",
    "41b3de4355555557": "333333333.33333343",
    "becbf647612f3696": "-0.0000033333333333333333",
    "43143ff3c1cb0959": "1424953923781206.2",
}


def _double(bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(bits))[0]
    return value


@pytest.mark.parametrize(("bits", "written"), RFC_NUMBERS.items())
def test_numbers_are_written_as_the_rfc_examples_write_them(bits: str, written: str) -> None:
    assert es_number(_double(bits)) == written


def test_object_keys_are_sorted_by_utf16_code_units_as_the_rfc_example_is() -> None:
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    ordered = json.loads(jcs(dict.fromkeys(keys, 0)))
    assert list(ordered) == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_a_value_is_written_with_no_whitespace_and_strings_escaped_as_json_stringify_does() -> None:
    value = {"b": [1, 2.0, True, None], "a": 'line\nbreak "quoted" \u001f \u2028 é'}
    assert jcs(value) == '{"a":"line\\nbreak \\"quoted\\" \\u001f \u2028 é","b":[1,2,true,null]}'
    assert jcs_bytes(value) == jcs(value).encode("utf-8")


@pytest.mark.parametrize("bad", [math.nan, math.inf, {1: "x"}, {"s": {1, 2}}, "\ud800", 10**400])
def test_what_json_cannot_carry_is_refused(bad: object) -> None:
    with pytest.raises(NotCanonicalisable):
        jcs(bad)


NODE = shutil.which("node")
"""Node.js, which `make install` needs for the front-end packages, writes numbers as every
ECMAScript engine does: the reference a verifier in JavaScript will use."""


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=50, max_size=200))
def test_every_double_is_written_exactly_as_node_writes_it(numbers: list[float]) -> None:
    bits = [struct.pack(">d", n).hex() for n in numbers]
    script = (
        "const lines = require('fs').readFileSync(0, 'utf8').trim().split('\\n');"
        "for (const hex of lines) {"
        " console.log(String(Buffer.from(hex, 'hex').readDoubleBE(0))); }"
    )
    assert NODE is not None, "Node.js is missing; make install needs it"
    node = subprocess.run(
        [NODE, "-e", script], input="\n".join(bits), capture_output=True, text=True, check=True
    )
    assert node.stdout.split() == [es_number(n) for n in numbers]
