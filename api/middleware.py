"""What every request meets before a route: security headers, authentication before the
body is read, a size limit, and a JSON check that names what is wrong with a body.

Order matters and is set in api/app.py: headers wrap everything, so refusals carry them
too; authentication comes before any byte of the body is read, so an anonymous caller
learns nothing from a malformed body but that it must sign in.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import TransportError
from models.errors import ThroughlineError
from models.playbook_source import YAML_MEDIA_TYPES
from throughline.metrics import REQUEST_SECONDS, REQUESTS

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32
"""The deepest nesting a body may have; Throughline's own bodies nest five levels."""

PUBLIC_PATHS = frozenset(
    {
        "/healthz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/.well-known/throughline-audit-key",
    }
)
PAGE_PREFIXES = ("/web/", "/assets/", "/static/")
"""Pages and their files: pages keep their own sessions, and take form posts, not JSON."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The largest form a page takes: evidence files are fingerprinted, never kept."""
YAML_PATHS = frozenset({"/admin/playbooks", "/admin/playbooks/validate", "/admin/playbooks/diff"})
"""Routes that also take YAML: playbooks, which admins write by hand."""


def is_public(path: str) -> bool:
    """Paths the bearer-token gate and the JSON check leave alone."""
    return path in PUBLIC_PATHS or path in ("/", "/web") or path.startswith(PAGE_PREFIXES)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}

Authenticate = Callable[[Scope, str | None], Awaitable[Any]]


def refusal(status: int, code: str, detail: str) -> JSONResponse:
    """The one error shape, for refusals made before a route runs."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


class SecurityHeaders:
    """Adds the headers every response must carry, whoever produced it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


class AuthenticationGate:
    """Authenticates every non-public request before its body is read.

    The caller it finds is kept in the request's state for the route's dependencies.
    """

    def __init__(self, app: ASGIApp, authenticate: Authenticate) -> None:
        self.app = app
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        try:
            caller = await self.authenticate(scope, Headers(scope=scope).get("authorization"))
        except ThroughlineError as error:
            await refusal(error.status, error.code, error.message)(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)


TOO_LARGE_PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template"><head><meta charset="utf-8">
<title>The form is too large - Throughline</title>
<link rel="stylesheet" href="/static/govuk/govuk-frontend.min.css"></head>
<body class="govuk-template__body"><div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">The form is too large</h1>
<p class="govuk-body">Nothing was saved: {detail}. Go back and send smaller files.</p>
</main></div></body></html>"""
"""A refusal a browser shows, for a page's form refused before the pages see it."""


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """413 for a body over the limit, whether its length is declared or it is streamed.
    Page forms may be larger, for evidence files."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_UPLOAD_BYTES if scope["path"].startswith(PAGE_PREFIXES) else self.limit
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        try:
            await self.app(scope, self._counting(receive, limit), send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send, limit)

    def _counting(self, receive: Receive, limit: int) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        return counted

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        detail = f"the request body is over the {limit // (1024 * 1024)} MiB limit"
        if scope["path"].startswith(PAGE_PREFIXES):
            await HTMLResponse(TOO_LARGE_PAGE.format(detail=detail), 413)(scope, receive, send)
            return
        await refusal(413, TransportError.PAYLOAD_TOO_LARGE, detail)(scope, receive, send)


class JsonBody:
    """Reads a request body once and refuses it, naming the problem, unless it is JSON
    in UTF-8 that nests no deeper than MAX_JSON_DEPTH. Routes then parse it as usual."""

    def __init__(self, app: ASGIApp, paths: Callable[[str], bool]) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.paths(scope["path"]):
            await self.app(scope, receive, send)
            return
        body = await _read_all(receive)
        content_type = Headers(scope=scope).get("content-type")
        if scope["path"] in YAML_PATHS and _media_type(content_type) in YAML_MEDIA_TYPES:
            await self.app(scope, _replay(body, receive), send)  # the route names any line
            return
        problem = _problem_with(body, content_type)
        if problem is not None:
            await refusal(*problem)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_all(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, then: Receive) -> Receive:
    """The body read, once; then the server's own messages, so a streamed answer that
    listens for the client going away hears it only when it really goes."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _problem_with(body: bytes, content_type: str | None) -> tuple[int, str, str] | None:
    if not body:
        return None
    media_type = _media_type(content_type)
    if media_type != "application/json" and not media_type.endswith("+json"):
        detail = "send the body as JSON, with Content-Type: application/json"
        return 415, TransportError.UNSUPPORTED_MEDIA_TYPE, detail
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return _unreadable(f"the body is not valid UTF-8 (at byte {error.start})")
    try:
        parsed = json.loads(text)
    except RecursionError:
        return _unreadable(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    except ValueError as error:
        return _unreadable(f"the body is not valid JSON: {error}")
    if _depth(parsed) > MAX_JSON_DEPTH:
        return _unreadable(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    return None


def _unreadable(detail: str) -> tuple[int, str, str]:
    return 422, TransportError.INVALID_REQUEST, detail


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _depth(value: object) -> int:
    """How deeply arrays and objects nest, without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level <= MAX_JSON_DEPTH:
            pending.extend((child, level + 1) for child in children)
    return deepest


KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Any other method is counted as OTHER, so made-up ones cannot grow the label set."""


class RequestMetrics:
    """Counts each request by its route template (not its path, so ids do not explode
    the label set) and status, and times it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"] if scope["method"] in KNOWN_METHODS else "OTHER"
            REQUESTS.labels(method, route, str(status)).inc()
            REQUEST_SECONDS.labels(method, route).observe(time.perf_counter() - started)
