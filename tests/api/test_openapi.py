"""The schema integrators generate clients from, read as they would: api/openapi.py."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.errors import TransportError
from api.openapi import UndocumentedSecurity, install_openapi
from models.errors import ThroughlineError, all_subclasses
from tests.api.client import Api
from tests.factories import Team

ROOT = Path(__file__).parents[2]
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
PACKAGES = ("models", "workflows", "activities", "workers", "api", "throughline", "web")


@pytest.fixture
async def schema(http: httpx.AsyncClient) -> dict[str, Any]:
    document: dict[str, Any] = (await http.get("/openapi.json")).json()
    return document


def _operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def test_every_operation_has_a_short_stable_id(schema: dict[str, Any]) -> None:
    operations = _operations(schema)
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z_]{2,30}", i) for i in ids), ids
    assert operations["POST", "/changes/{change_id}/sign-offs"]["operationId"] == "sign_off"
    assert operations["GET", "/changes/{change_id}"]["operationId"] == "get_change"
    assert operations["POST", "/changes"]["operationId"] == "propose_change"
    assert operations["DELETE", "/delegations/{delegation_id}"]["operationId"] == (
        "revoke_delegation"
    )


def _property(schema: dict[str, Any], model: str, field: str) -> dict[str, Any]:
    found: dict[str, Any] = schema["components"]["schemas"][model]["properties"][field]
    return found


def _enum_of(schema: dict[str, Any], model: str, field: str) -> str:
    """The enum a field refers to, through a nullable union or a list."""
    text = json.dumps(_property(schema, model, field))
    found = re.search(r'"#/components/schemas/(\w+)"', text)
    assert found, f"{model}.{field} is not typed with an enum: {text}"
    assert "enum" in schema["components"]["schemas"][found.group(1)]
    return found.group(1)


@pytest.mark.parametrize(
    ("model", "field", "enum"),
    [
        ("ChangeSummary", "status", "ChangeStatus"),
        ("ChangeSummary", "gate_status", "GateStatus"),
        ("ChangeSummary", "waiting_kind", "WaitKind"),
        ("ChangeView", "status", "ChangeStatus"),
        ("InboxItem", "kind", "WaitKind"),
        ("CommandResult", "command", "CommandName"),
        ("CommandResult", "status", "ChangeStatus"),
        ("TimelineEntry", "kind", "EventKind"),
        ("TimelineEntry", "role", "Role"),
        ("HandoffEntry", "kind", "HandoffKind"),
        ("HandoffEntry", "roles", "Role"),
        ("DirectoryEntry", "kind", "DirectoryEventKind"),
        ("AuditEvent", "role", "Role"),
        ("RoleStats", "role", "Role"),
        ("Delivery", "status", "DeliveryStatus"),
        ("DeliveryAttempt", "outcome", "AttemptOutcome"),
        ("AssessmentReport", "outcome", "AssessmentOutcome"),
        ("ChangeEntry", "status", "ChangeStatus"),
    ],
)
def test_fields_with_a_closed_set_of_values_name_their_enum(
    schema: dict[str, Any], model: str, field: str, enum: str
) -> None:
    assert _enum_of(schema, model, field) == enum


def test_audit_kinds_are_listed_and_each_payload_is_described(schema: dict[str, Any]) -> None:
    kinds = _property(schema, "AuditEvent", "kind")["enum"]
    guide = _property(schema, "AuditEvent", "payload")["description"]
    assert {"signed_off", "person_added", "refused"} <= set(kinds)
    assert all(f"- `{kind}`:" in guide for kind in kinds)


def _import_every_module() -> None:
    """Every first-party module, so that every error class is defined."""
    for top in PACKAGES:
        package = importlib.import_module(top)
        for module in pkgutil.walk_packages(package.__path__, f"{top}."):
            if not module.name.endswith("__main__") and ".migrations." not in module.name:
                importlib.import_module(module.name)


def test_error_codes_are_a_closed_list_a_client_can_switch_on(schema: dict[str, Any]) -> None:
    listed = set(_property(schema, "ErrorBody", "error")["enum"])
    _import_every_module()
    every: list[type[ThroughlineError]] = [ThroughlineError, *all_subclasses(ThroughlineError)]
    assert {error.code for error in every} <= listed
    assert {code.value for code in TransportError} <= listed
    assert {"change_not_found", "separation_of_duties", "already_signed"} <= listed


async def test_a_real_refusal_carries_a_listed_code(
    api: Api, team: Team, schema: dict[str, Any]
) -> None:
    listed = set(_property(schema, "ErrorBody", "error")["enum"])
    missing = await api.get(team.auditor, "/changes/no-such-change")
    unreadable = await api.post(team.proposer, "/changes", [1, 2])
    assert (missing.status_code, unreadable.status_code) == (404, 422)
    assert {missing.json()["error"], unreadable.json()["error"]} <= listed


def test_the_idempotency_key_is_one_shared_non_nullable_parameter(
    schema: dict[str, Any],
) -> None:
    shared = schema["components"]["parameters"]["Idempotency-Key"]
    assert (shared["in"], shared["required"]) == ("header", False)
    assert shared["schema"] == {"type": "string", "minLength": 1, "maxLength": 200}
    users = []
    for (method, path), operation in _operations(schema).items():
        parameters = operation.get("parameters", [])
        assert all(p.get("name") != "Idempotency-Key" for p in parameters), (method, path)
        if {"$ref": "#/components/parameters/Idempotency-Key"} in parameters:
            users.append((method, path))
    assert ("POST", "/changes/{change_id}/sign-offs") in users
    assert ("POST", "/changes") in users


def test_servers_tags_contact_licence_and_public_routes(schema: dict[str, Any]) -> None:
    assert schema["servers"][0]["url"].startswith("http")
    assert schema["info"]["contact"]["url"] == schema["servers"][0]["url"]
    assert schema["info"]["license"]["name"].startswith("Proprietary")
    defined = {tag["name"] for tag in schema["tags"]}
    operations = _operations(schema)
    assert {t for o in operations.values() for t in o["tags"]} <= defined
    assert operations["GET", "/healthz"]["security"] == []
    assert operations["GET", "/.well-known/throughline-audit-key"]["security"] == []
    assert operations["GET", "/changes"]["security"] == [{"HTTPBearer": []}]
    assert operations["POST", "/sources/{source_id}/points"]["security"] == [{"SourceKey": []}]
    assert schema["security"] == [{"HTTPBearer": []}]
    public = {path for (_, path), operation in operations.items() if operation["security"] == []}
    assert public == {"/healthz", "/.well-known/throughline-audit-key"}


def test_a_guarded_route_that_names_no_scheme_fails_the_document() -> None:
    app = FastAPI()

    @app.get("/guarded-without-a-scheme", summary="A route the gate guards")
    async def guarded() -> dict[str, str]:
        return {}

    install_openapi(app, "http://127.0.0.1:8000")
    with pytest.raises(UndocumentedSecurity, match="/guarded-without-a-scheme"):
        app.openapi()


def test_filters_of_event_logs_take_only_known_roles_and_kinds(schema: dict[str, Any]) -> None:
    parameters = _operations(schema)["GET", "/changes/{change_id}/audit"]["parameters"]
    by_name = {p["name"]: json.dumps(p["schema"]) for p in parameters if "name" in p}
    assert '"#/components/schemas/Role"' in by_name["role"]
    assert '"#/components/schemas/EventKind"' in by_name["kind"]
    assert '"refused"' in by_name["kind"]


@pytest.mark.slow
def test_spectral_finds_no_error_and_no_warning(schema: dict[str, Any], tmp_path: Path) -> None:
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(schema))
    ruleset = ROOT / ".spectral.yaml"
    command = [str(SPECTRAL), "lint", "--fail-severity=warn", "--ruleset", str(ruleset)]
    result = subprocess.run(
        [*command, str(document)], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
