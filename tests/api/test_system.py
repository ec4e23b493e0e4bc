"""Health, playbooks, people administration and the OpenAPI contract."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.client import Api, auth
from tests.factories import Team


async def test_healthz_reports_temporal_and_database(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "temporal": True, "database": True, "parts": {}}


async def test_playbooks_are_listed(api: Api, team: Team) -> None:
    playbooks = (await api.get(team.auditor, "/playbooks")).json()
    assert [(p["name"], p["version"]) for p in playbooks] == [("pdca", 1), ("pdca", 2)]
    assert playbooks[1]["governance"]["challenge_window_working_days"] == 10
    assert [s["name"] for s in playbooks[1]["stages"]] == [
        "intent",
        "design",
        "delivery",
        "check",
        "act",
    ]


async def test_admin_manages_people_and_roles(api: Api, team: Team) -> None:
    new_id = f"deputy-{team.suffix}"
    created = await api.post(
        team.admin, "/people", {"name": "Policy deputy", "id": new_id, "roles": ["policy"]}
    )
    assert created.status_code == 201
    assert created.json()["roles"] == ["policy"]
    duplicate = await api.post(team.admin, "/people", {"name": "Policy deputy", "id": new_id})
    assert (duplicate.status_code, duplicate.json()["error"]) == (409, "already_exists")
    granted = await api.http.put(f"/people/{new_id}/roles/operations", headers=auth(team.admin))
    assert granted.json()["roles"] == ["policy", "operations"]
    me = (await api.get(new_id, "/me")).json()
    assert me["roles"] == ["policy", "operations"]
    missing = await api.http.put("/people/nobody/roles/policy", headers=auth(team.admin))
    assert (missing.status_code, missing.json()["error"]) == (404, "person_not_found")
    bad_role = await api.http.put(f"/people/{new_id}/roles/janitor", headers=auth(team.admin))
    assert bad_role.status_code == 422


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


async def test_every_route_is_documented(http: httpx.AsyncClient) -> None:
    schema = (await http.get("/openapi.json")).json()
    operations = _operations(schema)
    assert len(operations) >= 17
    for method, path, operation in operations:
        where = f"{method} {path}"
        assert operation.get("summary"), f"{where} has no summary"
        success = [c for c in operation["responses"] if c.startswith("2")]
        assert success, f"{where} lists no success response"
        content = operation["responses"][success[0]].get("content", {})
        assert content.get("application/json", {}).get("schema"), f"{where} has no typed response"
        errors = [c for c in operation["responses"] if c.startswith(("4", "5"))]
        assert errors, f"{where} lists no error responses"
        if "requestBody" in operation:
            body = operation["requestBody"]["content"]["application/json"]
            assert body.get("examples") or body.get("example"), f"{where} has no request example"


async def test_protected_routes_list_401(http: httpx.AsyncClient) -> None:
    schema = (await http.get("/openapi.json")).json()
    for method, path, operation in _operations(schema):
        if path not in {"/healthz"}:
            assert "401" in operation["responses"], f"{method} {path} does not list 401"


async def test_every_schema_in_the_contract_is_typed(http: httpx.AsyncClient) -> None:
    schemas = (await http.get("/openapi.json")).json()["components"]["schemas"]
    untyped = [
        name
        for name, schema in schemas.items()
        if schema.get("type") == "object" and "properties" not in schema
    ]
    assert untyped == []
