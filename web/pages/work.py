"""My work: what waits on the signed-in person, most urgent first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.deps import ReadsDep
from web.deps import PagePerson
from web.links import action_for
from web.render import PREFIX, render

router = APIRouter()


@router.get("/", summary="The pages' front door")
async def front_door() -> Response:
    return RedirectResponse(f"{PREFIX}/work", status_code=303)


@router.get("/work", summary="What waits on me")
async def my_work(request: Request, caller: PagePerson, reads: ReadsDep) -> Response:
    inbox = await reads.inbox(caller.id, caller.roles)
    items = [(item, *action_for(item)) for item in inbox.items]
    return render(request, "work.html", {"title": "My work", "items": items})
