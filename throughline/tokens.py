"""Signed, expiring bearer tokens. A token names a person; roles come from the directory.

Each token carries a key id (`kid`), so the signing key can be rotated without a
restart: new tokens use the newest key, and older ones stay valid until they expire or
are revoked. Each token also carries its own id (`jti`), so one token can be revoked.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import jwt

from models.errors import Unauthenticated
from throughline.files import private_dir

ISSUER = "throughline"
ALGORITHM = "HS256"
PRIMARY_KID = "primary"
"""The key id of the secret set in THROUGHLINE_TOKEN_SECRET (or generated once)."""
TOKEN_MAX_HOURS = 30 * 24
"""No token lives longer than this, whatever the setting asks."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    secret: str
    created_at: datetime


@dataclass(frozen=True)
class IssuedToken:
    token: str
    token_id: str
    person: str
    expires_at: datetime


@dataclass(frozen=True)
class TokenClaims:
    person: str
    token_id: str | None
    issued_at: datetime
    expires_at: datetime


class KeyRing:
    """The keys tokens may be signed with; the newest signs, any verifies."""

    def __init__(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise ValueError("a key ring needs at least one key")
        self._keys = sorted(keys, key=lambda k: k.created_at)
        self._by_kid = {k.kid: k for k in self._keys}

    @property
    def current(self) -> SigningKey:
        return self._keys[-1]

    def secret_for(self, kid: str | None) -> str | None:
        key = self._by_kid.get(kid or PRIMARY_KID)
        return key.secret if key else None

    @classmethod
    def of(cls, secret: str) -> KeyRing:
        return cls([SigningKey(PRIMARY_KID, secret, datetime.fromtimestamp(0, UTC))])


def issue_token(
    person_id: str, ring: KeyRing, ttl: timedelta, now: datetime | None = None
) -> IssuedToken:
    issued = now or datetime.now(UTC)
    expires = issued + min(ttl, timedelta(hours=TOKEN_MAX_HOURS))
    token_id = uuid.uuid4().hex
    claims = {
        "sub": person_id,
        "iss": ISSUER,
        "jti": token_id,
        # Exact to the microsecond, so "every token issued until now" is exact too.
        "iat": issued.timestamp(),
        "exp": int(expires.timestamp()),
    }
    key = ring.current
    token = jwt.encode(claims, key.secret, algorithm=ALGORITHM, headers={"kid": key.kid})
    return IssuedToken(token=token, token_id=token_id, person=person_id, expires_at=expires)


def read_token(token: str, ring: KeyRing) -> TokenClaims:
    """What a token says; refuses expired, forged or malformed tokens."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        secret = ring.secret_for(kid if isinstance(kid, str) else None)
        if secret is None:
            raise Unauthenticated("the token was signed with a key this server does not know")
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["sub", "exp", "iat", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the token has expired; ask for a new one") from None
    except jwt.InvalidTokenError:
        raise Unauthenticated("the token is not valid") from None
    return _claims(claims)


def _claims(claims: dict[str, object]) -> TokenClaims:
    subject, token_id = claims.get("sub"), claims.get("jti")
    issued, expires = claims.get("iat"), claims.get("exp")
    if not isinstance(subject, str) or not subject:
        raise Unauthenticated("the token names no person")
    if not isinstance(issued, int | float) or not isinstance(expires, int | float):
        raise Unauthenticated("the token is not valid")
    return TokenClaims(
        person=subject,
        token_id=token_id if isinstance(token_id, str) else None,
        issued_at=datetime.fromtimestamp(issued, UTC),
        expires_at=datetime.fromtimestamp(expires, UTC),
    )


class KeyFile:
    """Rotated signing keys, kept in a private JSON file that every API process reads.

    The file is read again whenever it changes, so a rotation needs no restart.
    """

    def __init__(self, path: Path, primary: str) -> None:
        self.path = path
        self._primary = SigningKey(PRIMARY_KID, primary, datetime.fromtimestamp(0, UTC))
        self._seen: tuple[float, KeyRing] | None = None

    def ring(self) -> KeyRing:
        try:
            changed = self.path.stat().st_mtime
        except FileNotFoundError:
            return KeyRing([self._primary])
        if self._seen is None or self._seen[0] != changed:
            self._seen = (changed, KeyRing([self._primary, *self._read()]))
        return self._seen[1]

    def rotate(self, now: datetime | None = None) -> SigningKey:
        """Add a new newest key; drop keys superseded longer ago than any token lives."""
        moment = now or datetime.now(UTC)
        new = SigningKey(f"k{uuid.uuid4().hex[:12]}", secrets.token_urlsafe(48), moment)
        keys = [*self._read(), new]
        still_useful = [old for old, newer in pairwise(keys) if _may_verify(newer, moment)]
        self._write([*still_useful, new])
        return new

    def _read(self) -> list[SigningKey]:
        if not self.path.exists():
            return []
        entries = json.loads(self.path.read_text(encoding="utf-8"))["keys"]
        return [
            SigningKey(e["kid"], e["secret"], datetime.fromisoformat(e["created_at"]))
            for e in entries
        ]

    def _write(self, keys: list[SigningKey]) -> None:
        entries = [
            {"kid": k.kid, "secret": k.secret, "created_at": k.created_at.isoformat()} for k in keys
        ]
        text = json.dumps({"keys": entries}, indent=2)
        private_dir(self.path.parent)
        temporary = self.path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        temporary.replace(self.path)


def _may_verify(successor: SigningKey, now: datetime) -> bool:
    """A key superseded longer ago than any token lives can have signed no live token."""
    return successor.created_at > now - timedelta(hours=TOKEN_MAX_HOURS)
