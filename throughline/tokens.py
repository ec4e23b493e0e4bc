"""Signed, expiring bearer tokens. A token names a person; roles come from the directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from models.errors import Unauthenticated

ISSUER = "throughline"
ALGORITHM = "HS256"


def issue_token(person_id: str, secret: str, ttl: timedelta, now: datetime | None = None) -> str:
    issued = now or datetime.now(UTC)
    claims = {"sub": person_id, "iss": ISSUER, "iat": issued, "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> str:
    """The person a token names; refuses expired, forged or malformed tokens."""
    try:
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
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise Unauthenticated("the token names no person")
    return subject
