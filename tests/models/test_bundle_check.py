"""Checking a bundle offline: an intact one passes every check; each kind of tampering
fails with its reason; and 1,000 random tamperings are every one detected:
models/bundle_check.py."""

from __future__ import annotations

import base64
import json
import random
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from models.bundle import digest
from models.bundle_check import check_bundle
from tests.models.bundles import a_bundle, key_of, public_key, sign, signing_key


def _events_part(bundle: dict[str, Any], index: int = 0) -> str:
    change_id = bundle["manifest"]["changes"][index]["change_id"]
    return f"changes/{change_id}/events"


def _redigest(bundle: dict[str, Any], private: Ed25519PrivateKey | None = None) -> None:
    """What a careful forger does: recompute the digests, and sign with their own key."""
    manifest = bundle["manifest"]
    manifest["parts"] = {name: digest(value) for name, value in bundle["parts"].items()}
    if private is not None:
        manifest["key"] = key_of(private).model_dump()
        bundle["signature"] = sign(manifest, private)


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
    _redigest(bundle)
    assert check_bundle(bundle, public_key()).problem.startswith("the signature does not match")


def test_a_bundle_signed_with_another_key_is_refused_when_the_key_is_pinned() -> None:
    bundle = a_bundle()
    del bundle["parts"][_events_part(bundle)][-1]
    _redigest(bundle, Ed25519PrivateKey.generate())
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
    _redigest(bundle, signing_key())
    problem = check_bundle(bundle, public_key()).problem
    assert problem is not None
    assert problem.endswith("event 3 was altered after it was written")


def test_a_legacy_events_hashed_text_must_say_what_the_event_says() -> None:
    bundle = a_bundle()
    part = _events_part(bundle, 1)
    event = next(e for e in bundle["parts"][part] if "hashed" in e)
    event["payload"] = {**event["payload"], "value": 999}
    _redigest(bundle, signing_key())
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
    _redigest(bundle, signing_key())
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


# 1,000 random tamperings, every one detected.


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _leaves(item, (*path, index))]
    return [path]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x" if len(value) < 2 else value[:-1] + chr(ord(value[-1]) ^ 1)
    return "x"


def _edit_field(bundle: dict[str, Any], rng: random.Random) -> None:
    root = rng.choice(["manifest", "parts", "signature"])
    path = rng.choice(_leaves(bundle[root]))
    holder = bundle[root]
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = _changed(holder[path[-1]])


def _a_log(bundle: dict[str, Any], rng: random.Random) -> list[Any]:
    logs = [v for k, v in bundle["parts"].items() if k.endswith(("/events", "/refusals"))]
    logs.append(bundle["parts"]["directory/events"])
    return rng.choice([log for log in logs if log])


def _remove_event(bundle: dict[str, Any], rng: random.Random) -> None:
    log = _a_log(bundle, rng)
    del log[rng.randrange(len(log))]


def _reorder_events(bundle: dict[str, Any], rng: random.Random) -> None:
    log = max((v for k, v in bundle["parts"].items() if k.endswith("/events")), key=len)
    i, j = rng.sample(range(len(log)), 2)
    log[i], log[j] = log[j], log[i]


def _insert_event(bundle: dict[str, Any], rng: random.Random) -> None:
    log = _a_log(bundle, rng)
    copied = json.loads(json.dumps(rng.choice(log)))
    copied["payload"] = {**copied["payload"], "inserted": True}
    log.insert(rng.randrange(len(log) + 1), copied)


def _swap_history(bundle: dict[str, Any], _: random.Random) -> None:
    first, second = (f"changes/{c['change_id']}/histories" for c in bundle["manifest"]["changes"])
    parts = bundle["parts"]
    parts[first][0]["gzip_base64"], parts[second][0]["gzip_base64"] = (
        parts[second][0]["gzip_base64"], parts[first][0]["gzip_base64"],
    )  # fmt: skip


def _forge_signature(bundle: dict[str, Any], rng: random.Random) -> None:
    bundle["signature"]["value"] = base64.b64encode(rng.randbytes(64)).decode()


TAMPERINGS = [_edit_field, _remove_event, _reorder_events, _insert_event, _swap_history]
COVER_UP = ["none", "new digests", "new digests, signed with another key"]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tampering=st.sampled_from([*TAMPERINGS, _forge_signature]),
    cover_up=st.sampled_from(COVER_UP),
    seed=st.integers(min_value=0, max_value=2**32),
)
@pytest.mark.slow
def test_every_random_tampering_is_detected(tampering: Any, cover_up: str, seed: int) -> None:
    rng = random.Random(seed)
    bundle = a_bundle()
    tampering(bundle, rng)
    if cover_up != "none" and tampering is not _forge_signature:
        other = Ed25519PrivateKey.generate() if "another key" in cover_up else None
        _redigest(bundle, other)
    # A cover-up that recomputes the very digest an edit changed undoes it: no tampering.
    assume(bundle != a_bundle())
    report = check_bundle(bundle, public_key())
    assert not report.intact, f"{tampering.__name__} with cover-up {cover_up!r} went unnoticed"
