"""Prometheus metrics on the API: requests, commands and the portfolio, read by a real
Prometheus text parser: api/routes/system.py, throughline/metrics.py."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team


async def _samples(http: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_requests_commands_and_waiting_changes_are_counted(
    http: httpx.AsyncClient, api: Api, team: Team
) -> None:
    before = await _samples(http)
    change_id = await propose(api, team)
    await submit(api, team, change_id, "notes")
    body = {"role": "policy", "decision": "approve", "revision": 99}
    refused = await api.post(team.signer(Role.POLICY), f"/changes/{change_id}/sign-offs", body)
    assert refused.status_code == 422, refused.text
    after = await _samples(http)

    created = {"method": "POST", "route": "/changes", "status": "201"}
    assert _value(after, "throughline_http_requests_total", **created) == (
        _value(before, "throughline_http_requests_total", **created) + 1
    )
    ok = {"kind": "SubmitWork", "outcome": "ok"}
    assert _value(after, "throughline_commands_total", **ok) == (
        _value(before, "throughline_commands_total", **ok) + 1
    )
    code = {"kind": "SignOffCommand", "outcome": refused.json()["error"]}
    assert _value(after, "throughline_commands_total", **code) == (
        _value(before, "throughline_commands_total", **code) + 1
    )
    waiting = [k for k in after if k[0] == "throughline_open_handoffs"]
    assert any(dict(labels)["age"] == "under_1d" for _, labels in waiting)
    assert ("throughline_overdue_changes", frozenset()) in after
    assert ("throughline_stuck_changes", frozenset()) in after


async def test_metrics_need_no_token_and_are_not_in_the_schema(http: httpx.AsyncClient) -> None:
    assert (await http.get("/metrics")).status_code == 200
    schema = (await http.get("/openapi.json")).json()
    assert "/metrics" not in schema["paths"]


async def test_made_up_methods_are_counted_as_one_label(http: httpx.AsyncClient) -> None:
    for method in ("X1", "X2", "X3"):
        await http.request(method, "/healthz")
    samples = await _samples(http)
    methods = {
        dict(labels)["method"]
        for name, labels in samples
        if name == "throughline_http_requests_total"
    }
    assert "OTHER" in methods
    assert not {"X1", "X2", "X3"} & methods
