"""The OpenID Connect provider as Throughline sees it: its published metadata and keys,
and the check of a JWT it signed, whether an ID token from a sign-in or a bearer token
sent to the API."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from models.errors import Unauthenticated, Unavailable

KEYS_FRESH_SECONDS = 300
"""How long fetched signing keys are trusted before they are fetched again."""
UNKNOWN_KEY_REFETCH_SECONDS = 30
"""A token signed with a key not yet seen fetches the keys at once, at most this often,
so a stream of forged key ids cannot make Throughline hammer the provider."""
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
"""Asymmetric only: a provider's token is never checked with a shared secret."""


@dataclass
class Provider:
    """One provider, found by its issuer; metadata and keys are fetched when first needed."""

    issuer: str
    audience: str
    http: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=10))
    _metadata: dict[str, Any] | None = None
    _keys: jwt.PyJWKSet | None = None
    _keys_at: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"

    def issued(self, token: str) -> bool:
        """Whether a token names this provider as its issuer (unchecked, to pick a verifier)."""
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            return False
        return claims.get("iss") == self.issuer

    async def verify(self, token: str, nonce: str | None = None) -> dict[str, Any]:
        """The token's claims, once its signature, issuer, audience and times are right."""
        key = await self._key_for(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=SIGNING_ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
                leeway=30,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the provider's token has expired; sign in again") from None
        except jwt.InvalidAudienceError:
            detail = f"the provider's token was issued for another audience, not {self.audience!r}"
            raise Unauthenticated(detail) from None
        except jwt.InvalidTokenError as error:
            raise Unauthenticated(f"the provider's token is not valid: {error}") from None
        if nonce is not None and claims.get("nonce") != nonce:
            raise Unauthenticated("the provider's token was not issued for this sign-in")
        return claims

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            self._metadata = await self._fetch(self.metadata_url)
        return self._metadata

    async def _key_for(self, token: str) -> Any:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError:
            raise Unauthenticated("the token is not valid") from None
        keys = await self._signing_keys(refresh=False)
        found = _find(keys, kid)
        if found is None and time.monotonic() - self._keys_at > UNKNOWN_KEY_REFETCH_SECONDS:
            found = _find(await self._signing_keys(refresh=True), kid)
        if found is None:
            raise Unauthenticated("the token was signed with a key the provider does not publish")
        return found.key

    async def _signing_keys(self, refresh: bool) -> jwt.PyJWKSet:
        async with self._lock:
            stale = time.monotonic() - self._keys_at > KEYS_FRESH_SECONDS
            if self._keys is None or stale or refresh:
                self._keys = await self._fetch_keys()
                self._keys_at = time.monotonic()
            return self._keys

    async def _fetch_keys(self) -> jwt.PyJWKSet:
        jwks_uri = (await self.metadata()).get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise Unavailable(f"the sign-in provider's metadata names no jwks_uri: {self.issuer}")
        try:
            return jwt.PyJWKSet.from_dict(await self._fetch(jwks_uri))
        except jwt.PyJWTError as unusable:
            raise Unavailable(f"the sign-in provider's keys cannot be used: {unusable}") from None

    async def _fetch(self, url: str) -> dict[str, Any]:
        try:
            response = await self.http.get(url)
            response.raise_for_status()
            document: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            detail = f"the sign-in provider could not be reached at {url}: {error}"
            raise Unavailable(detail) from None
        return document


def _find(keys: jwt.PyJWKSet, kid: object) -> jwt.PyJWK | None:
    candidates = [k for k in keys.keys if kid is None or k.key_id == kid]
    return candidates[0] if len(candidates) == 1 or (kid is not None and candidates) else None
