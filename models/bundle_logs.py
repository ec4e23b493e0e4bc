"""The checks of a bundle's logs, each raising Failed with its reason: chains link by link
and hash by hash, role holders against the acts and the directory, and the logs against
every hash the Temporal histories recorded. docs/audit-bundle.md, steps 5 and 6."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from models.audit import GENESIS_HASH, HashScheme
from models.bundle import DIRECTORY_PART, ChangeEntry
from models.bundle_history import (
    HistoryProblem,
    history_ending,
    recorded_pairs,
    unpack_history,
    whole,
)
from models.jcs import NotCanonicalisable, jcs

HASHED_FIELDS = ("change_id", "seq", "at", "actor", "role", "kind", "payload", "prev_hash")
HELD_BY = ("own role", "delegation", "not shown")


class Failed(Exception):
    """The first thing about a bundle that does not hold."""


def is_count(value: Any) -> bool:
    return whole(value) and value >= 0


def chain(events: list[Any], log_id: str, scheme: HashScheme, what: str) -> None:
    """Seq 1, 2, ... in order, one log, each linked to the one before and hashed right."""
    previous = GENESIS_HASH
    for index, event in enumerate(events, start=1):
        if not isinstance(event, dict) or any(field not in event for field in HASHED_FIELDS):
            raise Failed(f"{what}: event {index} lacks some of its fields")
        if not whole(event["seq"]) or event["seq"] != index:
            raise Failed(f"{what}: expected event {index} but found {event['seq']!r}")
        if event["change_id"] != log_id:
            raise Failed(f"{what}: event {index} belongs to another log")
        if event["prev_hash"] != previous:
            raise Failed(f"{what}: event {index} does not link to the event before it")
        if hash_of(event, scheme, what) != event.get("hash"):
            raise Failed(f"{what}: event {index} was altered after it was written")
        previous = event["hash"]


def hash_of(event: dict[str, Any], scheme: HashScheme, what: str) -> str:
    """The hash of an event's hashed fields under its scheme (spec: Events)."""
    body = {field: event[field] for field in HASHED_FIELDS}
    if "hashed" in event and scheme is HashScheme.JCS:
        raise Failed(f"{what}: event {event['seq']} carries a hashed text, which jcs never does")
    try:
        text = jcs(body)
        if "hashed" in event:
            hashed = event["hashed"]
            if not isinstance(hashed, str) or jcs(json.loads(hashed)) != text:
                raise Failed(f"{what}: event {event['seq']}'s hashed text is not the event")
            text = hashed
    except (NotCanonicalisable, ValueError, RecursionError) as error:
        raise Failed(f"{what}: event {event['seq']} is not plain JSON: {error}") from None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ends(events: list[Any], count: int, head: str | None, what: str) -> None:
    last = events[-1]["hash"] if events else None
    if len(events) != count:
        raise Failed(f"{what}: it holds {len(events)} events but the manifest says {count}")
    if last != head:
        raise Failed(f"{what}: its last hash is not the head the manifest was signed with")


def authority(entries: list[Any], events: list[Any], directory: list[Any], cid: str) -> None:
    """One entry per act in a role, in order, citing only directory events it holds."""
    acts = [e for e in events if e["role"] is not None]
    known = {e["seq"] for e in directory}
    if len(entries) != len(acts):
        raise Failed(f"change {cid}'s role holders are not one for each act in a role")
    for entry, act in zip(entries, acts, strict=True):
        if not isinstance(entry, dict):
            raise Failed(f"change {cid}'s role holders hold something that is not an entry")
        if (entry.get("seq"), entry.get("actor"), entry.get("role")) != (
            act["seq"], act["actor"], act["role"],
        ):  # fmt: skip
            raise Failed(f"change {cid}'s role holders name an act its log does not have")
        if entry.get("held_by") not in HELD_BY:
            raise Failed(f"change {cid}'s role holders say an unknown way of holding a role")
        cited = entry.get("directory_seqs")
        if not isinstance(cited, list) or not all(whole(s) and s in known for s in cited):
            raise Failed(f"change {cid}'s role holders cite directory events not in the bundle")


def histories(entries: list[Any], change: ChangeEntry, events: list[Any]) -> str:
    """Every hash the histories recorded is the log's; their runs follow on one from
    another; they reach the log's last event; and the last has not continued as new."""
    cid, hashes = change.change_id, {e["seq"]: e["hash"] for e in events}
    if [e.get("run_id") if isinstance(e, dict) else None for e in entries] != change.histories:
        raise Failed(f"change {cid}'s histories are not the runs the manifest names")
    last, previous_run, ending = 0, None, "none"
    for entry in entries:
        try:
            history = unpack_history(entry)
            pairs = recorded_pairs(history)
            follows, ending = history_ending(history)
        except HistoryProblem as problem:
            raise Failed(f"change {cid}'s history of run {entry['run_id']}: {problem}") from None
        if previous_run is not None and follows != previous_run:
            raise Failed(
                f"change {cid}'s history of run {entry['run_id']} does not follow the one before it"
            )
        for seq, value in pairs:
            if hashes.get(seq) != value:
                raise Failed(
                    f"change {cid}'s histories record event {seq} with a hash its log does not have"
                )
            last = max(last, seq)
        previous_run = entry["run_id"]
    return _reach(cid, entries, last, len(events), ending)


def _reach(cid: str, entries: list[Any], last: int, count: int, ending: str) -> str:
    if not entries:
        return f"change {cid}: no Temporal history remains; the log stands on its chain alone"
    if ending == "continued":
        raise Failed(f"change {cid}'s last history continued as new, but its next run is missing")
    if last != count:
        raise Failed(f"change {cid}'s histories end at event {last}, its log at {count}")
    return (
        f"change {cid}: {len(entries)} Temporal histories, one run after another, record "
        f"the same hashes as the log, to its last event"
    )


def directory_events(events: Any, count: int) -> str:
    if not isinstance(events, list):
        raise Failed(f"part {DIRECTORY_PART} is not a list")
    if len(events) != count:
        raise Failed(f"the directory part holds {len(events)} events, the manifest says {count}")
    last = 0
    for event in events:
        if not isinstance(event, dict) or any(field not in event for field in HASHED_FIELDS):
            raise Failed("a directory event lacks some of its fields")
        if not whole(event["seq"]) or event["seq"] <= last:
            raise Failed("the directory events are not in order")
        if event["change_id"] != events[0]["change_id"]:
            raise Failed(f"directory event {event['seq']} belongs to another log")
        if hash_of(event, HashScheme.SORTED_JSON, "the directory") != event.get("hash"):
            raise Failed(f"directory event {event['seq']} was altered after it was written")
        last = event["seq"]
    return f"{len(events)} directory events about the people who acted hash correctly"
