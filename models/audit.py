"""The append-only audit log: every state change, chained by hash so edits show.

Hashes are computed inside the workflow (deterministically), so the chain does not
depend on the order in which projection activities happen to commit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from models.base import Strict
from models.canonical import fingerprint, sha256_hex
from models.jcs import jcs

GENESIS_HASH = "0" * 64

AnchorSource = Literal["temporal", "archive", "read_model"]
"""Where the last event a log must end at is known from."""


class HashScheme(StrEnum):
    """How an event's fields are written out before they are hashed. A log keeps one
    scheme for life, so existing hashes never change."""

    SORTED_JSON = "sorted-json"
    """Python's json.dumps with sorted keys, no spaces, non-ASCII kept: the first
    scheme. Other languages write some numbers differently (4.0 where they write 4)."""
    JCS = "jcs"
    """RFC 8785, the JSON Canonicalization Scheme, which any language can reproduce."""


class AuditEvent(Strict):
    change_id: str
    seq: int = Field(ge=1)
    at: datetime
    actor: str
    role: str | None = None
    kind: str
    payload: dict[str, Any] = Field(default_factory=dict)
    prev_hash: str
    hash: str


def utc_text(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    change_id: str,
    seq: int,
    at: datetime,
    actor: str,
    role: str | None,
    kind: str,
    payload: dict[str, Any],
    prev_hash: str,
    scheme: HashScheme = HashScheme.SORTED_JSON,
) -> str:
    """sha256 over a canonical JSON rendering of every field but the hash itself."""
    body = {
        "change_id": change_id,
        "seq": seq,
        "at": utc_text(at),
        "actor": actor,
        "role": role,
        "kind": kind,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    if scheme is HashScheme.JCS:
        return sha256_hex(jcs(body))
    return fingerprint(body)


def chain_event(
    *,
    log_id: str,
    seq: int,
    prev_hash: str,
    at: datetime,
    actor: str,
    role: str | None,
    kind: str,
    payload: dict[str, Any],
    scheme: HashScheme = HashScheme.SORTED_JSON,
) -> AuditEvent:
    """The next event of a chained log, with its hash."""
    fields: dict[str, Any] = {
        "change_id": log_id,
        "seq": seq,
        "at": at,
        "actor": actor,
        "role": role,
        "kind": kind,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return AuditEvent(**fields, hash=event_hash(**fields, scheme=scheme))


def recompute_hash(event: AuditEvent, scheme: HashScheme = HashScheme.SORTED_JSON) -> str:
    return event_hash(
        change_id=event.change_id,
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        role=event.role,
        kind=event.kind,
        payload=event.payload,
        prev_hash=event.prev_hash,
        scheme=scheme,
    )


class ChainVerdict(Strict):
    change_id: str
    intact: bool
    events_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head_hash: str | None = None
    anchored_to: AnchorSource | None = Field(
        default=None,
        description="Where the expected last event came from: temporal (the workflow "
        "itself), archive (its archived history) or read_model; the log must end exactly there.",
    )


class ChainAnchor(Strict):
    """The last event a log must end at, from a source the log's own store cannot edit."""

    seq: int
    hash: str
    source: AnchorSource
    recorded: dict[int, str] = Field(
        default_factory=dict,
        description="The hash of each event the source recorded, by seq, when it can say.",
    )


def verify_chain(
    change_id: str,
    events: list[AuditEvent],
    anchor: ChainAnchor | None = None,
    *,
    scheme: HashScheme = HashScheme.SORTED_JSON,
) -> ChainVerdict:
    """Check sequence, linkage and every hash, and that the log ends at its anchor."""
    verdict = _verify_links(change_id, events, scheme)
    if anchor is None or not verdict.intact:
        return verdict
    verdict.anchored_to = anchor.source
    found = _anchor_problem(events, anchor, verdict.head_hash)
    if found is not None:
        verdict.intact = False
        verdict.first_bad_seq, verdict.problem = found
    return verdict


def _anchor_problem(
    events: list[AuditEvent], anchor: ChainAnchor, head: str | None
) -> tuple[int | None, str] | None:
    """Where a log that links up by itself parts from the anchor's record, and how."""
    count, source = len(events), anchor.source
    if count < anchor.seq:
        return count + 1, (
            f"the log ends at event {count} but {source} records {anchor.seq} events: "
            f"events {count + 1} to {anchor.seq} are missing"
        )
    if count > anchor.seq:
        return anchor.seq + 1, (
            f"the log has {count} events but {source} records only {anchor.seq}: "
            f"events {anchor.seq + 1} to {count} were added"
        )
    if head == anchor.hash:
        return None
    ordered = sorted(events, key=lambda e: e.seq)
    first = next((e.seq for e in ordered if anchor.recorded.get(e.seq, e.hash) != e.hash), None)
    where = f"from event {first} on" if first else f"at or before event {count}"
    return first, (
        f"the log was rewritten {where}: its {count} events link up, but the last one's hash "
        f"is not the one {source} recorded, so events were altered and their hashes "
        "recomputed"
    )


def _verify_links(change_id: str, events: list[AuditEvent], scheme: HashScheme) -> ChainVerdict:
    expected_prev = GENESIS_HASH
    for index, event in enumerate(sorted(events, key=lambda e: e.seq), start=1):
        problem = _event_problem(event, index, expected_prev, scheme)
        if problem:
            return ChainVerdict(
                change_id=change_id,
                intact=False,
                events_checked=index - 1,
                first_bad_seq=event.seq,
                problem=problem,
            )
        expected_prev = event.hash
    return ChainVerdict(
        change_id=change_id, intact=True, events_checked=len(events), head_hash=expected_prev
    )


def _event_problem(
    event: AuditEvent, expected_seq: int, expected_prev: str, scheme: HashScheme
) -> str | None:
    if event.seq != expected_seq:
        return f"expected event {expected_seq} but found {event.seq}: an event is missing"
    if event.prev_hash != expected_prev:
        return f"event {event.seq} does not link to the event before it"
    if recompute_hash(event, scheme) != event.hash:
        return f"event {event.seq} was altered after it was written"
    return None
