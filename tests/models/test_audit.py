"""The audit chain detects any edit, deletion or reordering."""

from __future__ import annotations

from models.audit import AuditEvent, recompute_hash, verify_chain
from models.commands import SignOffCommand, SubmitWork
from models.gate import Decision
from models.roles import Role
from models.transitions.opening import open_change
from models.transitions.sign_off import apply_sign_off
from models.transitions.submission import apply_submit
from tests.factories import PROPOSER, T0, authority, evidence, new_change


def _events() -> tuple[str, list[AuditEvent]]:
    state, events = open_change(new_change(), T0)
    return state.change_id, events


def test_a_fresh_chain_verifies() -> None:
    change_id, events = _events()
    verdict = verify_chain(change_id, events)
    assert verdict.intact
    assert verdict.events_checked == len(events)
    assert verdict.head_hash == events[-1].hash


def test_an_edited_payload_is_detected() -> None:
    change_id, events = _events()
    events[0].payload["intake"]["title"] = "Something else"
    verdict = verify_chain(change_id, events)
    assert not verdict.intact
    assert verdict.first_bad_seq == 1
    assert verdict.problem == "event 1 was altered after it was written"


def test_an_edited_actor_is_detected() -> None:
    change_id, events = _events()
    events[1].actor = "someone-else"
    assert verify_chain(change_id, events).first_bad_seq == 2


def test_a_deleted_event_is_detected() -> None:
    change_id, events = _events()
    verdict = verify_chain(change_id, events[1:])
    assert not verdict.intact
    assert verdict.problem is not None
    assert "missing" in verdict.problem


def test_a_rehashed_edit_still_breaks_the_link_to_the_next_event() -> None:
    change_id, events = _events()
    forged = events[0].model_copy(update={"actor": "forger"})
    forged.hash = recompute_hash(forged)
    verdict = verify_chain(change_id, [forged, *events[1:]])
    assert verdict.first_bad_seq == 2
    assert verdict.problem == "event 2 does not link to the event before it"


def test_every_lifecycle_event_joins_one_chain() -> None:
    state, events = open_change(new_change(), T0)
    cmd = SubmitWork(actor=PROPOSER, summary="intent", evidence=[evidence()])
    events += apply_submit(state, cmd, authority(PROPOSER), T0)
    sign = SignOffCommand(actor="pol-a", role=Role.POLICY, decision=Decision.APPROVE, revision=1)
    events += apply_sign_off(state, sign, authority("pol-a"), T0)
    assert [e.seq for e in events] == list(range(1, state.seq + 1))
    verdict = verify_chain(state.change_id, events)
    assert verdict.intact
    assert verdict.head_hash == state.last_hash
