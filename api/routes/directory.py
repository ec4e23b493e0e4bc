"""The directory's own chained log, for auditors."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AUDITORS, AuditDep
from api.errors import error_responses
from models.read.reports import DirectoryLog

router = APIRouter(prefix="/directory", tags=["directory"])


@router.get(
    "/audit",
    summary="The directory's audit log with its integrity check",
    response_model=DirectoryLog,
    responses=error_responses(401, 403),
    dependencies=[AUDITORS],
)
async def directory_audit(*, audit: AuditDep) -> DirectoryLog:
    """Every change to the directory, hash-chained, and whether the chain is intact and
    ends where the directory workflow itself says it does."""
    return await audit.directory_log()
