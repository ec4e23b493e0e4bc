"""One error shape for every refusal: {"error": code, "detail": message}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException

from models.errors import ThroughlineError

log = logging.getLogger(__name__)

_DESCRIPTIONS = {
    401: "No valid bearer token.",
    403: "The caller lacks the role, or a governance rule refuses the action.",
    404: "The change or person does not exist.",
    409: "The request conflicts with the change's current state.",
    413: "The request body, or the change's record, is over its size limit.",
    429: "Too many commands are in flight for this change; retry shortly.",
    422: "The request body or parameters are invalid.",
    503: "A dependency did not answer in time; retrying with the same Idempotency-Key is safe.",
}


class ErrorBody(BaseModel):
    error: str
    detail: str


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the refusals a route can give."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}


def _body(status: int, code: str, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        status_code=status, content={"error": code, "detail": detail}, headers=headers
    )


async def _domain_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ThroughlineError)
    return _body(error.status, error.code, error.message)


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [_describe(problem) for problem in error.errors()]
    return _body(422, "invalid_request", "; ".join(problems))


def _describe(problem: Any) -> str:
    location = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{location}: {message}" if location else message


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated"}
    return _body(error.status_code, codes.get(error.status_code, "http_error"), str(error.detail))


async def _database_error(_: Request, error: Exception) -> JSONResponse:
    if isinstance(error, IntegrityError):
        detail = "a concurrent request changed the same record; retry with the same key"
        return _body(409, "conflict", detail)
    log.error("database error", exc_info=error)
    return _body(503, "unavailable", "the database did not answer; retry shortly")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ThroughlineError, _domain_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
