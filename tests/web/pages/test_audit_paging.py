"""The auditor's pages a page at a time: a long log links on to its next page and back
to the first, and the verdict on every page is the whole log's: web/pages/audit.py."""

from __future__ import annotations

import html
import re

from tests.api.client import Api
from tests.api.flows import propose, submit
from tests.factories import Team
from tests.web.conftest import SignIn

LINK = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)"')


def _links(page: str) -> list[str]:
    return [html.unescape(href) for href in LINK.findall(page)]


async def test_the_audit_log_links_to_its_next_page_and_back(
    api: Api, team: Team, browse: SignIn
) -> None:
    change_id = await propose(api, team)
    await submit(api, team, change_id, "intent")
    auditor = await browse(team.auditor)
    path = f"/web/changes/{change_id}/audit"

    first = await auditor.get(path, params={"limit": 3})
    [onward] = _links(first.text)
    second = await auditor.get(onward)

    assert first.status_code == second.status_code == 200
    assert "Next page" in first.text
    assert "First page" not in first.text
    assert onward.endswith(f"{path}?limit=3&after=3")
    assert "Hash of event 3," in first.text
    assert "Hash of event 4," not in first.text
    assert "Hash of event 4," in second.text
    assert "Hash of event 3," not in second.text
    assert "4 events, each chained to the one before" in second.text
    assert "Next page" not in second.text
    assert _links(second.text) == [f"http://throughline.test{path}?limit=3"]


async def test_a_short_log_has_no_page_links(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await propose(api, team)
    auditor = await browse(team.auditor)

    for page in ("audit", "refusals"):
        shown = await auditor.get(f"/web/changes/{change_id}/{page}")
        assert shown.status_code == 200
        assert "govuk-pagination" not in shown.text


async def test_the_refused_attempts_page_too(api: Api, team: Team, browse: SignIn) -> None:
    change_id = await propose(api, team)
    revision = await submit(api, team, change_id, "intent")
    for role in ("digital", "policy"):
        body = {"role": role, "decision": "approve", "revision": revision}
        refused = await api.post(team.proposer, f"/changes/{change_id}/sign-offs", body)
        assert refused.status_code == 403
    auditor = await browse(team.auditor)

    first = await auditor.get(f"/web/changes/{change_id}/refusals", params={"limit": 1})
    [onward] = _links(first.text)
    second = await auditor.get(onward)

    assert "Hash of event 1," in first.text
    assert "Hash of event 2," in second.text
    assert "2 events, each chained to the one before" in second.text
