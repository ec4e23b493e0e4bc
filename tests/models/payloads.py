"""The check that an audit event's payload holds the fields its kind documents."""

from __future__ import annotations

from typing import Any

from models.audit_payloads import PAYLOADS


def assert_documented(kind: str, payload: dict[str, Any]) -> None:
    shape = PAYLOADS[kind]
    recorded = set(payload)
    assert recorded <= set(shape.fields), (kind, recorded - set(shape.fields))
    assert shape.required <= recorded, (kind, shape.required - recorded)
