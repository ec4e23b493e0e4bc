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
from tests.models.tamperings import (
    MALFORMED_HISTORIES,
    TAMPERINGS,
    forge_signature,
    forged_last_event,
    redigest,
    rewrite_history,
)


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
    assert "it holds 80 events but the manifest says 81" in unpinned


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
    changes = bundle["manifest"]["changes"]
    first, second = (f"changes/{c['change_id']}/histories" for c in changes[:2])
    bundle["parts"][first], bundle["parts"][second] = (
        bundle["parts"][second],
        bundle["parts"][first],
    )
    redigest(bundle, signing_key())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert "histories are not the runs the manifest names" in problem


def test_what_is_not_a_bundle_says_so() -> None:
    assert check_bundle([]).problem == (
        "this is not an audit bundle: it must hold manifest, signature and parts"
    )
    bundle = a_bundle()
    bundle["manifest"]["version"] = 3
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


def test_an_event_no_history_recorded_is_caught_even_if_the_change_says_it_is_open() -> None:
    bundle = a_bundle()
    forged_last_event(bundle)
    redigest(bundle, signing_key())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert problem.endswith("histories end at event 81, its log at 82")


def test_a_missing_last_run_is_caught() -> None:
    bundle = a_bundle()
    entry = bundle["manifest"]["changes"][0]
    name = f"changes/{entry['change_id']}/histories"
    bundle["parts"][name].pop()
    entry["histories"].pop()
    redigest(bundle, signing_key())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert problem.endswith("last history continued as new, but its next run is missing")


@pytest.mark.parametrize("name", MALFORMED_HISTORIES)
def test_a_malformed_history_fails_cleanly(name: str) -> None:
    bundle = a_bundle()
    index, change = MALFORMED_HISTORIES[name]
    rewrite_history(bundle, change, index)
    redigest(bundle, signing_key())
    report = check_bundle(bundle, public_key())
    assert not report.intact
    assert report.problem is not None


@pytest.mark.parametrize(
    "cited", [5, [[1]], None, {}, [True]], ids=["number", "nested", "null", "object", "true"]
)
def test_role_holders_cite_directory_events_by_their_numbers_only(cited: Any) -> None:
    bundle = a_bundle()
    name = f"changes/{bundle['manifest']['changes'][0]['change_id']}/authority"
    bundle["parts"][name][0]["directory_seqs"] = cited
    redigest(bundle, signing_key())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert problem.endswith("cite directory events not in the bundle")


def test_a_bundle_nested_too_deep_fails_cleanly() -> None:
    bundle = a_bundle()
    deep: Any = {}
    for _ in range(5000):
        deep = {"a": deep}
    bundle["parts"]["directory/events"] = deep
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert "directory/events" in problem


def test_numbers_are_read_by_value_as_every_parser_reads_them() -> None:
    """2.0 and 2 are one number to RFC 8785 and to JavaScript: the signature still holds."""
    bundle = a_bundle()
    bundle["parts"]["directory/events"][1]["seq"] = 2.0
    bundle["parts"][_events_part(bundle)][1]["seq"] = 2.0
    report = check_bundle(bundle, public_key())
    assert report.intact, report.problem


@pytest.mark.parametrize("member", ["format", "version", "key.alg", "changes.0.closed"])
def test_every_member_of_the_manifest_must_be_there(member: str) -> None:
    bundle = a_bundle()
    holder: Any = bundle["manifest"]
    *path, last = member.split(".")
    for step in path:
        holder = holder[int(step)] if step.isdigit() else holder[step]
    del holder[last]
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert f"lacks {last}" in problem
