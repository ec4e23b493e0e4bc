"""The caller: who they are and what waits on them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentCaller, PeopleDep, ReadsDep
from api.errors import error_responses
from models.read.reports import INBOX_PAGE, Inbox, PersonOut

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", summary="Who am I", response_model=PersonOut, responses=error_responses(401))
async def who_am_i(*, caller: CurrentCaller, people: PeopleDep) -> PersonOut:
    """The authenticated person and the roles the directory grants them now."""
    return await people.one(caller.id)


@router.get(
    "/inbox",
    summary="What waits on me",
    response_model=Inbox,
    responses=error_responses(401, 422),
)
async def my_inbox(
    *,
    caller: CurrentCaller,
    reads: ReadsDep,
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page")] = INBOX_PAGE,
    offset: Annotated[
        int, Query(ge=0, le=1_000_000, description="Items to skip: next_offset of the page before")
    ] = 0,
) -> Inbox:
    """Gates and work waiting on the roles I hold now, and changes stuck until I act on
    them: overdue first (most overdue first), then the oldest; a page at a time, with how
    many there are in all and how many are overdue."""
    return await reads.inbox(caller.id, caller.roles, limit, offset)
