"""Temporal histories inside a bundle: each run's history JSON, gzipped and base64'd,
with the sha256 of the JSON. A history records every projection the workflow asked for,
and with it the hash of every audit event, so it vouches for the log independently."""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import math
from typing import Any

PROJECTION_ACTIVITY = "project_change"
LOCAL_PROJECTION_ACTIVITY = "project_change_locally"
LOCAL_ACTIVITY_MARKER = "core_local_activity"


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
    except (ValueError, RecursionError):
        raise HistoryProblem("it is not JSON") from None
    if not isinstance(history, dict) or not isinstance(history.get("events"), list):
        raise HistoryProblem("it has no list of events")
    if not history["events"]:
        raise HistoryProblem("it has no events")
    return history


def recorded_pairs(history: dict[str, Any]) -> list[tuple[int, str]]:
    """Every (seq, hash) of an audit event the run's projections carried, in order."""
    pairs: list[tuple[int, str]] = []
    for event in history["events"]:
        batch = _projection_input(event)
        if batch is None:
            batch = _local_projection_record(event)
        if batch is None:
            continue
        recorded = batch.get("events")
        if not isinstance(recorded, list):
            raise HistoryProblem("a projection's input holds no list of events")
        for item in recorded:
            seq: Any
            seq, value = (
                (item.get("seq"), item.get("hash")) if isinstance(item, dict) else (None, None)
            )
            if not whole(seq) or not isinstance(value, str):
                raise HistoryProblem(
                    "a projection's input records an event without its seq and hash"
                )
            pairs.append((int(seq), value))
    return pairs


def recorded_hashes(history: dict[str, Any]) -> dict[int, str]:
    """The hash of every audit event the run's projections carried, by seq."""
    return dict(recorded_pairs(history))


def whole(value: Any) -> bool:
    """A JSON number with no fraction, 2 and 2.0 alike."""
    if type(value) is int:
        return True
    return type(value) is float and math.isfinite(value) and value.is_integer()


ENDINGS = {
    "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED": "completed",
    "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW": "continued",
    "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED": "ended",
    "EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED": "ended",
    "EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED": "ended",
    "EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT": "ended",
}


def history_ending(history: dict[str, Any]) -> tuple[str | None, str]:
    """The run this one continued from, if any, and how it ended: completed, continued
    (as new), ended (failed, terminated, cancelled, timed out), or open."""
    events = history["events"]
    first = events[0] if events and isinstance(events[0], dict) else {}
    started = first.get("workflowExecutionStartedEventAttributes")
    if not isinstance(started, dict):
        raise HistoryProblem("its first event is not the start of a run")
    follows = started.get("continuedExecutionRunId") or None
    last = events[-1] if isinstance(events[-1], dict) else {}
    return (str(follows) if follows else None), ENDINGS.get(str(last.get("eventType")), "open")


def _projection_input(event: Any) -> dict[str, Any] | None:
    """What an ordinary project_change activity was handed, from its scheduling."""
    if not isinstance(event, dict):
        raise HistoryProblem("it holds an event that is not an object")
    if "activityTaskScheduledEventAttributes" not in event:
        return None
    scheduled = event["activityTaskScheduledEventAttributes"]
    try:
        if scheduled["activityType"]["name"] != PROJECTION_ACTIVITY:
            return None
        batch: Any = _payload_json(scheduled["input"])
    except (KeyError, IndexError, TypeError, ValueError, binascii.Error, RecursionError) as error:
        raise HistoryProblem(f"a scheduled activity cannot be read ({error})") from None
    if not isinstance(batch, dict):
        raise HistoryProblem("a projection's input is not an object")
    return batch


def _local_projection_record(event: dict[str, Any]) -> dict[str, Any] | None:
    """What a project_change_locally local activity returned, from its marker; None for
    other markers, and for one that failed for good (no result), which holds no events."""
    if "markerRecordedEventAttributes" not in event:
        return None
    marker = event["markerRecordedEventAttributes"]
    if not isinstance(marker, dict):
        raise HistoryProblem("a marker cannot be read")
    try:
        if marker.get("markerName") != LOCAL_ACTIVITY_MARKER:
            return None
        if not isinstance(marker["details"], dict):
            raise TypeError("its details are not an object")
        if "result" not in marker["details"]:
            return None
        about: Any = _payload_json(marker["details"]["data"])
        if not isinstance(about, dict):
            raise TypeError("its data is not an object")
        if about.get("activity_type") != LOCAL_PROJECTION_ACTIVITY:
            return None
        record: Any = _payload_json(marker["details"]["result"])
    except (KeyError, IndexError, TypeError, ValueError, binascii.Error, RecursionError) as error:
        raise HistoryProblem(f"a local activity's marker cannot be read ({error})") from None
    if not isinstance(record, dict):
        raise HistoryProblem("a local projection's record is not an object")
    return record


def _payload_json(payloads: Any) -> Any:
    """A payload's JSON: strict base64 of UTF-8 text, and no NaN or infinity, which JSON
    does not have."""
    raw = base64.b64decode(payloads["payloads"][0]["data"], validate=True)
    return json.loads(raw.decode("utf-8"), parse_constant=_not_json)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")
