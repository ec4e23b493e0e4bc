"""Temporal histories inside a bundle: each run's history JSON, gzipped and base64'd,
with the sha256 of the JSON. A history records every projection the workflow asked for,
and with it the hash of every audit event, so it vouches for the log independently."""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
from typing import Any

PROJECTION_ACTIVITY = "project_change"


class HistoryProblem(ValueError):
    """A history in a bundle that cannot be read, or is not the one the bundle names."""


def pack_history(workflow_id: str, run_id: str, history_json: bytes) -> dict[str, Any]:
    """A history as a bundle holds it. gzip's mtime is fixed, so packing is repeatable."""
    return {
        "workflow_id": workflow_id,
        "run_id": run_id,
        "sha256": hashlib.sha256(history_json).hexdigest(),
        "gzip_base64": base64.b64encode(gzip.compress(history_json, mtime=0)).decode("ascii"),
    }


def unpack_history(entry: dict[str, Any]) -> dict[str, Any]:
    """The history's JSON, once it is shown to be the one its digest names."""
    try:
        raw = gzip.decompress(base64.b64decode(entry["gzip_base64"], validate=True))
    except (KeyError, TypeError, binascii.Error, OSError, EOFError) as error:
        raise HistoryProblem(f"it cannot be unpacked ({error})") from None
    if hashlib.sha256(raw).hexdigest() != entry.get("sha256"):
        raise HistoryProblem("its content does not match its sha256")
    try:
        history: Any = json.loads(raw)
    except ValueError:
        raise HistoryProblem("it is not JSON") from None
    if not isinstance(history, dict) or not isinstance(history.get("events"), list):
        raise HistoryProblem("it has no list of events")
    return history


def recorded_hashes(history: dict[str, Any]) -> dict[int, str]:
    """The hash of every audit event the run's projections carried, by seq."""
    hashes: dict[int, str] = {}
    for event in history["events"]:
        batch = _projection_input(event)
        for recorded in batch.get("events", []) if batch else []:
            hashes[int(recorded["seq"])] = str(recorded["hash"])
    return hashes


def _projection_input(event: Any) -> dict[str, Any] | None:
    scheduled = (
        event.get("activityTaskScheduledEventAttributes") if isinstance(event, dict) else None
    )
    if not scheduled or scheduled.get("activityType", {}).get("name") != PROJECTION_ACTIVITY:
        return None
    try:
        data = scheduled["input"]["payloads"][0]["data"]
        batch: Any = json.loads(base64.b64decode(data))
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise HistoryProblem(f"a projection's input cannot be read ({error})") from None
    return batch if isinstance(batch, dict) else None
