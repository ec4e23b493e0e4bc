"""Canonical JSON: one rendering per value, and fingerprints that never drift."""

from __future__ import annotations

from models.canonical import canonical_json, fingerprint, sha256_hex


def test_key_order_and_spacing_do_not_change_the_rendering() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == '{"a":[1,{"c":3,"d":2}],"b":1}'


def test_text_is_kept_as_written_unless_ascii_only_is_asked_for() -> None:
    assert canonical_json({"word": "café"}) == '{"word":"café"}'
    assert canonical_json({"word": "café"}, ascii_only=True) == '{"word":"caf\\u00e9"}'


def test_fingerprints_are_sha256_of_the_canonical_text() -> None:
    assert sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert fingerprint({"a": 1}) == sha256_hex('{"a":1}')
    assert fingerprint({"x": "é"}) != fingerprint({"x": "é"}, ascii_only=True)
