"""What page handlers depend on: the signed-in person, checked against the directory on
every request, role guards, and forms whose CSRF token has been checked."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from api.deps import ResourcesDep
from api.middleware import MAX_UPLOAD_BYTES, BodyTooLarge
from api.routes.changes import ChangeId
from models.errors import NotPermitted, ThroughlineError, Unauthenticated
from models.roles import Role
from throughline.services.auth import Caller, session_caller
from web import sessions


class SignInNeeded(Unauthenticated):
    """Answered with a redirect to the sign-in page, not an error page."""


async def page_caller(request: Request, resources: ResourcesDep) -> Caller:
    """The person this session names, as the directory has them now; a session whose
    person was deactivated, or whose sessions an admin ended, ends here."""
    who = sessions.signed_in(request, resources.settings)
    if who is None:
        raise SignInNeeded("sign in to continue")
    try:
        caller = await session_caller(resources.sessions, who.person, who.at, who.session_id)
    except Unauthenticated as ended:
        sessions.end(request)
        raise SignInNeeded(ended.message) from None
    request.state.caller = caller
    return caller


PagePerson = Annotated[Caller, Depends(page_caller)]


def PageRole(*roles: Role) -> Any:
    """A dependency that refuses (403) a signed-in person holding none of these roles."""

    async def require(caller: PagePerson) -> Caller:
        if not any(caller.holds(role) for role in roles):
            needed = " or ".join(r.value.replace("_", " ") for r in roles)
            raise NotPermitted(f"this page needs the {needed} role, which you do not hold")
        return caller

    return Depends(require)


ANY_ROLE = PageRole(*Role)
"""For pages that read changes: as in the API, a person with no role reads none."""


class FormTooLarge(ThroughlineError):
    status = 413
    code = "payload_too_large"


async def _read_form(request: Request) -> FormData:
    try:
        return await request.form()
    except BodyTooLarge:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise FormTooLarge(f"the form is over the {limit} MiB limit; send smaller files") from None


async def checked_form(request: Request) -> FormData:
    """The form, once its CSRF token matches the session's."""
    form = await _read_form(request)
    sessions.check_csrf(request, form)
    return form


async def sign_out_form(request: Request) -> FormData:
    """Signing out needs the form's token only while someone is signed in: an expired
    session has nothing left to protect, and signing out again should just work."""
    form = await _read_form(request)
    if sessions.PERSON in request.session:
        sessions.check_csrf(request, form)
    return form


Form = Annotated[FormData, Depends(checked_form)]
SignOutForm = Annotated[FormData, Depends(sign_out_form)]

__all__ = ["ChangeId"]  # pages take a change id in their address exactly as the API does
