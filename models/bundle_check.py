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

from models import bundle_logs as logs
from models.audit import HashScheme
from models.base import Strict
from models.bundle import (
    DIRECTORY_PART,
    PART_KINDS,
    ChangeEntry,
    Manifest,
    SigningKey,
    digest,
    part_name,
    wire_evidence,
)
from models.bundle_logs import Failed
from models.jcs import NotCanonicalisable, jcs_bytes


class BundleReport(Strict):
    intact: bool
    checked: list[str]
    problem: str | None = None
    kid: str | None = None
    key_pinned: bool = False


MALFORMED = (
    TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError, OverflowError,
)  # fmt: skip
"""A part shaped as no check foresaw: still a bundle that is not intact, never a crash."""


def check_bundle(document: Any, public_key: str | None = None) -> BundleReport:
    """Every check in order; the report stops at the first failure."""
    checked: list[str] = []
    kid = None
    try:
        manifest = _manifest(document)
        kid = manifest.key.kid
        checked.append(_signature(document, manifest, public_key))
        checked.append(_parts(document["parts"], manifest))
        directory = document["parts"][DIRECTORY_PART]
        checked.append(logs.directory_events(directory, manifest.directory_events))
        for change in manifest.changes:
            checked.extend(_change(document["parts"], change))
    except (Failed, *MALFORMED) as failure:
        problem = (
            str(failure)
            if isinstance(failure, Failed)
            else f"the bundle is malformed ({failure!r})"
        )
        return BundleReport(
            intact=False, checked=checked, problem=problem, kid=kid,
            key_pinned=public_key is not None,
        )  # fmt: skip
    return BundleReport(intact=True, checked=checked, kid=kid, key_pinned=public_key is not None)


def _manifest(document: Any) -> Manifest:
    if not isinstance(document, dict) or set(document) != {"manifest", "signature", "parts"}:
        raise Failed("this is not an audit bundle: it must hold manifest, signature and parts")
    if not isinstance(document["parts"], dict) or not isinstance(document["signature"], dict):
        raise Failed("this is not an audit bundle: parts and signature must be objects")
    _every_member(document["manifest"])
    try:
        return Manifest.model_validate_json(json.dumps(document["manifest"]), strict=True)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Failed(f"the manifest is not in the expected form: {where}: {first['msg']}") from None


def _every_member(manifest: Any) -> None:
    """Every member the spec names is there, none taken as a default."""
    shapes: list[tuple[Any, type[Strict], str]] = [(manifest, Manifest, "the manifest")]
    if isinstance(manifest, dict):
        shapes.append((manifest.get("key"), SigningKey, "the manifest's key"))
        changes = manifest.get("changes")
        shapes += [
            (c, ChangeEntry, "a change entry") for c in changes or [] if isinstance(changes, list)
        ]
    for value, model, what in shapes:
        missing = set(model.model_fields) - set(value) if isinstance(value, dict) else {"all"}
        if missing:
            raise Failed(f"{what} lacks {', '.join(sorted(missing))}")
    if isinstance(manifest.get("version"), bool):
        raise Failed("the manifest's version is not 1 or 2")


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
    except (NotCanonicalisable, RecursionError) as error:
        raise Failed(f"part {name} is not plain JSON: {error}") from None


def _change(parts: dict[str, Any], change: ChangeEntry) -> list[str]:
    cid = change.change_id
    events = _list(parts, part_name(cid, "events"))
    logs.chain(events, cid, change.hash_scheme, f"change {cid}'s audit log")
    logs.ends(events, change.events, change.head_hash, f"change {cid}'s audit log")
    refusals = _list(parts, part_name(cid, "refusals"))
    logs.chain(refusals, cid, HashScheme.SORTED_JSON, f"change {cid}'s refusals log")
    logs.ends(refusals, change.refusals, change.refusals_head, f"change {cid}'s refusals log")
    if not all(logs.is_count(refusal.get("repeats")) for refusal in refusals):
        raise Failed(f"change {cid}'s refusals log has a repeats that is not a count")
    if _list(parts, part_name(cid, "evidence")) != wire_evidence(events):
        raise Failed(f"change {cid}'s evidence part is not the fingerprints its events carry")
    holders = _list(parts, part_name(cid, "authority"))
    logs.authority(holders, events, parts[DIRECTORY_PART], cid)
    runs = logs.histories(_list(parts, part_name(cid, "histories")), change, events)
    return [
        f"change {cid}: {len(events)} audit events link up and hash correctly "
        f"({change.hash_scheme.value}), ending at the manifest's head",
        f"change {cid}: {len(refusals)} refused attempts link up and hash correctly",
        f"change {cid}: evidence fingerprints and role holders agree with the events",
        runs,
    ]


def _list(parts: dict[str, Any], name: str) -> list[Any]:
    value = parts[name]
    if not isinstance(value, list):
        raise Failed(f"part {name} is not a list")
    return value
