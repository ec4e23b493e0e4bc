"""Who hears what, in plain words: models/notifications.py."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from models.audit import AuditEvent
from models.change import ChangeState
from models.commands import SubmitWork
from models.events import EventKind
from models.gate import Decision
from models.notifications import (
    NOTIFYING,
    MessageStyle,
    Notice,
    Topic,
    body_of,
    may_notify,
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


def _event(event_kind: EventKind, actor: str = "throughline", **payload: object) -> AuditEvent:
    return AuditEvent(
        change_id="c-1", seq=9, at=T0, actor=actor, kind=event_kind.value, payload=payload,
        prev_hash="0" * 64, hash="1" * 64,
    )  # fmt: skip


def _owners(roles: Sequence[Role]) -> list[str]:
    return ["owner"] if Role.SERVICE_OWNER in roles else _named(roles)


@pytest.mark.parametrize(
    ("event", "topic", "told"),
    [
        (
            _event(EventKind.HANDOFF, roles=["service_owner"], kind="escalation", reason="x"),
            Topic.CHALLENGE_FILED,
            ["owner"],
        ),
        (
            _event(EventKind.HANDOFF, roles=["service_owner"], kind="overdue", reason="late"),
            Topic.ESCALATED,
            ["owner"],
        ),
        (
            _event(EventKind.HANDOFF_OVERDUE, roles=["policy"], due_at="2026-03-09T17:00:00+00:00"),
            Topic.OVERDUE,
            [SIGNERS[Role.POLICY]],
        ),
        (
            _event(EventKind.CONDITION_REMINDED, owner="ops-a", due_at="2026-03-09T17:00:00+00:00"),
            Topic.CONDITION_DUE,
            ["ops-a"],
        ),
        (
            _event(EventKind.SIGNED_OFF, actor="pol-a", conditions=[{"owner": "ops-a"}]),
            Topic.CONDITION_RAISED,
            ["ops-a"],
        ),
    ],
    ids=lambda v: v.value if isinstance(v, Topic) else None,
)
def test_each_kind_of_news_reaches_whom_the_issue_names(
    event: AuditEvent, topic: Topic, told: list[str]
) -> None:
    [notice] = notices_for([event], fresh_state(), _owners)
    assert (notice.topic, notice.recipients) == (topic, told)


def test_the_act_decision_tells_everyone_named_but_the_one_who_decided() -> None:
    state = fresh_state()
    [notice] = notices_for(
        [_event(EventKind.DECISION_MADE, actor="owner", outcome="adopt")], state, _owners
    )
    named = {state.proposer, *state.intake.people.everyone()} - {"owner"}
    assert (notice.topic, set(notice.recipients)) == (Topic.DECISION_MADE, named)


@pytest.mark.parametrize("kind", sorted(set(EventKind) - NOTIFYING))
def test_kinds_outside_the_notifying_set_tell_nobody(kind: EventKind) -> None:
    event = _event(kind, roles=["policy"], owner="ops-a", reason="r", to="x", outcome="adopt")
    assert not may_notify(event)
    assert notices_for([event], fresh_state(), _owners) == []
