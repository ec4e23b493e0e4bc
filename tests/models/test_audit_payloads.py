"""Each kind's payload shape, held to the payloads recorded histories carry:
models/audit_payloads.py."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.audit_payloads import PAYLOADS, payload_guide
from models.directory.events import DirectoryEventKind
from models.events import EventKind
from models.refusals import REFUSED
from tests.models.payloads import assert_documented

HISTORIES = Path(__file__).parents[1] / "histories"


def _decoded(data: str) -> Any:
    try:
        return json.loads(base64.b64decode(data))
    except (binascii.Error, ValueError):
        return None


def _payload_data(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("data"), str):
            yield node["data"]
        for value in node.values():
            yield from _payload_data(value)
    elif isinstance(node, list):
        for value in node:
            yield from _payload_data(value)


def _events(node: Any) -> Iterator[dict[str, Any]]:
    """Every audit event inside a decoded payload, however deep."""
    if isinstance(node, dict):
        if {"kind", "payload", "prev_hash"} <= node.keys():
            yield node
        for value in node.values():
            yield from _events(value)
    elif isinstance(node, list):
        for value in node:
            yield from _events(value)


def _recorded_events() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for history in sorted(HISTORIES.glob("*.json")):
        for data in _payload_data(json.loads(history.read_text())):
            events.extend(_events(_decoded(data)))
    return events


def test_every_kind_of_every_log_is_described() -> None:
    kinds = {*EventKind, *DirectoryEventKind, REFUSED}
    assert set(PAYLOADS) == {str(kind) for kind in kinds}


def test_recorded_payloads_hold_the_fields_described_and_no_others() -> None:
    events = _recorded_events()
    seen = {event["kind"] for event in events}
    assert len(seen) >= 25, seen
    for event in events:
        assert_documented(event["kind"], event["payload"])


def test_the_guide_names_every_field_and_marks_the_optional_ones() -> None:
    guide = payload_guide()
    signed = next(line for line in guide.splitlines() if line.startswith("- `signed_off`"))
    assert "`acting_for` (optional)" in signed
    assert "`gate_id`: the gate's id" in signed
    assert all(f"- `{kind}`:" in guide for kind in PAYLOADS)
