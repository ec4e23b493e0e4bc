"""The inbox over HTTP a page at a time: `next_offset` leads through every item once,
each page says how many there are in all, and bad paging is a 422 that names the
parameter: api/routes/me.py."""

from __future__ import annotations

from typing import Any

import pytest

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import propose, submit, whole_inbox
from tests.factories import Team


async def test_pages_of_the_inbox_lead_through_every_item_once(api: Api, team: Team) -> None:
    for text in ("one", "two", "three"):
        await submit(api, team, await propose(api, team), text)
    signer = team.signer(Role.OPERATIONS)
    whole = (await api.get(signer, "/me/inbox")).json()
    assert (whole["total"], whole["limit"], whole["offset"], whole["next_offset"]) == (
        3,
        50,
        0,
        None,
    )

    first = (await api.get(signer, "/me/inbox", limit=2)).json()
    second = (await api.get(signer, "/me/inbox", limit=2, offset=first["next_offset"])).json()

    assert (len(first["items"]), first["next_offset"], first["total"]) == (2, 2, 3)
    assert (len(second["items"]), second["next_offset"], second["total"]) == (1, None, 3)
    in_order = [item["change_id"] for item in whole["items"]]
    assert [item["change_id"] for item in first["items"] + second["items"]] == in_order
    assert [item["change_id"] for item in await whole_inbox(api, signer)] == in_order


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": 0}, "query.limit"),
        ({"limit": 201}, "query.limit"),
        ({"offset": -1}, "query.offset"),
        ({"offset": "third"}, "query.offset"),
    ],
)
async def test_bad_paging_is_a_422_naming_the_parameter(
    api: Api, team: Team, params: dict[str, Any], named: str
) -> None:
    response = await api.get(team.proposer, "/me/inbox", **params)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_request"
    assert response.json()["detail"].startswith(named), response.text
