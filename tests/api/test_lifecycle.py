"""A whole change over HTTP: rework, reject, adapt and adopt, with distinct signers."""

from __future__ import annotations

from tests.api.client import Api
from tests.api.flows import run_whole_lifecycle
from tests.factories import Team


async def test_whole_pdca_lifecycle_over_http(api: Api, team: Team) -> None:
    await run_whole_lifecycle(api, team)
