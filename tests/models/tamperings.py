"""Ways to tamper with a bundle, for the property tests of both verifiers: edits,
removed, reordered and inserted events, swapped histories, forged signatures, and the
cover-ups a careful forger would add."""

from __future__ import annotations

import base64
import gzip
import json
import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.audit import HashScheme, chain_event
from models.bundle import digest, wire_event
from models.bundle_history import pack_history
from tests.models.bundles import key_of, local_projection_marker, sign


def redigest(bundle: dict[str, Any], private: Ed25519PrivateKey | None = None) -> None:
    """What a careful forger does: recompute the digests, and sign with their own key."""
    manifest = bundle["manifest"]
    manifest["parts"] = {name: digest(value) for name, value in bundle["parts"].items()}
    if private is not None:
        manifest["key"] = key_of(private).model_dump()
        bundle["signature"] = sign(manifest, private)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in leaves(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in leaves(item, (*path, index))]
    return [path]


def changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x" if len(value) < 2 else value[:-1] + chr(ord(value[-1]) ^ 1)
    return "x"


def edit_field(bundle: dict[str, Any], rng: random.Random) -> None:
    root = rng.choice(["manifest", "parts", "signature"])
    path = rng.choice(leaves(bundle[root]))
    holder = bundle[root]
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = changed(holder[path[-1]])


def a_log(bundle: dict[str, Any], rng: random.Random) -> list[Any]:
    logs = [v for k, v in bundle["parts"].items() if k.endswith(("/events", "/refusals"))]
    logs.append(bundle["parts"]["directory/events"])
    return rng.choice([log for log in logs if log])


def remove_event(bundle: dict[str, Any], rng: random.Random) -> None:
    log = a_log(bundle, rng)
    del log[rng.randrange(len(log))]


def reorder_events(bundle: dict[str, Any], rng: random.Random) -> None:
    log = max((v for k, v in bundle["parts"].items() if k.endswith("/events")), key=len)
    i, j = rng.sample(range(len(log)), 2)
    log[i], log[j] = log[j], log[i]


def insert_event(bundle: dict[str, Any], rng: random.Random) -> None:
    log = a_log(bundle, rng)
    copied = json.loads(json.dumps(rng.choice(log)))
    copied["payload"] = {**copied["payload"], "inserted": True}
    log.insert(rng.randrange(len(log) + 1), copied)


def swap_history(bundle: dict[str, Any], _: random.Random) -> None:
    first, second = (
        f"changes/{c['change_id']}/histories" for c in bundle["manifest"]["changes"][:2]
    )
    parts = bundle["parts"]
    parts[first][0]["gzip_base64"], parts[second][0]["gzip_base64"] = (
        parts[second][0]["gzip_base64"], parts[first][0]["gzip_base64"],
    )  # fmt: skip


def forge_signature(bundle: dict[str, Any], rng: random.Random) -> None:
    bundle["signature"]["value"] = base64.b64encode(rng.randbytes(64)).decode()


TAMPERINGS = [edit_field, remove_event, reorder_events, insert_event, swap_history]


ChangeLike = Callable[[dict[str, Any]], Any]


def forged_last_event(bundle: dict[str, Any]) -> None:
    """Add an event after the change ended, hashed and signed as an export would be."""
    entry = bundle["manifest"]["changes"][0]
    events = bundle["parts"][events_part(bundle)]
    last = events[-1]
    forged = chain_event(
        log_id=last["change_id"], seq=last["seq"] + 1, prev_hash=last["hash"],
        at=datetime.fromisoformat(last["at"]), actor=last["actor"], role="policy",
        kind="signed_off", payload={}, scheme=HashScheme.JCS,
    )  # fmt: skip
    events.append(wire_event(forged, HashScheme.JCS))
    entry.update(events=len(events), head_hash=forged.hash, closed=False)
    name = f"changes/{entry['change_id']}/authority"
    bundle["parts"][name].append(
        {"seq": forged.seq, "actor": forged.actor, "role": "policy", "at": last["at"],
         "held_by": "not shown", "directory_seqs": []}
    )  # fmt: skip


def rewrite_history(
    bundle: dict[str, Any], change: ChangeLike, index: int = 0
) -> tuple[str, dict[str, Any]]:
    """Edit the first history of the bundle's change at index, and pack it again."""
    name = f"changes/{bundle['manifest']['changes'][index]['change_id']}/histories"
    entry = bundle["parts"][name][0]
    history = json.loads(gzip.decompress(base64.b64decode(entry["gzip_base64"])))
    change(history)
    packed = pack_history(entry["workflow_id"], entry["run_id"], json.dumps(history).encode())
    bundle["parts"][name][0] = packed
    return name, history


def scheduled(history: dict[str, Any]) -> dict[str, Any]:
    return next(
        e["activityTaskScheduledEventAttributes"]
        for e in history["events"]
        if "activityTaskScheduledEventAttributes" in e
    )


def local_marker(history: dict[str, Any]) -> dict[str, Any]:
    return next(m for e in history["events"] if (m := local_projection_marker(e)))


def projection_data(history: dict[str, Any], change: ChangeLike) -> None:
    """Edit the first projection's JSON: an activity's input, or a local one's result."""
    payload = _projection_payload(history)
    batch = json.loads(base64.b64decode(payload["data"]))
    change(batch)
    payload["data"] = _base64_json(batch)


def _projection_payload(history: dict[str, Any]) -> dict[str, Any]:
    for event in history["events"]:
        scheduled = event.get("activityTaskScheduledEventAttributes")
        if scheduled and scheduled["activityType"]["name"] == "project_change":
            payload: dict[str, Any] = scheduled["input"]["payloads"][0]
            return payload
        marker = local_projection_marker(event)
        if marker:
            payload = marker["details"]["result"]["payloads"][0]
            return payload
    raise AssertionError("the history has no projection")


def _base64_json(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def _base64_text(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


ACTIVITIES, LOCAL = 0, 2
"""The bundle's changes (tests/models/bundles.py) projected by ordinary activities, and
by local ones."""
BROKEN_PROJECTIONS: dict[str, ChangeLike] = {
    "events as a number": lambda h: projection_data(h, lambda b: b.update(events=5)),
    "seq as text": lambda h: projection_data(h, lambda b: b["events"][0].update(seq="abc")),
    "seq with a fraction": lambda h: projection_data(h, lambda b: b["events"][0].update(seq=1.5)),
    "seq as true": lambda h: projection_data(h, lambda b: b["events"][0].update(seq=True)),
}
MALFORMED_HISTORIES: dict[str, tuple[int, ChangeLike]] = {
    "activity type as text": (
        ACTIVITIES,
        lambda h: scheduled(h).update(activityType="project_change"),
    ),
    "attributes as a list": (
        ACTIVITIES,
        lambda h: h["events"][4].update(activityTaskScheduledEventAttributes=[1]),
    ),
    "marker as a list": (LOCAL, lambda h: h["events"][4].update(markerRecordedEventAttributes=[1])),
    "marker details as text": (LOCAL, lambda h: local_marker(h).update(details="x")),
    "marker data not JSON": (
        LOCAL,
        lambda h: local_marker(h)["details"]["data"]["payloads"][0].update(data="bm9wZQ=="),
    ),
    "marker result a list": (
        LOCAL,
        lambda h: _projection_payload(h).update(data=_base64_json([1])),
    ),
    "scheduled attributes as null": (
        ACTIVITIES,
        lambda h: h["events"][4].update(activityTaskScheduledEventAttributes=None),
    ),
    "marker as null": (LOCAL, lambda h: h["events"][4].update(markerRecordedEventAttributes=None)),
    "marker result with NaN": (
        LOCAL,
        lambda h: _projection_payload(h).update(data=_base64_text('{"events": [], "x": NaN}')),
    ),
    "marker result in UTF-16": (
        LOCAL,
        lambda h: _projection_payload(h).update(
            data=base64.b64encode('{"events": []}'.encode("utf-16")).decode()
        ),
    ),
    **{f"{name}, by activities": (ACTIVITIES, c) for name, c in BROKEN_PROJECTIONS.items()},
    **{f"{name}, locally": (LOCAL, c) for name, c in BROKEN_PROJECTIONS.items()},
}
"""Histories no verifier can read, each with the index of the change whose first history
it edits."""


def events_part(bundle: dict[str, Any], index: int = 0) -> str:
    return f"changes/{bundle['manifest']['changes'][index]['change_id']}/events"
