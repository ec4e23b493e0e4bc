"""The audit chain detects any edit, deletion or reordering."""

from __future__ import annotations

from models.audit import AuditEvent, HashScheme, chain_event, recompute_hash, verify_chain
from models.canonical import sha256_hex
from models.commands import SignOffCommand, SubmitWork
from models.gate import Decision
from models.roles import Role
from models.transitions.opening import open_change
from models.transitions.sign_off import apply_sign_off
from models.transitions.submission import apply_submit
from tests.factories import PROPOSER, T0, authority, evidence, new_change

SCHEME = HashScheme.JCS
"""New changes run the latest playbook, which hashes with RFC 8785."""


def _events() -> tuple[str, list[AuditEvent]]:
    state, events = open_change(new_change(), T0)
    return state.change_id, events


def test_a_fresh_chain_verifies() -> None:
    change_id, events = _events()
    verdict = verify_chain(change_id, events, scheme=SCHEME)
    assert verdict.intact
    assert verdict.events_checked == len(events)
    assert verdict.head_hash == events[-1].hash


def test_an_edited_payload_is_detected() -> None:
    change_id, events = _events()
    events[0].payload["intake"]["title"] = "Something else"
    verdict = verify_chain(change_id, events, scheme=SCHEME)
    assert not verdict.intact
    assert verdict.first_bad_seq == 1
    assert verdict.problem == "event 1 was altered after it was written"


def test_an_edited_actor_is_detected() -> None:
    change_id, events = _events()
    events[1].actor = "someone-else"
    assert verify_chain(change_id, events, scheme=SCHEME).first_bad_seq == 2


def test_a_deleted_event_is_detected() -> None:
    change_id, events = _events()
    verdict = verify_chain(change_id, events[1:], scheme=SCHEME)
    assert not verdict.intact
    assert verdict.problem is not None
    assert "missing" in verdict.problem


def test_a_rehashed_edit_still_breaks_the_link_to_the_next_event() -> None:
    change_id, events = _events()
    forged = events[0].model_copy(update={"actor": "forger"})
    forged.hash = recompute_hash(forged, SCHEME)
    verdict = verify_chain(change_id, [forged, *events[1:]], scheme=SCHEME)
    assert verdict.first_bad_seq == 2
    assert verdict.problem == "event 2 does not link to the event before it"


def test_every_lifecycle_event_joins_one_chain() -> None:
    state, events = open_change(new_change(), T0)
    cmd = SubmitWork(actor=PROPOSER, summary="intent", evidence=[evidence()])
    events += apply_submit(state, cmd, authority(PROPOSER), T0)
    sign = SignOffCommand(actor="pol-a", role=Role.POLICY, decision=Decision.APPROVE, revision=1)
    events += apply_sign_off(state, sign, authority("pol-a"), T0)
    assert [e.seq for e in events] == list(range(1, state.seq + 1))
    verdict = verify_chain(state.change_id, events, scheme=SCHEME)
    assert verdict.intact
    assert verdict.head_hash == state.last_hash


def _measured(scheme: HashScheme) -> AuditEvent:
    return chain_event(
        log_id="c-1",
        seq=1,
        prev_hash="0" * 64,
        at=T0,
        actor="ops-a",
        role="operational",
        kind="measurement_recorded",
        payload={"value": 4.0, "note": "Café"},
        scheme=scheme,
    )


def test_the_first_scheme_keeps_its_hashes() -> None:
    """Existing chains never change: this hash was recorded before RFC 8785 came in."""
    event = _measured(HashScheme.SORTED_JSON)
    assert event.hash == "e8581aa8c37ecad992b48a8d6dfda8147036f83950ae03e3f830fd9e96b62eba"


def test_canonical_hashes_write_numbers_as_every_language_does() -> None:
    """RFC 8785 writes 4.0 as 4, as JavaScript does; the first scheme wrote 4.0."""
    event = _measured(HashScheme.JCS)
    body = (
        '{"actor":"ops-a","at":"2026-03-02T09:00:00.000000+00:00","change_id":"c-1",'
        '"kind":"measurement_recorded","payload":{"note":"Café","value":4},'
        f'"prev_hash":"{"0" * 64}","role":"operational","seq":1}}'
    )
    assert event.hash == sha256_hex(body)
    assert recompute_hash(event, HashScheme.SORTED_JSON) != event.hash


def test_a_chain_checked_the_wrong_way_fails() -> None:
    change_id, events = _events()
    verdict = verify_chain(change_id, events, scheme=HashScheme.SORTED_JSON)
    assert verdict.problem == "event 1 was altered after it was written"


def test_new_changes_hash_canonically_and_older_versions_do_not() -> None:
    state, _ = open_change(new_change(), T0)
    assert state.playbook.governance.hash_scheme is HashScheme.JCS
    older, events = open_change(new_change(version=4), T0)
    assert older.playbook.governance.hash_scheme is HashScheme.SORTED_JSON
    assert verify_chain(older.change_id, events).intact
