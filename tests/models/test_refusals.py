"""Which refusals go on the record, how a repeat is told apart, and how each event
chains: models/refusals.py."""

from __future__ import annotations

from models import errors
from models.audit import GENESIS_HASH, verify_chain
from models.refusals import Refusal, is_on_the_record, refusal_event, repeat_key
from tests.factories import T0, later

REFUSAL = Refusal(
    change_id="c-1",
    actor="dev",
    role="digital",
    command="sign_off",
    code="separation_of_duties",
    reason="dev submitted revision 1 and cannot approve it",
)


def test_only_refusals_by_a_rule_go_on_the_record() -> None:
    assert is_on_the_record(errors.SeparationOfDuties("no"))
    assert is_on_the_record(errors.GateClosed("closed"))
    assert not is_on_the_record(errors.IdempotencyKeyReused("reused"))
    assert not is_on_the_record(errors.InvalidRequest("bad input"))
    assert not is_on_the_record(errors.Unauthenticated("no token"))
    assert not is_on_the_record(errors.ChangeNotFound("missing"))


def test_a_repeat_is_the_same_person_command_and_reason() -> None:
    assert repeat_key(REFUSAL) == repeat_key(REFUSAL.model_copy())
    assert repeat_key(REFUSAL) != repeat_key(REFUSAL.model_copy(update={"role": "policy"}))
    assert repeat_key(REFUSAL) != repeat_key(REFUSAL.model_copy(update={"reason": "other"}))


def test_refusal_events_chain_and_verify_like_an_audit_log() -> None:
    first = refusal_event(REFUSAL, 1, GENESIS_HASH, T0)
    second = refusal_event(
        REFUSAL.model_copy(update={"command": "decide"}), 2, first.hash, later(1)
    )
    assert verify_chain("c-1", [first, second]).intact
    edited = second.model_copy(update={"payload": {**second.payload, "reason": "edited"}})
    assert not verify_chain("c-1", [first, edited]).intact
