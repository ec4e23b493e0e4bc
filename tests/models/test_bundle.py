"""A bundle's parts: events as they were hashed, evidence fingerprints, and digests over
RFC 8785 text: models/bundle.py."""

from __future__ import annotations

from models.audit import HashScheme, chain_event
from models.bundle import digest, part_name, wire_event, wire_evidence
from models.canonical import sha256_hex
from tests.factories import T0


def _event(payload: dict[str, object], scheme: HashScheme) -> dict[str, object]:
    event = chain_event(
        log_id="c-1", seq=1, prev_hash="0" * 64, at=T0, actor="ops-a", role="operational",
        kind="measured", payload=payload, scheme=scheme,
    )  # fmt: skip
    return wire_event(event, scheme)


def test_a_first_scheme_event_carries_its_text_only_where_jcs_would_differ() -> None:
    plain = _event({"note": "no numbers"}, HashScheme.SORTED_JSON)
    assert "hashed" not in plain
    measured = _event({"value": 4.0}, HashScheme.SORTED_JSON)
    assert '"value":4.0' in str(measured["hashed"])
    assert sha256_hex(str(measured["hashed"])) == measured["hash"]
    assert "hashed" not in _event({"value": 4.0}, HashScheme.JCS)


def test_times_are_written_as_they_were_hashed() -> None:
    assert _event({}, HashScheme.JCS)["at"] == "2026-03-02T09:00:00.000000+00:00"


def test_evidence_is_found_wherever_a_payload_holds_it() -> None:
    item = {"title": "Plan", "uri": "https://x.test/p", "sha256": "a" * 64, "roles": []}
    events = [
        {"seq": 1, "kind": "opened", "payload": {"intake": {"title": "x"}}},
        {"seq": 2, "kind": "work_submitted", "payload": {"submission": {"evidence": [item]}}},
    ]
    assert wire_evidence(events) == [
        {"seq": 2, "kind": "work_submitted", "title": "Plan", "uri": "https://x.test/p",
         "sha256": "a" * 64},
    ]  # fmt: skip


def test_digests_are_over_canonical_text() -> None:
    assert digest({"b": 4.0, "a": [1]}) == sha256_hex('{"a":[1],"b":4}')
    assert part_name("c-1", "events") == "changes/c-1/events"
