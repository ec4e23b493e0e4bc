"""A real audit bundle built without a server: the change and directory logs a recorded
Temporal history carries, signed with a key made for the test."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.audit import AuditEvent, HashScheme, chain_event
from models.bundle import BundleScope, ChangeRecord, SigningKey, unsigned_bundle
from models.bundle_history import pack_history
from models.change import ChangeStatus
from models.jcs import jcs_bytes
from models.refusals import Refusal, refusal_event

HISTORIES = Path(__file__).parent.parent / "histories"
CHANGE_HISTORY = HISTORIES / "pdca_v5_governance_run1.json"
CHANGE_RUNS = [CHANGE_HISTORY, HISTORIES / "pdca_v5_governance_run2.json"]
LOCAL_RUNS = [
    HISTORIES / "pdca_v5_local_projection_governance_run1.json",
    HISTORIES / "pdca_v5_local_projection_governance_run2.json",
]
"""Projected in a local activity: the events are in its markers' results."""
OLDER_RUNS = [
    HISTORIES / "pdca_v3_governance_run1.json",
    HISTORIES / "pdca_v3_governance_run2.json",
]


def recorded_events(path: Path) -> list[AuditEvent]:
    """Every audit event a recorded history's projections carried, in order: the inputs
    of project_change activities and the results of project_change_locally ones."""
    found: dict[int, AuditEvent] = {}
    for event in json.loads(path.read_text())["events"]:
        for recorded in _projection_of(event).get("events", []):
            found[recorded["seq"]] = AuditEvent.model_validate(recorded)
    return [found[seq] for seq in sorted(found)]


def _projection_of(event: dict[str, Any]) -> dict[str, Any]:
    scheduled = event.get("activityTaskScheduledEventAttributes")
    if scheduled and scheduled["activityType"]["name"] == "project_change":
        return _decoded(scheduled["input"])
    marker = local_projection_marker(event)
    return _decoded(marker["details"]["result"]) if marker else {}


def local_projection_marker(event: dict[str, Any]) -> dict[str, Any] | None:
    """The marker of a project_change_locally local activity that returned, if it is one."""
    marker = event.get("markerRecordedEventAttributes")
    if not marker or marker["markerName"] != "core_local_activity":
        return None
    if "result" not in marker["details"]:
        return None
    about = _decoded(marker["details"]["data"])
    return marker if about["activity_type"] == "project_change_locally" else None


def _decoded(payloads: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(base64.b64decode(payloads["payloads"][0]["data"]))
    return found


def key_of(private: Ed25519PrivateKey) -> SigningKey:
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SigningKey(
        kid=hashlib.sha256(raw).hexdigest()[:16], public_key=base64.b64encode(raw).decode()
    )


def sign(manifest: dict[str, Any], private: Ed25519PrivateKey) -> dict[str, Any]:
    value = base64.b64encode(private.sign(jcs_bytes(manifest))).decode()
    return {"alg": "Ed25519", "kid": manifest["key"]["kid"], "value": value}


def run_id_of(path: Path) -> str:
    first = json.loads(path.read_text())["events"][0]
    run_id: str = first["workflowExecutionStartedEventAttributes"]["originalExecutionRunId"]
    return run_id


def record_of(paths: list[Path], scheme: HashScheme, closed: bool) -> ChangeRecord:
    """A change as two recorded runs (an adapt continued it as new; an adopt ended it)."""
    found = {e.seq: e for path in paths for e in recorded_events(path)}
    events = [found[seq] for seq in sorted(found)]
    change_id = events[0].change_id
    refusal = Refusal(
        change_id=change_id, actor=events[-1].actor, role="policy", command="sign_off",
        code="already_signed", reason="already signed revision 1",
    )  # fmt: skip
    return ChangeRecord(
        change_id=change_id,
        title="A recorded change",
        service="Recorded service",
        status=ChangeStatus.ACTIVE,
        closed=closed,
        hash_scheme=scheme,
        events=events,
        refusals=[refusal_event(refusal, 1, "0" * 64, events[-1].at)],
        repeats={1: 2},
        histories=[
            pack_history(f"change-{change_id}", run_id_of(path), path.read_bytes())
            for path in paths
        ],
    )


def directory_about(records: list[ChangeRecord]) -> list[AuditEvent]:
    """A directory log granting each person who acted the role they acted in, a day
    before the changes began."""
    acts = sorted({(e.actor, e.role) for r in records for e in r.events if e.role})
    at = min(r.events[0].at for r in records) - timedelta(days=1)
    events: list[AuditEvent] = []
    for seq, (person, role) in enumerate(acts, start=1):
        after = {"name": person, "active": True, "roles": [role]}
        payload = {"person": person, "role": role, "before": None, "after": after}
        events.append(
            chain_event(
                log_id="directory-test",
                seq=seq,
                prev_hash=events[-1].hash if events else "0" * 64,
                at=at,
                actor="admin-a",
                role="admin",
                kind="role_granted",
                payload=payload,
            )
        )
    return events


@cache
def _signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def signing_key() -> Ed25519PrivateKey:
    return _signing_key()


@cache
def _bundle_text() -> str:
    private = signing_key()
    records = [
        record_of(CHANGE_RUNS, HashScheme.JCS, closed=True),
        record_of(OLDER_RUNS, HashScheme.SORTED_JSON, closed=True),
        record_of(LOCAL_RUNS, HashScheme.JCS, closed=True),
    ]
    directory = directory_about(records)
    scope = BundleScope(kind="range", since="2026-01-01T00:00:00+00:00")
    manifest, parts = unsigned_bundle(scope, "auditor-a", key_of(private), records, directory)
    return json.dumps({"manifest": manifest, "signature": sign(manifest, private), "parts": parts})


def a_bundle() -> dict[str, Any]:
    """A fresh copy of a signed bundle of three recorded changes: one per hash scheme
    projected by ordinary activities, and one projected by local ones."""
    loaded: dict[str, Any] = json.loads(_bundle_text())
    return loaded


def public_key() -> str:
    return key_of(signing_key()).public_key
