"""What people do over HTTP on the GOV.UK service phases playbook, for API and page
tests: a panel seated in the directory, a change proposed with it, ratings given."""

from __future__ import annotations

from typing import Any

from models.roles import Role
from tests.api.client import Api
from tests.api.flows import intake_body
from tests.factories import Team, add_people
from throughline.services.directory import DirectoryService

SEATS = ("lead", "research", "design", "tech")


async def seat_panel(directory: DirectoryService, team: Team) -> list[str]:
    """Four assessors in the directory, the lead first."""
    panel = [f"assessor-{seat}-{team.suffix}" for seat in SEATS]
    await add_people(directory, {person: [Role.ASSESSOR] for person in panel})
    return panel


async def propose_phases(api: Api, team: Team, panel: list[str], **overrides: Any) -> str:
    people = {**team.people(), "assessor": panel}
    body = intake_body(team, playbook="govuk-phases", **{"people": people, **overrides})
    response = await api.post(team.proposer, "/changes", body)
    assert response.status_code == 201, response.text
    change_id: str = response.json()["change_id"]
    return change_id


def ratings(red: tuple[int, ...] = (), amber: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """All 14 points rated, green unless named red or amber, each with its reasons."""

    def rating(point: int) -> str:
        return "red" if point in red else "amber" if point in amber else "green"

    return [
        {"point": n, "rating": rating(n), "comment": f"Point {n}: {rating(n)} because."}
        for n in range(1, 15)
    ]


async def assess(api: Api, lead: str, change_id: str, body: dict[str, Any]) -> Any:
    return await api.post(lead, f"/changes/{change_id}/assessments", body)
