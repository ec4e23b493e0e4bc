"""The OpenAPI document integrators generate clients from: short operation ids, one
shared Idempotency-Key parameter, the closed set of error codes, and what schema linters
ask of a published API (servers, tags, contact, licence, security on every operation)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from api.errors import TransportError
from api.middleware import is_public
from models.audit_payloads import PAYLOADS, payload_guide
from models.errors import ThroughlineError, all_subclasses

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


def operation_id(route: APIRoute) -> str:
    """The handler's own name, `sign_off` or `get_change`: short, and stable while the
    handler keeps its name (a test pins them)."""
    return route.name


def error_codes() -> list[str]:
    """Every code ErrorBody.error can carry: the domain's and the transport's."""
    every: list[type[ThroughlineError]] = [ThroughlineError, *all_subclasses(ThroughlineError)]
    domain = {error.code for error in every}
    return sorted(domain | {code.value for code in TransportError})


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
            _describe_models(schema.get("components", {}).get("schemas", {}))
            _mark_public_operations(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for item in schema["paths"].values() for operation in item.values()]


def _share_idempotency_key(schema: dict[str, Any]) -> None:
    """Each route declares the header (api.deps.IdempotencyKey); the document names it
    once, with its limits, and without the null a handler's default needs."""
    reference = {"$ref": f"#/components/parameters/{IDEMPOTENCY_KEY}"}
    declared = None
    for operation in _operations(schema):
        parameters = operation.get("parameters", [])
        declared = declared or next((p for p in parameters if p["name"] == IDEMPOTENCY_KEY), None)
        operation["parameters"] = [
            reference if parameter["name"] == IDEMPOTENCY_KEY else parameter
            for parameter in parameters
        ]
    if declared is not None:
        shared = schema["components"].setdefault("parameters", {})
        shared[IDEMPOTENCY_KEY] = _not_null(declared)


def _not_null(parameter: dict[str, Any]) -> dict[str, Any]:
    text = next(s for s in parameter["schema"]["anyOf"] if s.get("type") == "string")
    return {
        "name": IDEMPOTENCY_KEY,
        "in": "header",
        "required": False,
        "description": f"{parameter['description']} Leave it out rather than send it empty.",
        "schema": text,
        "example": "3f0c9a52-6c4e-4d0e-9a8c-1d2b7e0f4a11",
    }


def _describe_models(schemas: dict[str, Any]) -> None:
    if "ErrorBody" in schemas:
        schemas["ErrorBody"]["properties"]["error"]["enum"] = error_codes()
    if "AuditEvent" in schemas:
        _describe_audit_events(schemas["AuditEvent"]["properties"])


def _describe_audit_events(properties: dict[str, Any]) -> None:
    """An audit event keeps the plain strings it was hashed with, so that a log always
    reads back whole; the schema still lists the values each field can take."""
    properties["kind"] = {"type": "string", "title": "Kind", "enum": list(PAYLOADS)}
    properties["role"] = {"anyOf": [{"$ref": "#/components/schemas/Role"}, {"type": "null"}]}
    properties["payload"]["description"] = payload_guide()


def _mark_public_operations(schema: dict[str, Any]) -> None:
    """The paths the authentication gate leaves open (api.middleware.is_public) say
    `security: []`, so the document's default, a bearer token, does not apply to them.
    Any other operation must name its scheme: one that does not is a route the gate
    guards with nothing the document says, and building the document fails."""
    for path, item in schema["paths"].items():
        for operation in item.values():
            if is_public(path):
                operation["security"] = []
            elif not operation.get("security"):
                raise UndocumentedSecurity(f"{path} is guarded but names no security scheme")
    schema["security"] = [{"HTTPBearer": []}]


class UndocumentedSecurity(RuntimeError):
    """A route the gate guards, documented as if it were open."""
