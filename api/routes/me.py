"""The caller: who they are and what waits on them."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentCaller, PeopleDep, ReadsDep
from api.errors import error_responses
from models.read.reports import Inbox, PersonOut

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", summary="Who am I", response_model=PersonOut, responses=error_responses(401))
async def who_am_i(*, caller: CurrentCaller, people: PeopleDep) -> PersonOut:
    """The authenticated person and the roles the directory grants them now."""
    return await people.one(caller.id)


@router.get(
    "/inbox", summary="What waits on me", response_model=Inbox, responses=error_responses(401)
)
async def my_inbox(*, caller: CurrentCaller, reads: ReadsDep) -> Inbox:
    """Gates and work waiting on the roles I hold now, and changes stuck until I act on
    them; oldest first."""
    return await reads.inbox(caller.id, caller.roles)
