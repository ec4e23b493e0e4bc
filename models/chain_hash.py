"""Event hashes on the fast path: byte for byte the text models.audit.event_hash hashes,
for either scheme, written out without pydantic and without a generic walk of the body.

Checking a long log is mostly hashing, so this is where its time goes. The top level of
every event body has the same eight keys, so their order is fixed and written by hand;
only the payload is rendered per event. Anything off the common path (a type the fast
walk does not know, a key outside ASCII, a lone surrogate) is handed to the reference
renderers, so the hash is always the one event_hash gives.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from models.audit import AuditEvent, HashScheme, event_hash
from models.jcs import es_number, jcs

_SORTED = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""What json.dumps builds on every call in models.canonical, built once."""


def _unencodable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_C_SORTED = (
    c_make_encoder(None, _unencodable, encode_basestring, None, ":", ",", True, False, True)
    if c_make_encoder is not None
    else None
)
"""The C encoder JSONEncoder.encode builds on each call, built once: the same text, a
microsecond sooner per event. None where the C accelerator is missing."""


def _sorted_text(payload: dict[str, Any]) -> str:
    if _C_SORTED is None:
        return _SORTED.encode(payload)
    return "".join(_C_SORTED(payload, 0))


_STRING = encode_basestring
"""JSON's own string escaping with non-ASCII kept, which RFC 8785 also prescribes."""

_SAFE_INTEGER = 2**53
"""Up to here an integer is exactly a double, so ECMAScript writes its plain digits."""

_ZERO = timedelta(0)


class ChainLink(NamedTuple):
    """One event of a chained log as the store reads it: the fields of an AuditEvent, in
    its order, without building a pydantic model for each."""

    change_id: str
    seq: int
    at: datetime
    actor: str
    role: str | None
    kind: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, event: AuditEvent) -> ChainLink:
        return cls(
            event.change_id,
            event.seq,
            event.at,
            event.actor,
            event.role,
            event.kind,
            event.payload,
            event.prev_hash,
            event.hash,
        )


def link_hash(link: ChainLink, scheme: HashScheme = HashScheme.SORTED_JSON) -> str:
    """The hash models.audit.event_hash gives the link's fields, in a fraction of its time."""
    change_id, seq, at, actor, role, kind, payload, prev_hash, _ = link
    try:
        if type(seq) is not int:
            raise TypeError("seq is not an int")
        rendered = _sorted_text(payload) if scheme is HashScheme.SORTED_JSON else _jcs(payload)
        text = (
            f'{{"actor":{_STRING(actor)},"at":"{_at_text(at)}","change_id":{_STRING(change_id)},'
            f'"kind":{_STRING(kind)},"payload":{rendered},"prev_hash":{_STRING(prev_hash)},'
            f'"role":{"null" if role is None else _STRING(role)},"seq":{seq}}}'
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    except (TypeError, UnicodeEncodeError):
        # Off the common path: the reference gives the hash, or raises what it raises.
        return reference_hash(link, scheme)


def reference_hash(link: ChainLink, scheme: HashScheme = HashScheme.SORTED_JSON) -> str:
    """The hash by models.audit.event_hash itself."""
    return event_hash(
        change_id=link.change_id,
        seq=link.seq,
        at=link.at,
        actor=link.actor,
        role=link.role,
        kind=link.kind,
        payload=link.payload,
        prev_hash=link.prev_hash,
        scheme=scheme,
    )


def _at_text(at: datetime) -> str:
    """As models.audit writes a time: UTC, to the microsecond. A time already at offset
    zero reads the same after astimezone, so that step is skipped."""
    if at.tzinfo is UTC or (at.tzinfo is not None and at.utcoffset() == _ZERO):
        return at.isoformat(timespec="microseconds")
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _jcs(value: Any) -> str:
    """RFC 8785 text of a JSON value, as models.jcs.jcs writes it, taking the quick way
    for the types a payload holds and handing anything else to jcs itself."""
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if kind is dict:
        return _jcs_object(value)
    if kind is int and -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
        return str(value)
    if kind is list:
        return "[" + ",".join([_jcs(item) for item in value]) + "]"
    if value is None or value is True or value is False:
        return "null" if value is None else ("true" if value else "false")
    if kind is float:
        return es_number(value)
    return jcs(value)


def _jcs_object(value: dict[Any, Any]) -> str:
    try:
        ascii_keys = "".join(value).isascii()
    except TypeError:
        ascii_keys = False
    if not ascii_keys:
        # Keys outside ASCII sort by UTF-16 code units, which the reference handles;
        # so does a key that is not a string, which it refuses.
        return jcs(value)
    parts = []
    for key, item in sorted(value.items()):
        # Text and null are most of what a payload holds: written here, not in a call.
        kind = type(item)
        rendered = _STRING(item) if kind is str else "null" if item is None else _jcs(item)
        parts.append(f"{_STRING(key)}:{rendered}")
    return "{" + ",".join(parts) + "}"
