"""A local GOV.UK Notify for tests: `POST /v2/notifications/email` over real HTTP, with
Notify's JWT check, request validation and answer shapes, keeping every email it accepts.

The shapes follow Notify's client documentation: errors are
`{"status_code": ..., "errors": [{"error": ..., "message": ...}]}`, schema problems are
`ValidationError`s, and an unknown template or missing personalisation a `BadRequestError`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt

from tests.support.local_http import QuietHandler, serving

EMAIL_PATH = "/v2/notifications/email"
CLOCK_TOLERANCE_SECONDS = 30
TEMPLATE_VERSION = 1
PLACEHOLDERS = ("subject", "body")
"""The emulated template is subject `((subject))` and body `((body))`."""
FROM_EMAIL = "throughline.test@notifications.service.gov.uk"
INJECTED = {
    500: ("Exception", "Internal server error"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
}


class Refusal(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"status_code": status, "errors": [{"error": error, "message": message}]}


@dataclass(frozen=True)
class AcceptedEmail:
    id: str
    email_address: str
    template_id: str
    personalisation: dict[str, Any]
    reference: str | None


@dataclass
class NotifyEmulator:
    """One Notify service with one API key and one email template."""

    base_url: str = ""
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    template_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    accepted: list[AcceptedEmail] = field(default_factory=list)
    requests: int = 0
    _failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def api_key(self, name: str = "throughline_test") -> str:
        return f"{name}-{self.service_id}-{self.secret}"

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` requests with `status` (500 or 429), whatever they hold."""
        with self._lock:
            self._failures.extend([status] * count)

    def answer(self, authorization: str | None, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            self._fail_if_told()
            check_token(authorization, self.service_id, self.secret)
            accepted = self._accept(parse(body))
        except Refusal as refusal:
            return refusal.status, refusal.body
        return 201, self._created(accepted)

    def _fail_if_told(self) -> None:
        with self._lock:
            self.requests += 1
            status = self._failures.pop(0) if self._failures else None
        if status is not None:
            raise Refusal(status, *INJECTED[status])

    def _accept(self, request: dict[str, Any]) -> AcceptedEmail:
        if request["template_id"] != self.template_id:
            raise Refusal(400, "BadRequestError", "Template not found")
        personalisation = request.get("personalisation") or {}
        missing = [name for name in PLACEHOLDERS if name not in personalisation]
        if missing:
            raise Refusal(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        email = AcceptedEmail(
            id=str(uuid.uuid4()),
            email_address=request["email_address"],
            template_id=request["template_id"],
            personalisation=personalisation,
            reference=request.get("reference"),
        )
        with self._lock:
            self.accepted.append(email)
        return email

    def _created(self, email: AcceptedEmail) -> dict[str, Any]:
        return {
            "id": email.id,
            "reference": email.reference,
            "content": {
                "subject": str(email.personalisation["subject"]),
                "body": str(email.personalisation["body"]),
                "from_email": FROM_EMAIL,
            },
            "uri": f"{self.base_url}/v2/notifications/{email.id}",
            "template": {
                "id": email.template_id,
                "version": TEMPLATE_VERSION,
                "uri": f"{self.base_url}/v2/template/{email.template_id}",
            },
            "scheduled_for": None,
        }


def check_token(authorization: str | None, service_id: str, secret: str) -> None:
    """Notify's check: an HS256 JWT whose `iss` is the service id, signed with the key's
    secret, issued within 30 seconds of now."""
    token = bearer_token(authorization)
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.InvalidTokenError:
        raise Refusal(
            403, "AuthError", "Invalid token: signature, api token is not valid"
        ) from None
    if issuer is None:
        raise Refusal(403, "AuthError", "Invalid token: iss field not provided")
    if issuer != service_id:
        raise Refusal(403, "AuthError", "Invalid token: service not found")
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.InvalidTokenError:
        raise Refusal(403, "AuthError", "Invalid token: signature, api token not found") from None
    issued = claims.get("iat")
    if not isinstance(issued, int | float):
        raise Refusal(403, "AuthError", "Invalid token: iat field not provided")
    if abs(time.time() - issued) > CLOCK_TOLERANCE_SECONDS:
        clock = "Error: Your system clock must be accurate to within 30 seconds"
        raise Refusal(403, "AuthError", clock)


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Refusal(401, "AuthError", "Unauthorized: authentication token must be provided")
    if authorization[:7].title() != "Bearer ":
        raise Refusal(401, "AuthError", "Unauthorized: authentication bearer scheme must be used")
    return authorization[7:]


def parse(body: bytes) -> dict[str, Any]:
    """The request body, checked against the shape of Notify's email schema."""
    try:
        request = json.loads(body)
    except ValueError:
        raise Refusal(400, "BadRequestError", "Invalid JSON supplied in POST data") from None
    if not isinstance(request, dict):
        raise Refusal(400, "ValidationError", f"{request!r} is not of type object")
    for name in ("email_address", "template_id"):
        if name not in request:
            raise Refusal(400, "ValidationError", f"{name} is a required property")
    check_fields(request)
    return request


def check_fields(request: dict[str, Any]) -> None:
    address = request["email_address"]
    if not isinstance(address, str) or "@" not in address.strip("@"):
        raise Refusal(400, "ValidationError", "email_address Not a valid email address")
    try:
        uuid.UUID(str(request["template_id"]))
    except ValueError:
        raise Refusal(400, "ValidationError", "template_id is not a valid UUID") from None
    personalisation = request.get("personalisation")
    if personalisation is not None and not isinstance(personalisation, dict):
        message = f"personalisation {personalisation!r} is not of type object"
        raise Refusal(400, "ValidationError", message)
    reference = request.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise Refusal(400, "ValidationError", f"reference {reference!r} is not of type string")


class NotifyHandler(QuietHandler):
    def do_POST(self) -> None:
        body = self.read_body()
        if self.path != EMAIL_PATH:
            self.reply(404, {"result": "error", "message": "The requested URL was not found"})
            return
        emulator: NotifyEmulator = self.state
        self.reply(*emulator.answer(self.headers.get("Authorization"), body))


@contextmanager
def running_notify_emulator() -> Iterator[NotifyEmulator]:
    """A Notify emulator on a free local port; its `base_url` is set once it listens."""
    emulator = NotifyEmulator()
    with serving(NotifyHandler, emulator) as base_url:
        emulator.base_url = base_url
        yield emulator
