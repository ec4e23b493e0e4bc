"""The fast event hash gives exactly the hash models.audit.event_hash gives, for either
scheme, whatever the payload holds: models/chain_hash.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.audit import GENESIS_HASH, HashScheme, chain_event, recompute_hash
from models.chain_hash import ChainLink, link_hash, reference_hash
from models.jcs import NotCanonicalisable
from tests.factories import T0

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_KEYS = st.one_of(st.text(st.characters(codec="ascii"), max_size=6), _TEXT)
_NUMBERS = st.one_of(
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 4.0, 1e21, 1e-7, 2.0**53, 2.0**53 + 2, 123456789012.5]),
    st.sampled_from([2**53, 2**53 + 1, -(2**53) - 1, 2**60 + 1, 10**21 + 7]),
)
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), _NUMBERS, _TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20,
)
_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(0)), ZoneInfo("UTC"), timezone(timedelta(hours=-5)), None]
)
_TIMES = st.builds(
    lambda at, zone: at.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    _ZONES,
)


@settings(max_examples=400, deadline=None)
@given(
    payload=st.dictionaries(_KEYS, _JSON, max_size=6),
    at=_TIMES,
    actor=_TEXT,
    role=st.one_of(st.none(), _TEXT),
    kind=_TEXT,
    seq=st.integers(min_value=1, max_value=2**40),
    scheme=st.sampled_from(list(HashScheme)),
)
def test_the_fast_hash_is_the_reference_hash(
    payload: dict[str, Any],
    at: datetime,
    actor: str,
    role: str | None,
    kind: str,
    seq: int,
    scheme: HashScheme,
) -> None:
    link = ChainLink("c-1", seq, at, actor, role, kind, payload, GENESIS_HASH, "")
    assert link_hash(link, scheme) == reference_hash(link, scheme)


@pytest.mark.parametrize("scheme", list(HashScheme))
def test_a_chained_event_checks_out_on_the_fast_path(scheme: HashScheme) -> None:
    event = chain_event(
        log_id="c-1",
        seq=3,
        prev_hash=GENESIS_HASH,
        at=T0,
        actor="ops-a",
        role=None,
        kind="measurement_recorded",
        payload={"value": 4.0, "note": "Café ☕", "é": [1, 2**60, None, True]},
        scheme=scheme,
    )
    assert link_hash(ChainLink.of(event), scheme) == event.hash == recompute_hash(event, scheme)


def test_a_lone_surrogate_is_refused_as_the_reference_refuses_it() -> None:
    link = ChainLink("c-1", 1, T0, "a", None, "k", {"note": "\ud800"}, GENESIS_HASH, "")
    with pytest.raises(NotCanonicalisable):
        link_hash(link, HashScheme.JCS)
    with pytest.raises(UnicodeEncodeError):
        link_hash(link, HashScheme.SORTED_JSON)


def test_a_field_of_an_unexpected_type_is_hashed_by_the_reference() -> None:
    link = ChainLink("c-1", True, T0, "a", None, "k", {}, GENESIS_HASH, "")
    assert link_hash(link) == reference_hash(link)
