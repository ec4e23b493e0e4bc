"""The JavaScript verifier, verifiers/verify-bundle.mjs, against the same random
tamperings the Python verifier's property test applies: every one is caught by both,
and the untouched bundle passes both."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.bundle_check import check_bundle
from tests.models.bundles import a_bundle, local_projection_marker, public_key, signing_key
from tests.models.tamperings import (
    LOCAL,
    MALFORMED_HISTORIES,
    TAMPERINGS,
    forge_signature,
    forged_last_event,
    redigest,
    rewrite_history,
)
from tests.verifiers.test_verify_bundle_js import _node

pytestmark = pytest.mark.slow

ROUNDS = 60


async def test_the_untouched_bundle_passes(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(a_bundle()))
    code, words = await _node(str(path), "--public-key", public_key())
    assert code == 0, words


async def test_random_tamperings_are_caught_by_both_verifiers(tmp_path: Path) -> None:
    rng = random.Random(2026)
    untouched = a_bundle()
    caught = 0
    for round_ in range(ROUNDS):
        bundle = a_bundle()
        tampering = rng.choice([*TAMPERINGS, forge_signature])
        tampering(bundle, rng)
        if tampering is not forge_signature and round_ % 3:
            redigest(bundle, Ed25519PrivateKey.generate() if round_ % 3 == 2 else None)
        if bundle == untouched:
            continue
        assert not check_bundle(bundle, public_key()).intact
        path = tmp_path / f"tampered-{round_}.json"
        path.write_text(json.dumps(bundle))
        code, words = await _node(str(path), "--public-key", public_key())
        assert code == 1, f"{tampering.__name__} in round {round_} passed the JS verifier"
        assert "FAILED" in words
        caught += 1
    assert caught >= ROUNDS * 0.9


def _last_run_dropped(bundle: dict[str, Any]) -> None:
    entry = bundle["manifest"]["changes"][0]
    bundle["parts"][f"changes/{entry['change_id']}/histories"].pop()
    entry["histories"].pop()


REWRITES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "an event no history recorded": forged_last_event,
    "the last run missing": _last_run_dropped,
    **{
        f"a history with {name}": partial(rewrite_history, change=change, index=index)
        for name, (index, change) in MALFORMED_HISTORIES.items()
    },
}


@pytest.mark.parametrize("name", REWRITES)
async def test_both_verifiers_refuse_what_the_histories_do_not_vouch_for(
    tmp_path: Path, name: str
) -> None:
    """Signed with the real key, as an export of an edited database would be."""
    bundle = a_bundle()
    REWRITES[name](bundle)
    redigest(bundle, signing_key())
    assert not check_bundle(bundle, public_key()).intact
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    code, words = await _node(str(path), "--public-key", public_key())
    assert code == 1, words


def _unnamed_marker(history: dict[str, Any]) -> None:
    history["events"][4]["markerRecordedEventAttributes"] = {"details": {}}


def _local_activity_of_no_kind(history: dict[str, Any]) -> None:
    marker = next(
        e["markerRecordedEventAttributes"]
        for e in history["events"]
        if e.get("markerRecordedEventAttributes", {}).get("markerName") == "core_local_activity"
        and not local_projection_marker(e)
    )
    marker["details"]["data"]["payloads"][0]["data"] = "e30="  # {}


@pytest.mark.parametrize("change", [_unnamed_marker, _local_activity_of_no_kind])
async def test_markers_that_are_not_projections_are_passed_over_by_both(
    tmp_path: Path, change: Callable[[dict[str, Any]], None]
) -> None:
    """A marker with no name, and a local activity whose data names no activity type,
    vouch for nothing: both verifiers pass them over and find the bundle intact."""
    bundle = a_bundle()
    rewrite_history(bundle, change, LOCAL)
    redigest(bundle, signing_key())
    assert check_bundle(bundle, public_key()).intact
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    code, words = await _node(str(path), "--public-key", public_key())
    assert code == 0, words
