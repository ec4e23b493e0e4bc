"""Webhooks signed as the Standard Webhooks specification asks: secrets, signing and
verification, and one POST whose answer says whether a retry can help.

A signature is HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, keyed by the
base64-decoded secret, sent as `v1,<base64>` in the `webhook-signature` header.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from throughline.channels.errors import ChannelError

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
USER_AGENT = "Throughline-Webhooks/1"
BODY_KEPT = 500
"""How many characters of the endpoint's answer a WebhookResponse keeps."""
RETRYABLE_CLIENT_ERRORS = frozenset({408, 409, 429})


class WebhookVerificationError(Exception):
    """A webhook whose signature or timestamp does not hold up."""


@dataclass(frozen=True)
class WebhookResponse:
    status_code: int
    body: str
    """The first 500 characters of what the endpoint answered."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signing_key(secret: str) -> bytes:
    """The key inside a `whsec_` secret; the prefix is optional, as in the reference code."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        raise ValueError("a webhook secret is base64 after its whsec_ prefix") from None
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance_seconds: int = 300,
    now: int | None = None,
) -> None:
    """Accept the webhook if any `v1` signature matches and it was sent close enough to now."""
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id")
    stamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not (msg_id and stamp and signatures):
        raise WebhookVerificationError("a webhook-id, -timestamp or -signature header is missing")
    timestamp = recent_timestamp(stamp, tolerance_seconds, now)
    expected = base64.b64decode(sign(secret, msg_id, timestamp, body).removeprefix("v1,"))
    if not any(matches(expected, given) for given in signatures.split(" ")):
        raise WebhookVerificationError("no signature matches the body")


def recent_timestamp(stamp: str, tolerance_seconds: int, now: int | None) -> int:
    # Signing the time and refusing old times is what stops a recorded webhook being replayed.
    if not stamp.isascii() or not stamp.isdigit():
        raise WebhookVerificationError("the webhook-timestamp is not whole unix seconds")
    timestamp = int(stamp)
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        raise WebhookVerificationError("the webhook-timestamp is too far from now")
    return timestamp


def matches(expected: bytes, versioned: str) -> bool:
    version, _, encoded = versioned.partition(",")
    if version != "v1":
        return False
    try:
        given = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        return False
    return hmac.compare_digest(expected, given)


def signed_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


async def post_webhook(
    url: str,
    secret: str,
    msg_id: str,
    payload: Mapping[str, Any],
    timeout_seconds: float = 10,
    now: int | None = None,
    *,
    client: httpx.AsyncClient | None = None,
) -> WebhookResponse:
    """POST one signed webhook; pass a long-lived `client` to reuse its connections.

    Redirects are not followed: the signature was made for this endpoint alone.
    """
    body = compact_json(payload)
    timestamp = int(time.time()) if now is None else now
    try:
        headers = signed_headers(secret, msg_id, timestamp, body)
    except ValueError as error:
        raise ChannelError(str(error), permanent=True) from None
    if client is not None:
        return await _post(client, url, body, headers, timeout_seconds)
    async with httpx.AsyncClient() as own_client:
        return await _post(own_client, url, body, headers, timeout_seconds)


def compact_json(payload: Mapping[str, Any]) -> bytes:
    try:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ChannelError(
            f"the payload cannot be written as JSON: {error}", permanent=True
        ) from None
    return text.encode()


async def _post(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], seconds: float
) -> WebhookResponse:
    try:
        request = client.build_request("POST", url, content=body, headers=headers, timeout=seconds)
        response = await client.send(request, follow_redirects=False, stream=True)
        try:
            answer = await first_characters(response)
        finally:
            await response.aclose()
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        raise ChannelError(
            "the webhook URL is not a valid http or https URL", permanent=True
        ) from None
    except httpx.TimeoutException:
        raise unanswered(url, f"did not answer within {seconds:g} seconds") from None
    except httpx.TransportError as error:
        raise unanswered(url, f"could not be reached ({type(error).__name__})") from None
    return outcome(url, WebhookResponse(response.status_code, answer))


async def first_characters(response: httpx.Response) -> str:
    """The start of the answer, without reading an endless body to find it."""
    kept = b""
    async for chunk in response.aiter_bytes():
        kept += chunk
        if len(kept) >= BODY_KEPT * 4:
            break
    return kept.decode(response.encoding or "utf-8", errors="replace")[:BODY_KEPT]


def outcome(url: str, response: WebhookResponse) -> WebhookResponse:
    """2xx is delivered; 408, 409, 429 and 5xx may pass later; anything else will not."""
    status = response.status_code
    if 200 <= status < 300:
        return response
    transient = status >= 500 or status in RETRYABLE_CLIENT_ERRORS
    reason = httpx.codes.get_reason_phrase(status)
    message = f"the webhook endpoint at {host(url)} answered {status} {reason}".rstrip()
    raise ChannelError(message, permanent=not transient, status_code=status)


def unanswered(url: str, reason: str) -> ChannelError:
    return ChannelError(f"the webhook endpoint at {host(url)} {reason}", permanent=False)


def host(url: str) -> str:
    """Only the host, since a URL's path or query may hold a token."""
    try:
        return httpx.URL(url).host or "an unknown host"
    except httpx.InvalidURL:
        return "an unknown host"
