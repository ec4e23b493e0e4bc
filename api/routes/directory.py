"""The directory's own chained log, for auditors."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AUDITORS, DirectoryDep, SessionDep
from api.errors import error_responses
from models.read.reports import DirectoryLog
from throughline import queries

router = APIRouter(prefix="/directory", tags=["directory"])


@router.get(
    "/audit",
    summary="The directory's audit log with its integrity check",
    response_model=DirectoryLog,
    responses=error_responses(401, 403),
    dependencies=[AUDITORS],
)
async def directory_audit(*, session: SessionDep, directory_service: DirectoryDep) -> DirectoryLog:
    """Every change to the directory, hash-chained, and whether the chain is intact and
    ends where the directory workflow itself says it does."""
    anchor = await directory_service.chain_anchor()
    return await queries.directory_log(session, directory_service.directory_id, anchor)
