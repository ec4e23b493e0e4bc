"""Every event a transition test records is held to its documented payload shape
(models/audit_payloads.py), so the paths no recorded history takes are checked too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from models.audit import AuditEvent
from models.change import ChangeState
from tests.models.payloads import assert_documented


def _checked(record: Callable[..., AuditEvent]) -> Callable[..., AuditEvent]:
    def recording(self: ChangeState, **fields: Any) -> AuditEvent:
        event = record(self, **fields)
        assert_documented(event.kind, event.payload)
        return event

    return recording


@pytest.fixture(autouse=True)
def payloads_as_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ChangeState, "record", _checked(ChangeState.record))
