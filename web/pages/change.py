"""One change: its intent, people and measures, where it stands on its playbook, the gate
in plain words, evidence, conditions and the timeline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import ReadsDep
from models.roles import SIGNING_ROLES, Role
from throughline.services.auth import Caller
from web.deps import ANY_ROLE, ChangeId, PagePerson
from web.links import change_page
from web.render import render

router = APIRouter(dependencies=[ANY_ROLE])

ACTIONS: list[tuple[str, str, tuple[Role, ...]]] = [
    ("Sign off", "/sign-off", (Role.POLICY, Role.DIGITAL, Role.OPERATIONS)),
    ("Submit work", "/submit", (Role.DIGITAL,)),
    ("Record a measurement", "/measure", (Role.DIGITAL,)),
    ("Challenge a reject", "/challenge", (Role.DIGITAL,)),
    ("Decide at the act gate", "/decide", (Role.SERVICE_OWNER,)),
    ("Rule on a challenge", "/ruling", (Role.SERVICE_OWNER,)),
    ("Where to start and alignment", "/practice", tuple(sorted(SIGNING_ROLES))),
    ("Record an assessment", "/assess", (Role.ASSESSOR,)),
    ("Assessment reports", "/assessments", tuple(Role)),
    ("Audit log", "/audit", (Role.AUDITOR,)),
    ("Refused attempts", "/refusals", (Role.AUDITOR,)),
]
"""Links to the pages a person's roles may use; each page says what it allows now."""


def _actions(caller: Caller, change_id: str) -> list[dict[str, str]]:
    return [
        {"text": text, "href": change_page(change_id) + path}
        for text, path, roles in ACTIONS
        if any(caller.holds(role) for role in roles)
    ]


@router.get("/changes/{change_id}", summary="One change")
async def change_page_view(
    request: Request, change_id: ChangeId, caller: PagePerson, reads: ReadsDep
) -> Response:
    story = await reads.story(change_id)
    context = {
        "title": story.change.title,
        "story": story,
        "change": story.change,
        "gate": story.change.gate,
        "actions": _actions(caller, change_id),
    }
    return render(request, "change.html", context)
