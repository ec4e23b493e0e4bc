"""My work: what waits on the signed-in person, most urgent first, a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from api.deps import ReadsDep
from web.deps import PagePerson
from web.links import action_for
from web.pages.changes import pagination
from web.render import PREFIX, render

router = APIRouter()
PAGE_SIZE = 25


@router.get("/", summary="The pages' front door")
async def front_door() -> Response:
    return RedirectResponse(f"{PREFIX}/work", status_code=303)


@router.get("/work", summary="What waits on me")
async def my_work(
    request: Request,
    caller: PagePerson,
    reads: ReadsDep,
    page: Annotated[int, Query(ge=1, le=40_000)] = 1,
) -> Response:
    inbox = await reads.inbox(caller.id, caller.roles, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    items = [(item, *action_for(item)) for item in inbox.items]
    context = {
        "title": "My work",
        "inbox": inbox,
        "page": page,
        "items": items,
        "pagination": pagination(request, page, -(-inbox.total // PAGE_SIZE)),
    }
    return render(request, "work.html", context)
