"""Every event a directory test records is held to its documented payload shape
(models/audit_payloads.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from models.audit import AuditEvent, chain_event
from models.directory import transitions
from tests.models.payloads import assert_documented


def _checked(chain_event: Callable[..., AuditEvent]) -> Callable[..., AuditEvent]:
    def chaining(**fields: Any) -> AuditEvent:
        event = chain_event(**fields)
        assert_documented(event.kind, event.payload)
        return event

    return chaining


@pytest.fixture(autouse=True)
def payloads_as_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transitions, "chain_event", _checked(chain_event))
