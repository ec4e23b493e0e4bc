"""Canonical JSON and the sha256 fingerprints taken over it: one definition for every hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any, *, ascii_only: bool = False) -> str:
    """Keys sorted, no spaces: the same value always renders to the same text.

    ``ascii_only`` escapes non-ASCII characters. Request fingerprints were first
    recorded that way and are kept for the life of a change, so they keep it.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_only)


def sha256_hex(text: str) -> str:
    """The sha256 of UTF-8 text, as lowercase hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(value: Any, *, ascii_only: bool = False) -> str:
    """sha256 over the canonical JSON of ``value``."""
    return sha256_hex(canonical_json(value, ascii_only=ascii_only))
