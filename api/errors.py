"""One error shape for every refusal: {"error": code, "detail": message}."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from models.errors import ThroughlineError

log = logging.getLogger(__name__)

_DESCRIPTIONS = {
    400: "The body cannot be read: a YAML or JSON syntax error (named with its line), or "
    "not a mapping of fields.",
    401: "No valid bearer token.",
    403: "The caller lacks the role, or a governance rule refuses the action.",
    404: "The change or person does not exist.",
    409: "The request conflicts with the change's current state.",
    413: "The request body, or the change's record, is over its size limit.",
    415: "The request body is not JSON (send Content-Type: application/json).",
    422: "The request body or parameters are invalid: not UTF-8, not JSON, nested too deeply, "
    "or not what this route takes. The detail names the problem.",
    429: "Too many commands are in flight for this change; retry shortly.",
    503: "A dependency did not answer in time; retrying with the same Idempotency-Key is safe.",
}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class TransportError(StrEnum):
    """Refusals of a request before any domain rule reads it; the domain's own codes are
    those of models.errors. Together they are the closed set ErrorBody.error lists."""

    INVALID_REQUEST = "invalid_request"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNAUTHENTICATED = "unauthenticated"
    HTTP_ERROR = "http_error"
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"


class ErrorBody(BaseModel):
    error: str = Field(description="A stable code to switch on: one of the values listed.")
    detail: str = Field(description="What was wrong, in plain words, naming the field.")


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the refusals a route can give."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}


def _body(
    status: int, code: str, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    extra = dict(headers or {})
    if status == 401:
        extra["WWW-Authenticate"] = "Bearer"
    return JSONResponse(
        status_code=status, content={"error": code, "detail": detail}, headers=extra or None
    )


async def _domain_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ThroughlineError)
    return _body(error.status, error.code, error.message)


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [_describe(problem) for problem in error.errors()]
    return _body(422, TransportError.INVALID_REQUEST, "; ".join(problems))


def _describe(problem: Any) -> str:
    location = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{location}: {message}" if location else message


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    codes = {
        404: TransportError.NOT_FOUND,
        405: TransportError.METHOD_NOT_ALLOWED,
        401: TransportError.UNAUTHENTICATED,
    }
    code = codes.get(error.status_code, TransportError.HTTP_ERROR)
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(_methods_allowed(request))
    return _body(error.status_code, code, str(error.detail), headers)


def _methods_allowed(request: Request) -> list[str]:
    """Every method some route takes at this path. Starlette names only the first route
    that matched the path, and GET and POST of one path are two routes here."""
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]


async def _database_error(_: Request, error: Exception) -> JSONResponse:
    if isinstance(error, IntegrityError):
        detail = "a concurrent request changed the same record; retry with the same key"
        return _body(409, TransportError.CONFLICT, detail)
    log.error("database error", exc_info=error)
    return _body(503, TransportError.UNAVAILABLE, "the database did not answer; retry shortly")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ThroughlineError, _domain_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
