"""The caller: who they are and what waits on them."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentCaller, SessionDep
from api.errors import error_responses
from models.read.reports import Inbox, PersonOut
from throughline import queries
from throughline.store import directory

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", summary="Who am I", response_model=PersonOut, responses=error_responses(401))
async def who_am_i(*, caller: CurrentCaller, session: SessionDep) -> PersonOut:
    """The authenticated person and the roles the directory grants them now."""
    return await queries.person_out(session, await directory.get_person(session, caller.id))


@router.get(
    "/inbox", summary="What waits on me", response_model=Inbox, responses=error_responses(401)
)
async def my_inbox(*, caller: CurrentCaller, session: SessionDep) -> Inbox:
    """Gates and work waiting on the roles I hold now, oldest first."""
    return await queries.inbox(session, caller.id, caller.roles)
