"""The OpenAPI document integrators generate clients from: short operation ids, one
shared Idempotency-Key parameter, the closed set of error codes, and what schema linters
ask of a published API (servers, tags, contact, licence, security on every operation)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from api.errors import TransportError
from models.audit_payloads import PAYLOADS, payload_guide
from models.errors import ThroughlineError

TAGS: list[dict[str, Any]] = [
    {"name": "changes", "description": "Propose changes, read them, and act at their gates."},
    {
        "name": "improvement practice",
        "description": "Prioritise, prepare the ground, set readiness and assess.",
    },
    {"name": "measures", "description": "Live data for a change's success measures."},
    {"name": "portfolio", "description": "Every change of a service, ranked by need."},
    {"name": "analytics", "description": "How long handoffs wait, by role and gate."},
    {"name": "me", "description": "Who you are, and what waits on you."},
    {"name": "delegations", "description": "Hand your role to someone for a while."},
    {"name": "people", "description": "The directory: people, roles and their tokens."},
    {"name": "directory", "description": "The directory's own tamper-evident log."},
    {"name": "tokens", "description": "Revoke an API token."},
    {"name": "notifications", "description": "Preferences, webhooks and their deliveries."},
    {"name": "playbooks", "description": "The stages and gates a change follows."},
    {"name": "audit", "description": "Signed audit bundles and event exports."},
    {"name": "archive", "description": "Closed histories kept past Temporal's retention."},
    {"name": "system", "description": "Health and the audit signing key: open to anyone."},
]

LICENSE = {"name": "Proprietary: no licence is granted", "identifier": "LicenseRef-Proprietary"}

IDEMPOTENCY_KEY = "Idempotency-Key"
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": IDEMPOTENCY_KEY,
    "in": "header",
    "required": False,
    "description": "Send the same key again to get the same result with no second effect. "
    "Leave the header out when a retry should not be recognised.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "example": "3f0c9a52-6c4e-4d0e-9a8c-1d2b7e0f4a11",
}


def operation_id(route: APIRoute) -> str:
    """The handler's own name, `sign_off` or `get_change`: short, and stable while the
    handler keeps its name (a test pins them)."""
    return route.name


def error_codes() -> list[str]:
    """Every code ErrorBody.error can carry: the domain's and the transport's."""
    domain = {error.code for error in _every_subclass(ThroughlineError)}
    return sorted(domain | {code.value for code in TransportError})


def _every_subclass(base: type[ThroughlineError]) -> list[type[ThroughlineError]]:
    found = [base]
    for sub in base.__subclasses__():
        found.extend(_every_subclass(sub))
    return found


def install_openapi(app: FastAPI, public_url: str) -> None:
    """Builds the document once, on first request, when every module that defines an
    error is imported. The server and the contact are this deployment's public URL."""
    home = public_url.rstrip("/")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            schema["servers"] = [{"url": home, "description": "This Throughline"}]
            schema["info"]["contact"] = {"name": "The team that runs this Throughline", "url": home}
            schema["info"]["license"] = LICENSE
            schema["tags"] = TAGS
            _share_idempotency_key(schema)
            _list_error_codes(schema)
            _describe_audit_events(schema["components"]["schemas"])
            _mark_public_operations(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for item in schema["paths"].values() for operation in item.values()]


def _share_idempotency_key(schema: dict[str, Any]) -> None:
    reference = {"$ref": f"#/components/parameters/{IDEMPOTENCY_KEY}"}
    for operation in _operations(schema):
        parameters = operation.get("parameters", [])
        operation["parameters"] = [
            reference if parameter.get("name") == IDEMPOTENCY_KEY else parameter
            for parameter in parameters
        ]
    schema["components"].setdefault("parameters", {})[IDEMPOTENCY_KEY] = IDEMPOTENCY_PARAMETER


def _list_error_codes(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["ErrorBody"]["properties"]["error"]
    error["enum"] = error_codes()


def _describe_audit_events(schemas: dict[str, Any]) -> None:
    """An audit event keeps the plain strings it was hashed with, so that a log always
    reads back whole; the schema still lists the values each field can take."""
    properties = schemas["AuditEvent"]["properties"]
    properties["kind"] = {"type": "string", "title": "Kind", "enum": list(PAYLOADS)}
    properties["role"] = {"anyOf": [{"$ref": "#/components/schemas/Role"}, {"type": "null"}]}
    properties["payload"]["description"] = payload_guide()


def _mark_public_operations(schema: dict[str, Any]) -> None:
    """An operation that names no security scheme is open to anyone: say so, so the
    document's default (a bearer token) does not apply to it."""
    for operation in _operations(schema):
        operation.setdefault("security", [])
    schema["security"] = [{"HTTPBearer": []}]
