"""Event hashes on the fast path: byte for byte the text models.audit.event_hash hashes,
for either scheme, written out without pydantic and without a generic walk of the body.

Checking a long log is mostly hashing, so this is where its time goes. The top level of
every event body has the same eight keys, so their order is fixed and written by hand;
only the payload is rendered per event. Under RFC 8785 a payload holding only text,
booleans, null, safe integers, lists and objects with ASCII keys reads exactly as the
sorted C encoder writes it, so one quick walk that proves that lets the C encoder write
it. Anything off the common path (a float, a type the fast walk does not know, a key
outside ASCII, a lone surrogate) is handed to the reference renderers, so the hash is
always the one event_hash gives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from models.audit import AuditEvent, HashScheme, event_hash, utc_text
from models.jcs import es_number, jcs

_SORTED = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""What json.dumps builds on every call in models.canonical, built once."""


def _unencodable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _one_shot(encoder: json.JSONEncoder) -> Callable[[Any, int], Sequence[str]]:
    """The C encoder JSONEncoder.encode builds on each call, built once: the same text, a
    microsecond sooner per event. Where the C accelerator is missing, the encoder itself,
    called the same way."""
    if c_make_encoder is None:
        return lambda value, _: (encoder.encode(value),)
    return c_make_encoder(  # type: ignore[no-any-return]
        None,
        _unencodable,
        encode_basestring,
        None,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )


_C_SORTED = _one_shot(_SORTED)
"""The sorted JSON encoder, called as `"".join(_C_SORTED(value, 0))`."""

_C_PLAIN = _one_shot(
    json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
)
"""The same for RFC 8785 text, used only on values _plain_object has vouched for: there
it writes what models.jcs.jcs writes."""


_STRING = encode_basestring
"""JSON's own string escaping with non-ASCII kept, which RFC 8785 also prescribes."""

_SAFE_INTEGER = 2**53
"""Up to here an integer is exactly a double, so ECMAScript writes its plain digits."""

_ZERO = timedelta(0)

_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))
"""Month, day, hour, minute and second as isoformat writes them, looked up not formatted."""


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
    return fields_hash(change_id, seq, at, actor, role, kind, payload, prev_hash, scheme)


def fields_hash(
    change_id: str,
    seq: int,
    at: datetime,
    actor: str,
    role: str | None,
    kind: str,
    payload: dict[str, Any],
    prev_hash: str,
    scheme: HashScheme,
) -> str:
    """link_hash of a link already unpacked: a loop over a chunk unpacks each link into
    names anyway, and saves building it again or reading its fields by attribute."""
    try:
        if type(seq) is not int:
            raise TypeError("seq is not an int")
        if scheme is HashScheme.SORTED_JSON:
            rendered = "".join(_C_SORTED(payload, 0))
        elif type(payload) is dict and _plain_payload(payload):
            rendered = "".join(_C_PLAIN(payload, 0))
        else:
            rendered = _jcs(payload)
        text = (
            f'{{"actor":{_STRING(actor)},"at":"{_at_text(at)}","change_id":{_STRING(change_id)},'
            f'"kind":{_STRING(kind)},"payload":{rendered},"prev_hash":{_STRING(prev_hash)},'
            f'"role":{"null" if role is None else _STRING(role)},"seq":{seq}}}'
        )
        return hashlib.sha256(text.encode()).hexdigest()
    except (TypeError, UnicodeEncodeError):
        # Off the common path: the reference gives the hash, or raises what it raises.
        link = ChainLink(change_id, seq, at, actor, role, kind, payload, prev_hash, "")
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
    zero needs no conversion, and its fields are put together from a table, in about
    half the time isoformat takes."""
    if type(at) is not datetime or not (
        at.tzinfo is UTC or (at.tzinfo is not None and at.utcoffset() == _ZERO)
    ):
        return utc_text(at)
    two, micro = _TWO_DIGITS, at.microsecond
    return (
        f"{at.year:04d}-{two[at.month]}-{two[at.day]}T{two[at.hour]}:{two[at.minute]}:"
        f"{two[at.second]}.{'000000' if micro == 0 else f'{micro:06d}'}+00:00"
    )


def _plain_payload(payload: dict[Any, Any]) -> bool:
    """Whether the C encoder writes a payload's RFC 8785 text (see _plain_object). One too
    deep to walk is left to _jcs, which fails as it always has."""
    try:
        return _plain_object(payload)
    except RecursionError:
        return False


def _plain_object(value: dict[Any, Any]) -> bool:
    """Whether an object's keys are ASCII text, so sorting by code point is sorting by
    UTF-16 code unit, and everything in it is plain (see _plain_items)."""
    try:
        if not "".join(value).isascii():
            return False
    except TypeError:
        return False  # a key that is not text, which the C encoder would quietly write
    return _plain_items(value.values())


def _plain_items(items: Iterable[Any]) -> bool:
    """Whether each value is text, a boolean, null, an integer a double holds exactly,
    or a list or object of the same. Floats are not: ECMAScript writes them its own way."""
    for item in items:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -_SAFE_INTEGER <= item <= _SAFE_INTEGER:
                continue
            return False
        if kind is dict:
            if _plain_object(item):
                continue
            return False
        if kind is not list or not _plain_items(item):
            return False
    return True


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
