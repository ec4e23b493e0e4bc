"""Checking an audit bundle with nothing but the bundle (and, best, the public key one
trusts): the signature, every part against the manifest, every chain link by link and
hash by hash, and the logs against the hashes Temporal's histories recorded. It says in
plain words what it checked and the first thing that fails. docs/audit-bundle.md is
the specification; this is one implementation of it, tests/verifiers holds another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from models.audit import GENESIS_HASH, HashScheme
from models.base import Strict
from models.bundle import (
    DIRECTORY_PART,
    PART_KINDS,
    ChangeEntry,
    Manifest,
    digest,
    part_name,
    wire_evidence,
)
from models.bundle_history import HistoryProblem, recorded_hashes, unpack_history
from models.jcs import NotCanonicalisable, jcs, jcs_bytes

HASHED_FIELDS = ("change_id", "seq", "at", "actor", "role", "kind", "payload", "prev_hash")
HELD_BY = ("own role", "delegation", "not shown")


class BundleReport(Strict):
    intact: bool
    checked: list[str]
    problem: str | None = None
    kid: str | None = None
    key_pinned: bool = False


class Failed(Exception):
    """The first thing about a bundle that does not hold."""


def check_bundle(document: Any, public_key: str | None = None) -> BundleReport:
    """Every check in order; the report stops at the first failure."""
    checked: list[str] = []
    kid = None
    try:
        manifest = _manifest(document)
        kid = manifest.key.kid
        checked.append(_signature(document, manifest, public_key))
        checked.append(_parts(document["parts"], manifest))
        for change in manifest.changes:
            checked.extend(_change(document["parts"], change))
        checked.append(_directory(document["parts"][DIRECTORY_PART], manifest.directory_events))
    except Failed as failure:
        return BundleReport(
            intact=False, checked=checked, problem=str(failure), kid=kid,
            key_pinned=public_key is not None,
        )  # fmt: skip
    return BundleReport(intact=True, checked=checked, kid=kid, key_pinned=public_key is not None)


def _manifest(document: Any) -> Manifest:
    if not isinstance(document, dict) or set(document) != {"manifest", "signature", "parts"}:
        raise Failed("this is not an audit bundle: it must hold manifest, signature and parts")
    if not isinstance(document["parts"], dict) or not isinstance(document["signature"], dict):
        raise Failed("this is not an audit bundle: parts and signature must be objects")
    try:
        return Manifest.model_validate(document["manifest"])
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Failed(f"the manifest is not in the expected form: {where}: {first['msg']}") from None


def public_key_bytes(text: str) -> bytes:
    """A raw 32-byte Ed25519 public key from its base64."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise Failed("the public key is not base64") from None
    if len(raw) != 32:
        raise Failed(f"the public key is {len(raw)} bytes; an Ed25519 key is 32")
    return raw


def _signature(document: dict[str, Any], manifest: Manifest, pinned: str | None) -> str:
    if set(document["signature"]) != {"alg", "kid", "value"}:
        raise Failed("the signature must hold exactly alg, kid and value")
    if document["signature"]["alg"] != "Ed25519":
        raise Failed("the signature's algorithm is not Ed25519, the only one bundles use")
    raw = public_key_bytes(manifest.key.public_key)
    kid = hashlib.sha256(raw).hexdigest()[:16]
    if manifest.key.kid != kid or document["signature"].get("kid") != kid:
        raise Failed("the key id in the manifest or signature is not the key's own id")
    if pinned is not None and public_key_bytes(pinned) != raw:
        raise Failed(f"the bundle is signed with key {kid}, not with the public key given")
    try:
        signature = base64.b64decode(str(document["signature"].get("value")), validate=True)
        signed = jcs_bytes(document["manifest"])
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, signed)
    except (binascii.Error, ValueError, InvalidSignature, NotCanonicalisable):
        raise Failed(
            "the signature does not match the manifest: the manifest was changed after it "
            "was signed, or the signature is not this key's"
        ) from None
    whose = "the public key given" if pinned else "the key the bundle names (none was given)"
    return f"the manifest is signed with Ed25519 by key {kid}, {whose}"


def _parts(parts: dict[str, Any], manifest: Manifest) -> str:
    ids = [change.change_id for change in manifest.changes]
    if len(set(ids)) != len(ids):
        raise Failed("the manifest lists a change twice")
    expected = {DIRECTORY_PART} | {
        part_name(change.change_id, kind) for change in manifest.changes for kind in PART_KINDS
    }
    for name in sorted(expected | set(manifest.parts) | set(parts)):
        if name not in manifest.parts or name not in expected:
            raise Failed(f"part {name} is not one the manifest vouches for")
        if name not in parts:
            raise Failed(f"part {name} is missing")
        if _digest(parts[name], name) != manifest.parts[name]:
            raise Failed(f"part {name} was changed: its digest is not the manifest's")
    return f"all {len(expected)} parts are present and match their digests in the manifest"


def _digest(value: Any, name: str) -> str:
    try:
        return digest(value)
    except NotCanonicalisable as error:
        raise Failed(f"part {name} is not plain JSON: {error}") from None


def _change(parts: dict[str, Any], change: ChangeEntry) -> list[str]:
    cid = change.change_id
    events = _list(parts, part_name(cid, "events"))
    _chain(events, cid, change.hash_scheme, f"change {cid}'s audit log")
    _ends(events, change.events, change.head_hash, f"change {cid}'s audit log")
    refusals = _list(parts, part_name(cid, "refusals"))
    _chain(refusals, cid, HashScheme.SORTED_JSON, f"change {cid}'s refusals log")
    _ends(refusals, change.refusals, change.refusals_head, f"change {cid}'s refusals log")
    if not all(_count(refusal.get("repeats")) for refusal in refusals):
        raise Failed(f"change {cid}'s refusals log has a repeats that is not a count")
    if _list(parts, part_name(cid, "evidence")) != wire_evidence(events):
        raise Failed(
            f"change {cid}'s evidence part does not list the fingerprints its events carry"
        )
    _authority(_list(parts, part_name(cid, "authority")), events, parts[DIRECTORY_PART], cid)
    runs = _histories(_list(parts, part_name(cid, "histories")), change, events)
    return [
        f"change {cid}: {len(events)} audit events link up and hash correctly "
        f"({change.hash_scheme.value}), ending at the manifest's head",
        f"change {cid}: {len(refusals)} refused attempts link up and hash correctly",
        f"change {cid}: evidence fingerprints and role holders agree with the events",
        f"change {cid}: {runs} Temporal histories record the same hashes as the log",
    ]


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _list(parts: dict[str, Any], name: str) -> list[Any]:
    value = parts[name]
    if not isinstance(value, list):
        raise Failed(f"part {name} is not a list")
    return value


def _chain(events: list[Any], log_id: str, scheme: HashScheme, what: str) -> None:
    previous = GENESIS_HASH
    for index, event in enumerate(events, start=1):
        if not isinstance(event, dict) or any(field not in event for field in HASHED_FIELDS):
            raise Failed(f"{what}: event {index} lacks some of its fields")
        if event["seq"] != index:
            raise Failed(f"{what}: expected event {index} but found {event['seq']!r}")
        if event["change_id"] != log_id:
            raise Failed(f"{what}: event {index} belongs to another log")
        if event["prev_hash"] != previous:
            raise Failed(f"{what}: event {index} does not link to the event before it")
        if _hash_of(event, scheme, what) != event.get("hash"):
            raise Failed(f"{what}: event {index} was altered after it was written")
        previous = event["hash"]


def _hash_of(event: dict[str, Any], scheme: HashScheme, what: str) -> str:
    body = {field: event[field] for field in HASHED_FIELDS}
    try:
        text = jcs(body)
        hashed = event.get("hashed")
        if hashed is not None and scheme is HashScheme.JCS:
            raise Failed(
                f"{what}: event {event['seq']} carries a hashed text, which jcs never does"
            )
        if hashed is not None:
            if not isinstance(hashed, str) or jcs(json.loads(hashed)) != text:
                raise Failed(f"{what}: event {event['seq']}'s hashed text is not the event")
            text = hashed
    except (NotCanonicalisable, ValueError) as error:
        raise Failed(f"{what}: event {event['seq']} is not plain JSON: {error}") from None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _ends(events: list[Any], count: int, head: str | None, what: str) -> None:
    last = events[-1]["hash"] if events else None
    if len(events) != count:
        raise Failed(f"{what}: it holds {len(events)} events but the manifest says {count}")
    if last != head:
        raise Failed(f"{what}: its last hash is not the head the manifest was signed with")


def _authority(entries: list[Any], events: list[Any], directory: Any, cid: str) -> None:
    """One entry per act in a role, in order, citing only directory events it holds."""
    acts = [e for e in events if e["role"] is not None]
    listed = directory if isinstance(directory, list) else []
    known = {e.get("seq") for e in listed if isinstance(e, dict)}
    if len(entries) != len(acts):
        raise Failed(f"change {cid}'s role holders are not one for each act in a role")
    for entry, act in zip(entries, acts, strict=True):
        named = (
            (entry.get("seq"), entry.get("actor"), entry.get("role"))
            if isinstance(entry, dict)
            else None
        )
        if named != (act["seq"], act["actor"], act["role"]):
            raise Failed(f"change {cid}'s role holders name an act its log does not have")
        if entry.get("held_by") not in HELD_BY:
            raise Failed(f"change {cid}'s role holders say an unknown way of holding a role")
        if not set(entry.get("directory_seqs") or []) <= known:
            raise Failed(f"change {cid}'s role holders cite directory events not in the bundle")


def _histories(entries: list[Any], change: ChangeEntry, events: list[Any]) -> int:
    cid, hashes = change.change_id, {e["seq"]: e["hash"] for e in events}
    if [e.get("run_id") if isinstance(e, dict) else None for e in entries] != change.histories:
        raise Failed(f"change {cid}'s histories are not the runs the manifest names")
    recorded: dict[int, str] = {}
    for entry in entries:
        try:
            recorded.update(recorded_hashes(unpack_history(entry)))
        except HistoryProblem as problem:
            raise Failed(f"change {cid}'s history of run {entry['run_id']}: {problem}") from None
    for seq, value in sorted(recorded.items()):
        if hashes.get(seq) != value:
            raise Failed(
                f"change {cid}'s histories record event {seq} with a hash its log does not have"
            )
    if change.closed and recorded and max(recorded) != len(events):
        raise Failed(
            f"change {cid}'s histories end at event {max(recorded)}, its log at {len(events)}"
        )
    return len(entries)


def _directory(events: Any, count: int) -> str:
    if not isinstance(events, list):
        raise Failed(f"part {DIRECTORY_PART} is not a list")
    if len(events) != count:
        raise Failed(f"the directory part holds {len(events)} events, the manifest says {count}")
    last = 0
    for event in events:
        if not isinstance(event, dict) or any(field not in event for field in HASHED_FIELDS):
            raise Failed("a directory event lacks some of its fields")
        if not isinstance(event["seq"], int) or event["seq"] <= last:
            raise Failed("the directory events are not in order")
        if _hash_of(event, HashScheme.SORTED_JSON, "the directory") != event.get("hash"):
            raise Failed(f"directory event {event['seq']} was altered after it was written")
        last = event["seq"]
    return f"{len(events)} directory events about the people who acted hash correctly"
