"""Audit bundles: what an auditor takes away and checks with no server. A bundle is one
JSON document: a manifest, its Ed25519 signature, and parts. The manifest names every
part with the sha256 of its RFC 8785 canonical text, so signing the manifest signs the
whole. The layout is specified in docs/audit-bundle.md, for verifiers in any language.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field

from models.audit import GENESIS_HASH, AuditEvent, HashScheme, utc_text
from models.base import Strict
from models.bundle_authority import authority_part, directory_part
from models.canonical import canonical_json, sha256_hex
from models.change import ChangeStatus
from models.jcs import jcs

FORMAT: Literal["throughline-audit-bundle"] = "throughline-audit-bundle"
VERSION: Literal[2] = 2
"""Version 2 reads the events a history recorded from local projections' markers as well:
a verifier of version 1 alone would find too few. Version 1 bundles still verify."""
DIRECTORY_PART = "directory/events"
PART_KINDS = ("events", "refusals", "evidence", "authority", "histories")
"""The parts each change in a bundle has, named changes/<change id>/<kind>."""


def part_name(change_id: str, kind: str) -> str:
    return f"changes/{change_id}/{kind}"


def digest(value: Any) -> str:
    """The sha256 of a value's RFC 8785 canonical text: how every part is named."""
    return sha256_hex(jcs(value))


class BundleScope(Strict):
    """What was asked for: one change, a service's changes, or the changes with events
    in a time range."""

    kind: Literal["change", "service", "range"]
    change_id: str | None = None
    service: str | None = None
    since: str | None = None
    until: str | None = None


class SigningKey(Strict):
    alg: Literal["Ed25519"] = "Ed25519"
    kid: str = Field(description="The first 16 hex digits of the raw public key's sha256.")
    public_key: str = Field(description="The raw 32-byte public key, base64.")


class ChangeFacts(Strict):
    """What a bundle says of a change besides its logs."""

    change_id: str
    title: str
    service: str
    status: ChangeStatus
    closed: bool
    hash_scheme: HashScheme


class ChangeEntry(ChangeFacts):
    """One change, as the manifest vouches for it."""

    events: int
    head_hash: str
    refusals: int
    refusals_head: str | None
    histories: list[str] = Field(description="The run ids of the histories included.")


class Manifest(Strict):
    format: Literal["throughline-audit-bundle"] = FORMAT
    version: Literal[1, 2] = VERSION
    exported_at: str
    exported_by: str
    scope: BundleScope
    key: SigningKey
    changes: list[ChangeEntry]
    directory_events: int
    parts: dict[str, str] = Field(description="Every part's name and digest.")


def wire_event(event: AuditEvent, scheme: HashScheme) -> dict[str, Any]:
    """An event as a bundle holds it: the fields its hash covers, as they were hashed.
    Under the first scheme, where its text differs from RFC 8785's, the exact text
    hashed goes beside it as `hashed`, so any language can check it."""
    body = hashed_fields(event)
    wire = {**body, "hash": event.hash}
    if scheme is HashScheme.SORTED_JSON:
        text = canonical_json(body)
        if text != jcs(body):
            wire["hashed"] = text
    return wire


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "change_id": event.change_id,
        "seq": event.seq,
        "at": utc_text(event.at),
        "actor": event.actor,
        "role": event.role,
        "kind": event.kind,
        "payload": event.payload,
        "prev_hash": event.prev_hash,
    }


def _fingerprinted(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [item for entry in value for item in _fingerprinted(entry)]
    if not isinstance(value, dict):
        return []
    if isinstance(value.get("uri"), str) and isinstance(value.get("sha256"), str):
        return [{"title": value.get("title"), "uri": value["uri"], "sha256": value["sha256"]}]
    ordered = sorted(value, key=lambda key: str(key).encode("utf-16-be"))
    return [item for key in ordered for item in _fingerprinted(value[key])]


def wire_evidence(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every evidence fingerprint the events carry, in order: anything with a uri and a
    sha256, wherever in a payload it sits (keys in sorted order)."""
    found: list[dict[str, Any]] = []
    for event in events:
        for item in _fingerprinted(event.get("payload")):
            found.append({"seq": event.get("seq"), "kind": event.get("kind"), **item})
    return found


def now_text() -> str:
    return utc_text(datetime.now(UTC))


class ChangeRecord(ChangeFacts):
    """Everything a bundle holds about one change, gathered by the service."""

    events: list[AuditEvent]
    refusals: list[AuditEvent]
    repeats: dict[int, int] = Field(default_factory=dict)
    histories: list[dict[str, Any]] = Field(default_factory=list)


def change_parts(
    record: ChangeRecord, directory_events: list[AuditEvent]
) -> tuple[ChangeEntry, dict[str, Any]]:
    """A change's parts, and the manifest's entry vouching for them."""
    events = [wire_event(e, record.hash_scheme) for e in record.events]
    refusals = [
        {**wire_event(e, HashScheme.SORTED_JSON), "repeats": record.repeats.get(e.seq, 0)}
        for e in record.refusals
    ]
    parts = {
        "events": events,
        "refusals": refusals,
        "evidence": wire_evidence(events),
        "authority": authority_part(record.events, directory_events),
        "histories": record.histories,
    }
    entry = ChangeEntry(
        **record.model_dump(include=set(ChangeFacts.model_fields)),
        events=len(events),
        head_hash=record.events[-1].hash if record.events else GENESIS_HASH,
        refusals=len(refusals),
        refusals_head=record.refusals[-1].hash if record.refusals else None,
        histories=[h["run_id"] for h in record.histories],
    )
    return entry, {part_name(record.change_id, kind): value for kind, value in parts.items()}


def unsigned_bundle(
    scope: BundleScope,
    actor: str,
    key: SigningKey,
    records: list[ChangeRecord],
    directory_events: list[AuditEvent],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and parts of a bundle, ready to sign: the directory events that
    matter to any of the changes, each change's parts, and every part's digest."""
    chosen = {e.seq: e for r in records for e in directory_part(directory_events, r.events)}
    directory = sorted(chosen.values(), key=lambda e: e.seq)
    entries, parts = (
        [],
        {DIRECTORY_PART: [wire_event(e, HashScheme.SORTED_JSON) for e in directory]},
    )
    for record in records:
        entry, own = change_parts(record, directory)
        entries.append(entry)
        parts.update(own)
    manifest = Manifest(
        exported_at=now_text(),
        exported_by=actor,
        scope=scope,
        key=key,
        changes=entries,
        directory_events=len(directory),
        parts={name: digest(value) for name, value in sorted(parts.items())},
    )
    return manifest.model_dump(mode="json"), parts
