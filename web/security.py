"""The headers pages carry: a Content-Security-Policy that lets only our own files and one
nonce-marked script run, so text a person typed can never become script."""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE = "csp_nonce"


def policy(nonce: str, provider_origin: str | None) -> str:
    forms = "'self'" + (f" {provider_origin}" if provider_origin else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action {forms}",
            "frame-ancestors 'none'",
        ]
    )


class PageSecurity:
    """A fresh nonce per request, kept in the request state for the templates."""

    def __init__(self, app: ASGIApp, provider_origin: str | None) -> None:
        self.app = app
        self.provider_origin = provider_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})[NONCE] = nonce

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = policy(nonce, self.provider_origin)
            await send(message)

        await self.app(scope, receive, with_policy)


class CachedAssets:
    """Front-end files change only with a release, so browsers may keep them an hour."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                MutableHeaders(scope=message)["Cache-Control"] = "public, max-age=3600"
            await send(message)

        await self.app(scope, receive, cached)
