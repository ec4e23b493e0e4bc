"""Who hears what, in plain words: models/notifications.py."""

from __future__ import annotations

from collections.abc import Sequence

from models.change import ChangeState
from models.commands import SubmitWork
from models.gate import Decision
from models.notifications import (
    MessageStyle,
    Notice,
    Topic,
    body_of,
    notices_for,
    subject_of,
    webhook_payload,
)
from models.roles import Role
from models.transitions.completion import complete_gate
from models.transitions.sign_off import apply_sign_off
from models.transitions.submission import apply_submit
from tests.factories import (
    PROPOSER,
    SIGNERS,
    T0,
    authority,
    everyone_at,
    evidence,
    fresh_state,
    sign_command,
)

STYLE = MessageStyle(public_url="https://throughline.example.gov.uk/")


def _named(roles: Sequence[Role]) -> list[str]:
    found = {SIGNERS[r] for r in roles if r in SIGNERS}
    return sorted(found | ({PROPOSER} if Role.DIGITAL in roles else set()))


def _submitted() -> tuple[ChangeState, list[Notice]]:
    state = fresh_state()
    cmd = SubmitWork(actor=PROPOSER, summary="notes", evidence=[evidence()])
    events = apply_submit(state, cmd, authority(PROPOSER), T0)
    return state, notices_for(events, state, _named)


def test_a_gate_opening_asks_its_signers_and_not_the_one_who_submitted() -> None:
    _, notices = _submitted()
    [asked] = [n for n in notices if n.topic is Topic.SIGN_OFF_REQUESTED]
    assert set(asked.recipients) == set(SIGNERS.values()) - {PROPOSER}
    assert PROPOSER not in asked.recipients


def test_a_send_back_tells_the_team_and_not_the_signer() -> None:
    state = fresh_state()
    cmd = SubmitWork(actor=PROPOSER, summary="notes", evidence=[evidence()])
    apply_submit(state, cmd, authority(PROPOSER), T0)
    signer = SIGNERS[Role.DIGITAL]
    sign = sign_command(state, signer, Role.DIGITAL, Decision.REQUEST_CHANGES, comment="more")
    events = apply_sign_off(state, sign, authority(signer), T0)
    events += complete_gate(state, T0, signer, Role.DIGITAL, everyone_at(T0))
    topics = {n.topic: n for n in notices_for(events, state, _named)}
    assert Topic.CHANGES_REQUESTED in topics
    assert signer not in topics[Topic.CHANGES_REQUESTED].recipients
    assert PROPOSER in topics[Topic.CHANGES_REQUESTED].recipients


def test_a_message_names_the_change_the_ask_and_a_link() -> None:
    _, notices = _submitted()
    notice = notices[-1]
    body = body_of(notice, STYLE)
    assert notice.title in subject_of(notice)
    assert f"Open it: https://throughline.example.gov.uk/changes/{notice.change_id}" in body
    assert body.splitlines()[1].startswith("What happened: ")


def test_a_webhook_payload_carries_ids_and_kinds_unless_asked_for_more() -> None:
    _, notices = _submitted()
    minimal = webhook_payload(notices[-1], STYLE)
    assert set(minimal["data"]) == {"change_id", "seq", "event_kind", "topic", "due_at", "link"}
    full = webhook_payload(notices[-1], STYLE.model_copy(update={"full_webhook_payloads": True}))
    assert full["data"]["title"] == notices[-1].title
    assert minimal["type"] == f"throughline.{notices[-1].topic}"
