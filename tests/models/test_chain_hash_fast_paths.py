"""The fast paths of models/chain_hash.py against the reference renderers they replace:
the C encoder's text of a payload the plain walk vouches for against models.jcs.jcs, the
table-built time against models.audit.utc_text and a copy of the isoformat it replaced,
and the unpacked fields_hash against models.audit.event_hash, over many generated inputs
and the edge cases that must leave the fast path."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import chain_hash
from models.audit import GENESIS_HASH, HashScheme, utc_text
from models.chain_hash import (
    _C_PLAIN,
    _C_SORTED,
    ChainLink,
    _at_text,
    _jcs,
    _one_shot,
    _plain_payload,
    fields_hash,
    link_hash,
    reference_hash,
)
from models.jcs import NotCanonicalisable, jcs
from tests.factories import T0

_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(['"', "\\", "\x00\x1f\x7f", "\u2028\u2029", "\ue000\U0001f600", "é☕", ""]),
)
_ASCII_KEYS = st.text(st.characters(codec="ascii"), max_size=6)
_INTEGERS = st.one_of(
    st.integers(min_value=-(2**53), max_value=2**53),
    st.sampled_from([0, 2**53, -(2**53), 2**53 + 1, -(2**53) - 1, 10**16, 2**63, -(10**30)]),
)
_PLAIN = st.recursive(
    st.one_of(st.none(), st.booleans(), _INTEGERS, _TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(_ASCII_KEYS, inner, max_size=4)
    ),
    max_leaves=25,
)
"""JSON the fast RFC 8785 path takes, but for the integers a double cannot hold."""

_OFF_PATH = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([4.0, -0.0, 1e21, 1e-7, (1, "a"), {1: "a"}, {"é": 1}, {"\U0001f600": 1}]),
)
_MIXED = st.recursive(
    st.one_of(st.none(), st.booleans(), _INTEGERS, _TEXT, _OFF_PATH),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(_ASCII_KEYS, inner, max_size=4)
    ),
    max_leaves=25,
)
"""The same with, here and there, what must leave the fast path."""


def _c_text(payload: dict[str, Any]) -> str:
    return "".join(_C_PLAIN(payload, 0))


def _holds_an_unsafe_integer(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_an_unsafe_integer(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_an_unsafe_integer(item) for item in value)
    return type(value) is int and abs(value) > 2**53


def _link(payload: dict[str, Any], at: datetime = T0) -> ChainLink:
    return ChainLink("c-1", 7, at, "ops-a", "ops", "signed_off", payload, GENESIS_HASH, "")


@settings(max_examples=600, deadline=None)
@given(payload=st.dictionaries(_ASCII_KEYS, _PLAIN, max_size=6))
def test_a_plain_payload_reads_as_jcs_writes_it(payload: dict[str, Any]) -> None:
    expected = jcs(payload)
    if _plain_payload(payload):
        assert _c_text(payload) == expected == _jcs(payload)
    else:
        assert _holds_an_unsafe_integer(payload)  # nothing else takes this one off the path
    link = _link(payload)
    assert link_hash(link, HashScheme.JCS) == reference_hash(link, HashScheme.JCS)


@settings(max_examples=600, deadline=None)
@given(payload=st.dictionaries(_ASCII_KEYS, _MIXED, max_size=6), scheme=st.sampled_from(HashScheme))
def test_whatever_the_payload_holds_the_hash_is_the_reference_hash(
    payload: dict[str, Any], scheme: HashScheme
) -> None:
    link = _link(payload)
    try:
        expected = reference_hash(link, scheme)
    except (NotCanonicalisable, TypeError) as refused:
        with pytest.raises(type(refused)):
            link_hash(link, scheme)
        return
    assert link_hash(link, scheme) == expected
    if _plain_payload(payload):
        assert _c_text(payload) == jcs(payload)


@pytest.mark.parametrize(
    "payload",
    [
        {"a": 1.0},
        {"a": [0.5]},
        {"a": {"b": 2**53 + 1}},
        {"a": [-(2**53) - 1]},
        {"a": {1: "x"}},
        {"a": [{None: "x"}]},
        {"a": {True: "x", False: "y"}},
        {"é": 1},
        {"a": {"\U0001f600": 1, "\ue000": 2}},
        {"a": (1, 2)},
        {"a": json.JSONDecodeError},
        {"a": type("Text", (str,), {})("x")},
        {"a": type("Number", (int,), {})(3)},
    ],
)
def test_what_the_c_encoder_would_write_differently_leaves_the_fast_path(
    payload: dict[str, Any],
) -> None:
    assert not _plain_payload(payload)


@pytest.mark.parametrize(
    "payload",
    [
        {"a": {1: "x"}},
        {"a": [{2: "y", 3: "z"}]},
        {"a": {None: 1}},
        {"a": float("nan")},
        {"a": [float("inf")]},
        {"a": {"b": object()}},
    ],
)
def test_what_jcs_refuses_is_refused_on_the_fast_path_too(payload: dict[str, Any]) -> None:
    link = _link(payload)
    with pytest.raises(NotCanonicalisable):
        reference_hash(link, HashScheme.JCS)
    with pytest.raises(NotCanonicalisable):
        link_hash(link, HashScheme.JCS)


def test_keys_outside_the_basic_plane_sort_by_utf16_code_units() -> None:
    payload = {"k": {"\U0001f600": 1, "\ue000": 2, "a": 3}}
    assert jcs(payload["k"]) == '{"a":3,"\U0001f600":1,"\ue000":2}'
    link = _link(payload)
    assert link_hash(link, HashScheme.JCS) == reference_hash(link, HashScheme.JCS)


def test_a_payload_too_deep_to_walk_fails_as_the_reference_fails() -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = {"a": deep}
    with pytest.raises(RecursionError):
        reference_hash(_link(deep), HashScheme.JCS)
    with pytest.raises(RecursionError):
        link_hash(_link(deep), HashScheme.JCS)


_ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(0)),
        ZoneInfo("UTC"),
        ZoneInfo("Europe/London"),
        timezone(timedelta(hours=-5)),
        timezone(timedelta(hours=5, minutes=30)),
        None,
    ]
)


def _old_at_text(at: datetime) -> str:
    """models.chain_hash._at_text as it was before the table: kept to compare against."""
    if at.tzinfo is UTC or (at.tzinfo is not None and at.utcoffset() == timedelta(0)):
        return at.isoformat(timespec="microseconds")
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


class _Moment(datetime):
    """A datetime subclass, which the table does not format: isoformat may differ."""


@settings(max_examples=1000, deadline=None)
@given(
    at=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    zone=_ZONES,
    subclass=st.booleans(),
)
def test_the_time_reads_as_utc_text_writes_it(
    at: datetime, zone: timezone | ZoneInfo | None, subclass: bool
) -> None:
    at = at.replace(tzinfo=zone)
    if subclass:
        at = _Moment.combine(at.date(), at.timetz())
    assert _at_text(at) == utc_text(at) == _old_at_text(at)


@settings(max_examples=300, deadline=None)
@given(
    payload=st.dictionaries(_ASCII_KEYS, _MIXED, max_size=5),
    at=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    scheme=st.sampled_from(HashScheme),
)
def test_fields_hash_is_link_hash_of_the_same_fields(
    payload: dict[str, Any], at: datetime, scheme: HashScheme
) -> None:
    link = _link(payload, at.replace(tzinfo=UTC))
    try:
        expected = reference_hash(link, scheme)
    except (NotCanonicalisable, TypeError):
        return
    assert fields_hash(*link[:8], scheme) == link_hash(link, scheme) == expected


@settings(max_examples=300, deadline=None)
@given(payload=st.dictionaries(_ASCII_KEYS, _MIXED, max_size=5))
def test_without_the_c_accelerator_the_encoders_write_the_same_text(
    payload: dict[str, Any],
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chain_hash, "c_make_encoder", None)
        python_sorted = _one_shot(chain_hash._SORTED)
    try:
        expected = "".join(_C_SORTED(payload, 0))
    except TypeError:
        return
    assert "".join(python_sorted(payload, 0)) == expected
