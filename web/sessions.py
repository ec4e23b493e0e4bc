"""Page sessions: a signed cookie that names who signed in and when, with a token that
every form must send back.

The cookie is signed (itsdangerous, through Starlette's SessionMiddleware), HttpOnly,
SameSite=Lax, and Secure in production. Each signed-in request records when it was seen,
so the cookie is signed afresh, and the signature's own time is checked against the idle
timeout: an idle session ends on the server as well as in the browser. The sign-in time it
carries ends it at the absolute timeout, however busy. Nothing else about the person is
trusted from it: each request reads the directory again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.datastructures import FormData
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from models.errors import Unauthenticated
from throughline.settings import Settings

COOKIE = "throughline_session"
CSRF_FIELD = "csrf_token"
PERSON, SIGNED_IN, SEEN, CSRF = "person", "signed_in_at", "seen_at", "csrf"
SESSION_ID = "session_id"
"""A random id per sign-in, so that signing out can end this session on the server."""


class CsrfRefused(Unauthenticated):
    status = 403
    code = "csrf_refused"


@dataclass(frozen=True)
class SignedIn:
    person: str
    at: datetime
    session_id: str


class PageSessions:
    """Starlette's signed-cookie sessions, built on the first request, because the signing
    secret is read from the data directory only once the app starts."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self._inner: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._inner is None:
            self._inner = SessionMiddleware(
                self.app,
                secret_key=session_secret(self.settings),
                session_cookie=COOKIE,
                max_age=max(1, round(self.settings.session_idle_minutes * 60)),
                same_site="lax",
                https_only=self.settings.environment == "production",
            )
        await self._inner(scope, receive, send)


def session_secret(settings: Settings) -> str:
    """A key of its own for page sessions, derived from the token secret."""
    derived = hmac.new(settings.signing_secret().encode(), b"page-sessions", hashlib.sha256)
    return derived.hexdigest()


def start(request: Request, person_id: str) -> None:
    """A new session for the person: anything from before sign-in is dropped."""
    request.session.clear()
    request.session.update(
        {
            PERSON: person_id,
            SIGNED_IN: time.time(),
            SESSION_ID: secrets.token_urlsafe(24),
            CSRF: secrets.token_urlsafe(32),
        }
    )


def session_id(request: Request) -> str | None:
    kept = request.session
    found = kept.get(SESSION_ID)
    return found if isinstance(found, str) else None


def end(request: Request) -> None:
    request.session.clear()


def signed_in(request: Request, settings: Settings) -> SignedIn | None:
    """Who the session names, unless it has passed its absolute timeout."""
    kept = request.session
    person, at, session_id = kept.get(PERSON), kept.get(SIGNED_IN), kept.get(SESSION_ID)
    if not isinstance(person, str) or not isinstance(at, int | float):
        return None
    if not isinstance(session_id, str):
        return None
    if time.time() - at > settings.session_max_hours * 3600:
        end(request)
        return None
    kept[SEEN] = time.time()  # a changed session is signed afresh: the idle clock restarts
    return SignedIn(person=person, at=datetime.fromtimestamp(at, UTC), session_id=session_id)


def csrf_token(request: Request) -> str:
    """The token this session's forms carry; a session without one gets one."""
    kept = request.session
    token = kept.get(CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF] = token
    return token


def check_csrf(request: Request, form: FormData) -> None:
    sent = form.get(CSRF_FIELD)
    expected = csrf_token(request)
    if not isinstance(sent, str) or not isinstance(expected, str):
        raise CsrfRefused("the form was not sent from a Throughline page; go back and try again")
    if not secrets.compare_digest(sent, expected):
        raise CsrfRefused("the form was not sent from a Throughline page; go back and try again")
