"""Rendering a page: the GOV.UK Frontend Jinja macros and our templates, the context every
page shares (who is signed in, the navigation, the form token, the script nonce), and the
filters that write dates and durations the GOV.UK way."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from models.roles import Role
from throughline.services.auth import Caller
from web.security import NONCE
from web.sessions import csrf_token

SERVICE_NAME = "Throughline"
PREFIX = "/web"

NAVIGATION: list[tuple[str, str, tuple[Role, ...]]] = [
    ("My work", "/work", tuple(Role)),
    ("Changes", "/changes", tuple(Role)),
    ("Portfolio", "/portfolio", tuple(Role)),
    ("Propose a change", "/changes/new", (Role.DIGITAL,)),
    ("Delegations", "/delegations", tuple(Role)),
    ("Directory history", "/directory", (Role.AUDITOR,)),
    ("People", "/people", (Role.ADMIN,)),
]


def when(value: datetime | date | None) -> str:
    """24 November 2026, 9:05am (UTC), the GOV.UK style."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return f"{value.day} {value:%B %Y}"
    at = value.astimezone(UTC)
    hour = at.hour % 12 or 12
    return f"{at.day} {at:%B %Y}, {hour}:{at:%M}{'am' if at.hour < 12 else 'pm'}"


def waited(value: datetime | None) -> str:
    """How long since, in the largest whole unit: '3 days', '5 hours', 'under a minute'."""
    if value is None:
        return ""
    seconds = max(0, int((datetime.now(UTC) - value).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "under a minute"


def words(value: object) -> str:
    """An identifier as words: 'approve_with_conditions' reads 'approve with conditions'."""
    text = str(getattr(value, "value", value))
    return text.replace("_", " ").replace("-", " ")


def _environment() -> Environment:
    loader = ChoiceLoader(
        [
            PackageLoader("web", "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = Environment(loader=loader, autoescape=select_autoescape(default=True))
    env.filters.update(when=when, waited=waited, words=words)
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def navigation(caller: Caller | None, path: str) -> list[dict[str, Any]]:
    if caller is None:
        return []
    return [
        {"href": PREFIX + href, "text": text, "active": path == PREFIX + href}
        for text, href, roles in NAVIGATION
        if any(caller.holds(role) for role in roles)
    ]


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    caller = getattr(request.state, "caller", None)
    shared = {
        "cspNonce": getattr(request.state, NONCE, None),
        "serviceName": SERVICE_NAME,
        "serviceUrl": PREFIX + "/work",
        "me": caller,
        "navigation": navigation(caller, request.url.path),
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
        "done": request.session.pop("done", None) if "session" in request.scope else None,
        "prefix": PREFIX,
        "form_key": secrets.token_urlsafe(16),
    }
    return TEMPLATES.TemplateResponse(request, template, {**shared, **context}, status_code=status)
