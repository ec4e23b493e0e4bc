"""What every request meets before a route: authentication before the body, one
documented refusal for each kind of malformed body, and the headers every response
carries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client
from temporalio.worker import Worker

from api.app import create_app
from api.middleware import MAX_JSON_DEPTH
from tests.api.client import auth
from tests.factories import Team
from throughline.settings import Settings

MALFORMED = [b"{not json", b"\xff\xfe{}", b"[" * 5000]


async def _body_routes(http: httpx.AsyncClient) -> list[tuple[str, str]]:
    schema = (await http.get("/openapi.json")).json()
    return [
        (method.upper(), path.replace("{change_id}", "c").replace("{condition_id}", "c1-1"))
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]


@pytest.mark.parametrize("raw", MALFORMED, ids=["invalid-json", "invalid-utf8", "deep"])
@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer forged"}], ids=["no-token", "bad-token"]
)
async def test_authentication_comes_before_the_body(
    http: httpx.AsyncClient, raw: bytes, headers: dict[str, str]
) -> None:
    routes = await _body_routes(http)
    assert len(routes) >= 11
    for method, path in routes:
        sent = {**headers, "Content-Type": "application/json"}
        response = await http.request(method, path, content=raw, headers=sent)
        assert response.status_code == 401, f"{method} {path}: {response.text}"
        assert response.json()["error"] == "unauthenticated"


async def _post(http: httpx.AsyncClient, team: Team, raw: bytes, **headers: str) -> httpx.Response:
    sent = {**auth(team.proposer), "Content-Type": "application/json", **headers}
    return await http.post("/changes", content=raw, headers=sent)


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b'{"title": ', "the body is not valid JSON: Expecting value: line 1 column 11"),
        (b'{"title": "caf\xe9"}', "the body is not valid UTF-8 (at byte 14)"),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nests deeper than 32"),
        (b"[" * 100_000, "nests deeper than 32 levels"),
    ],
    ids=["invalid-json", "invalid-utf8", "one-level-too-deep", "very-deep"],
)
async def test_a_malformed_body_is_422_naming_the_problem(
    http: httpx.AsyncClient, team: Team, raw: bytes, detail: str
) -> None:
    response = await _post(http, team, raw)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
    assert detail in response.json()["detail"]


async def test_a_body_at_the_depth_limit_reaches_the_route(
    http: httpx.AsyncClient, team: Team
) -> None:
    nested = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    response = await _post(http, team, nested)
    assert response.status_code == 422
    assert "nests deeper" not in response.json()["detail"]


async def test_a_body_that_is_not_json_is_415(http: httpx.AsyncClient, team: Team) -> None:
    response = await _post(http, team, b"title=x", **{"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


async def _chunks(total: int) -> AsyncIterator[bytes]:
    yield b'{"padding": "'
    for _ in range(total // 65536):
        yield b"x" * 65536
    yield b'"}'


async def test_a_streamed_body_over_the_limit_is_413(http: httpx.AsyncClient, team: Team) -> None:
    headers = {**auth(team.proposer), "Content-Type": "application/json"}
    request = http.build_request("POST", "/changes", content=_chunks(3 * 1024 * 1024))
    request.headers.update(headers)
    assert "content-length" not in request.headers
    response = await http.send(request)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


async def test_a_wrong_method_is_405_with_allow(http: httpx.AsyncClient, team: Team) -> None:
    response = await http.patch("/changes", headers=auth(team.proposer))
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert response.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [
        ("GET", "/changes", "proposer"),
        ("GET", "/changes", None),
        ("GET", "/changes/no-such-change", "proposer"),
        ("GET", "/healthz", None),
        ("POST", "/changes", "proposer"),
    ],
)
async def test_every_response_carries_the_security_headers(
    http: httpx.AsyncClient, team: Team, method: str, path: str, who: str | None
) -> None:
    headers = auth(getattr(team, who)) if who else {}
    body: dict[str, str] | None = {} if method == "POST" else None
    response = await http.request(method, path, headers=headers, json=body)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_cors_is_off_unless_an_origin_is_allowed(http: httpx.AsyncClient, team: Team) -> None:
    headers = {**auth(team.proposer), "Origin": "https://elsewhere.example"}
    response = await http.get("/changes", headers=headers)
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = await http.options(
        "/changes",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


async def test_cors_answers_only_an_allowed_origin(
    settings: Settings,
    temporal_client: Client,
    worker: Worker,  # noqa: ARG001  (needed running, not used directly)
    team: Team,
) -> None:
    allowed = settings.model_copy(update={"cors_origins": ["https://pages.example"]})
    application = create_app(allowed, temporal=temporal_client)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t.test") as client:
            good = await client.get(
                "/changes", headers={**auth(team.proposer), "Origin": "https://pages.example"}
            )
            other = await client.get(
                "/changes", headers={**auth(team.proposer), "Origin": "https://evil.example"}
            )
    assert good.headers["access-control-allow-origin"] == "https://pages.example"
    assert "access-control-allow-origin" not in other.headers
