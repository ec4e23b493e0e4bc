"""The OpenAPI contract of the whole app: every route documented, typed and guarded: api/app.py."""

from __future__ import annotations

from typing import Any

import httpx


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
        if path not in {"/healthz", "/.well-known/throughline-audit-key"}:
            assert "401" in operation["responses"], f"{method} {path} does not list 401"


async def test_every_schema_in_the_contract_is_typed(http: httpx.AsyncClient) -> None:
    schemas = (await http.get("/openapi.json")).json()["components"]["schemas"]
    untyped = [
        name
        for name, schema in schemas.items()
        if schema.get("type") == "object" and "properties" not in schema
    ]
    assert untyped == []


async def test_the_interactive_docs_load_nothing_from_a_cdn(http: httpx.AsyncClient) -> None:
    docs = await http.get("/docs")
    script = await http.get("/static/swagger/swagger-ui-bundle.js")

    assert docs.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert script.status_code == 200
    assert script.headers["cache-control"] == "public, max-age=3600"
