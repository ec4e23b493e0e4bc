"""No form gets a server error: hypothesis posts forms with real and made-up field names,
odd values and odd addresses to every page that takes a form, signed in as a person who
holds every role, on a running stack. Every answer is an HTML page below 500."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.processes import Stack
from tests.web.conftest import csrf_of

pytestmark = pytest.mark.slow

FORMS = [
    "/web/changes/new",
    "/web/changes/{change}/submit",
    "/web/changes/{change}/sign-off",
    "/web/changes/{change}/measure",
    "/web/changes/{change}/decide",
    "/web/changes/{change}/ruling",
    "/web/changes/{change}/challenge",
    "/web/changes/{change}/conditions/{condition}/close",
    "/web/delegations",
    "/web/delegations/{number}/revoke",
    "/web/people",
    "/web/people/{person}/roles/policy/grant",
    "/web/people/{person}/status/deactivate",
    "/web/sign-in/link",
]
NAMES = [
    "title", "service", "intent.problem", "user_groups.0.name", "user_groups.0.underserved",
    "success_measures.0.baseline", "people.policy", "summary", "links.0.uri", "links.0.sha256",
    "role", "decision", "revision", "comment", "reject_to", "conditions.0.due",
    "conditions.0.due.day", "metric", "value", "outcome", "restart_at", "reason", "note",
    "delegate", "ends_on", "starts_on", "name", "id", "roles", "token",
]  # fmt: skip
ODD_TEXT = st.sampled_from(
    ["", " ", "0", "-1", "1e309", "NaN", "inf", "2027-02-30", "9999-12-31", "\x00", "é" * 5000,
     "<script>alert(1)</script>", "approve", "policy", "policy:nobody", "../..", "x" * 300]
)  # fmt: skip
VALUES = st.one_of(ODD_TEXT, st.text(max_size=50))
QUERY_VALUES = VALUES.filter(lambda value: len(value) < 500)
"""Short enough for an address: httpx refuses to send longer ones."""
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[httpx.Client]:
    """The fuzzer signed in to the pages through a one-time link, as a person would be."""
    printed = subprocess.run(
        [sys.executable, "-m", "throughline.cli", "login-link", "--person", "fuzzer"],
        env=stack.env,
        check=True,
        capture_output=True,
        text=True,
    )
    link = "/" + printed.stdout.strip().split("/", 3)[3]
    with httpx.Client(base_url=stack.api_url, timeout=60) as client:
        token = link.split("token=", 1)[1]
        signed = client.post(
            "/web/sign-in/link", data={"csrf_token": _csrf(client, link), "token": token}
        )
        assert signed.status_code == 303, signed.text
        yield client


def _csrf(client: httpx.Client, path: str) -> str:
    return csrf_of(client.get(path))


def test_no_form_gets_a_server_error(browser: httpx.Client) -> None:
    csrf = _csrf(browser, "/web/work")
    failures: list[str] = []
    seen: set[int] = set()

    @given(
        path=st.sampled_from(FORMS),
        change=st.sampled_from(["no-such-change", "x" * 64, "A-1"]),
        fields=st.lists(
            st.tuples(st.one_of(st.sampled_from(NAMES), st.text(max_size=20)), VALUES), max_size=8
        ),
    )
    @settings(
        max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def post(path: str, change: str, fields: list[tuple[str, str]]) -> None:
        address = path.format(change=change, condition="c-1", number=7, person="fuzzer")
        body = urlencode([("csrf_token", csrf), *fields])
        answer = browser.post(address, content=body, headers={"content-type": FORM})
        seen.add(answer.status_code)
        page = "text/html" in answer.headers.get("content-type", "")
        if answer.status_code >= 500 or (answer.status_code >= 400 and not page):
            failures.append(f"POST {address} {fields!r}: {answer.status_code} {answer.text[:200]}")

    post()
    assert failures == [], "\n".join(failures[:5])
    assert {400, 404} <= seen, f"the forms were not reached: {seen}"  # past the CSRF check


def test_no_list_filter_gets_a_server_error(browser: httpx.Client) -> None:
    failures: list[str] = []

    @given(
        query=st.dictionaries(
            st.sampled_from(
                ["service", "stage", "status", "waiting_on", "person", "order", "page"]
            ),
            QUERY_VALUES,
        )
    )
    @settings(
        max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def get(query: dict[str, str]) -> None:
        answer = browser.get("/web/changes", params=query)
        if answer.status_code >= 500:
            failures.append(f"GET /web/changes {query!r}: {answer.status_code} {answer.text[:200]}")

    get()
    assert failures == [], "\n".join(failures[:5])
