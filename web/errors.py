"""How pages answer a refusal: sign-in for a missing or ended session, and otherwise a
page that says, in the rule's own words, what went wrong."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from models.errors import ThroughlineError
from web.deps import SignInNeeded
from web.render import PREFIX, render

log = logging.getLogger(__name__)
NOTICE = "notice"
TITLES = {
    400: "There is a problem with the request",
    403: "You cannot do this",
    404: "Page not found",
    409: "This cannot be done now",
    413: "The form is too large",
    503: "Sorry, the service is unavailable",
}


async def _sign_in_needed(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInNeeded)
    request.session[NOTICE] = error.message
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{PREFIX}/sign-in?next={quote(target)}", status_code=303)


async def _refusal(request: Request, error: Exception) -> Response:
    assert isinstance(error, ThroughlineError)
    return problem_page(request, error.status, error.message)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    detail = "there is no page at this address" if error.status_code == 404 else error.detail
    return problem_page(request, error.status_code, str(detail))


async def _invalid(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in error.errors()
    )
    return problem_page(request, 400, problems or "the request is not valid")


async def _database(request: Request, error: Exception) -> Response:
    if isinstance(error, IntegrityError):
        message = "someone changed the same record at the same moment; try again"
        return problem_page(request, 409, message)
    log.error("database error", exc_info=error)
    return problem_page(request, 503, "the database did not answer; try again shortly")


async def _unexpected(request: Request, error: Exception) -> Response:
    """The last resort: a page that says sorry, never a stack trace."""
    log.error("unexpected error on a page", exc_info=error)
    return problem_page(request, 500, "something went wrong on our side; try again shortly")


def problem_page(request: Request, status: int, message: str) -> Response:
    title = TITLES.get(status, "Sorry, there is a problem")
    return render(request, "problem.html", {"title": title, "message": message}, status)


def install_page_errors(app: FastAPI) -> None:
    app.add_exception_handler(SignInNeeded, _sign_in_needed)
    app.add_exception_handler(ThroughlineError, _refusal)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(Exception, _unexpected)
