"""Every kind of change audit event reads as one plain line."""

from __future__ import annotations

import pytest

from models.audit import AuditEvent
from models.events import EventKind
from models.read.events import LINES, describe_event
from tests.factories import T0

PAYLOAD = {
    "revision": 2, "stage": "design", "reason": "why", "gate": "design approved",
    "to": "intent", "comment": "because", "gate_id": "1.design.1", "from": "digital team",
    "metric": "take-up", "value": 61, "outcome": "adapt", "iteration": 2,
    "restart_at": "design", "status": "completed", "condition_id": "c3-1", "note": "done",
    "decision": "request_changes", "handoff_seq": 7, "due_at": "2026-03-09T23:59:59+00:00",
    "roles": ["policy"], "owner": "ops-b", "area": "skills", "missing": ["capability"],
    "red_points": [3],
}  # fmt: skip


def _event(kind: str, payload: dict[str, object]) -> AuditEvent:
    return AuditEvent(
        change_id="c", seq=1, at=T0, actor="someone", role="policy", kind=kind,
        payload=payload, prev_hash="0" * 64, hash="0" * 64,
    )  # fmt: skip


def test_every_kind_has_a_renderer() -> None:
    assert set(LINES) == set(EventKind)


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_kind_renders_in_plain_words(kind: EventKind) -> None:
    line = describe_event(_event(kind.value, PAYLOAD))
    assert line
    assert "None" not in line
    assert kind.value not in line


def test_a_lapsed_challenge_says_why() -> None:
    event = _event("challenge_lapsed", {"rejection_seq": 4, "reason": "a new cycle began"})
    assert describe_event(event) == "the challenge to the reject lapsed: a new cycle began"
