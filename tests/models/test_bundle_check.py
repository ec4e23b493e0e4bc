"""Checking a bundle offline: an intact one passes every check; each kind of tampering
fails with its reason; and 1,000 random tamperings are every one detected:
models/bundle_check.py."""

from __future__ import annotations

import random
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from models.bundle_check import check_bundle
from tests.models.bundles import a_bundle, public_key, signing_key
from tests.models.tamperings import TAMPERINGS, forge_signature, redigest


def _events_part(bundle: dict[str, Any], index: int = 0) -> str:
    change_id = bundle["manifest"]["changes"][index]["change_id"]
    return f"changes/{change_id}/events"


def test_an_intact_bundle_passes_every_check() -> None:
    report = check_bundle(a_bundle(), public_key())
    assert report.intact, report.problem
    assert report.key_pinned
    assert any("(sorted-json)" in line for line in report.checked)
    assert any("(jcs)" in line for line in report.checked)


def test_without_a_key_it_checks_against_the_one_it_names() -> None:
    report = check_bundle(a_bundle())
    assert report.intact
    assert not report.key_pinned
    assert "none was given" in report.checked[0]


def test_an_edited_event_is_named() -> None:
    bundle = a_bundle()
    bundle["parts"][_events_part(bundle)][3]["actor"] = "someone-else"
    problem = check_bundle(bundle, public_key()).problem
    assert problem == f"part {_events_part(bundle)} was changed: its digest is not the manifest's"


def test_an_edit_with_new_digests_breaks_the_signature() -> None:
    bundle = a_bundle()
    bundle["parts"][_events_part(bundle)][3]["payload"]["note"] = "added"
    redigest(bundle)
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert problem.startswith("the signature does not match")


def test_a_bundle_signed_with_another_key_is_refused_when_the_key_is_pinned() -> None:
    bundle = a_bundle()
    del bundle["parts"][_events_part(bundle)][-1]
    redigest(bundle, Ed25519PrivateKey.generate())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert "not with the public key given" in problem
    unpinned = check_bundle(bundle).problem
    assert unpinned is not None
    assert "it holds 52 events but the manifest says 53" in unpinned


def test_a_forger_with_the_real_key_is_still_caught_by_the_chain() -> None:
    """The chain holds even if the key were stolen: an edited event no longer hashes."""
    bundle = a_bundle()
    bundle["parts"][_events_part(bundle, 1)][2]["actor"] = "someone-else"
    redigest(bundle, signing_key())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert problem.endswith("event 3 was altered after it was written")


def test_a_legacy_events_hashed_text_must_say_what_the_event_says() -> None:
    bundle = a_bundle()
    part = _events_part(bundle, 1)
    event = next(e for e in bundle["parts"][part] if "hashed" in e)
    event["payload"] = {**event["payload"], "value": 999}
    redigest(bundle, signing_key())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert "hashed text is not the event" in problem


def test_a_swapped_history_is_named() -> None:
    bundle = a_bundle()
    first, second = (f"changes/{c['change_id']}/histories" for c in bundle["manifest"]["changes"])
    bundle["parts"][first], bundle["parts"][second] = (
        bundle["parts"][second],
        bundle["parts"][first],
    )
    redigest(bundle, signing_key())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert "record event 1 with a hash its log does not have" in problem


def test_what_is_not_a_bundle_says_so() -> None:
    assert check_bundle([]).problem == (
        "this is not an audit bundle: it must hold manifest, signature and parts"
    )
    bundle = a_bundle()
    bundle["manifest"]["version"] = 2
    problem = check_bundle(bundle).problem
    assert problem is not None
    assert problem.startswith("the manifest is not in the expected form")


COVER_UP = ["none", "new digests", "new digests, signed with another key"]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tampering=st.sampled_from([*TAMPERINGS, forge_signature]),
    cover_up=st.sampled_from(COVER_UP),
    seed=st.integers(min_value=0, max_value=2**32),
)
@pytest.mark.slow
def test_every_random_tampering_is_detected(tampering: Any, cover_up: str, seed: int) -> None:
    rng = random.Random(seed)
    bundle = a_bundle()
    tampering(bundle, rng)
    if cover_up != "none" and tampering is not forge_signature:
        other = Ed25519PrivateKey.generate() if "another key" in cover_up else None
        redigest(bundle, other)
    # A cover-up that recomputes the very digest an edit changed undoes it: no tampering.
    assume(bundle != a_bundle())
    report = check_bundle(bundle, public_key())
    assert not report.intact, f"{tampering.__name__} with cover-up {cover_up!r} went unnoticed"
