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
from tests.models.bundles import a_bundle, public_key, signing_key
from tests.models.tamperings import (
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
