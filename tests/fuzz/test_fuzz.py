"""No input gets a server error: schemathesis generates requests for every operation in
the OpenAPI schema and sends them, with an all-roles token, to a running stack."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.api.client import token
from tests.processes import Stack

pytestmark = pytest.mark.slow


def test_no_input_gets_a_server_error(stack: Stack) -> None:
    """Valid and invalid inputs, for every operation: each answer is below 500, and every
    refusal has the documented {"error", "detail"} shape."""
    api_schema = schemathesis.openapi.from_url(f"{stack.api_url}/openapi.json")
    headers = {"Authorization": f"Bearer {token('fuzzer', timedelta(hours=2))}"}
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation.as_strategy(generation_mode=mode), headers, failures)
    assert failures == [], "\n".join(failures[:10])


def _fuzz(strategy: st.SearchStrategy[Any], headers: dict[str, str], failures: list[str]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def check(case: Any) -> None:
        response = case.call(headers=headers, timeout=60)
        problem = _problem(response.status_code, response.text)
        if problem:
            failures.append(f"{case.method} {case.formatted_path}: {problem}")

    with contextlib.suppress(Unsatisfiable):  # no inputs at all: nothing invalid to send
        check()


def _problem(status: int, text: str) -> str | None:
    if status >= 500:
        return f"{status}: {text[:300]}"
    if status < 400:
        return None
    try:
        body = json.loads(text)
    except ValueError:
        return f"{status} without a JSON body: {text[:200]}"
    if not isinstance(body, dict) or set(body) != {"error", "detail"}:
        return f"{status} with an unexpected body: {text[:200]}"
    return None
