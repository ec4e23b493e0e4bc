"""The archive of closed Temporal histories: admins and auditors list the runs it holds;
admins purge the runs past retention, which the directory records before any goes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query
from fastapi.openapi.models import Example

from api.deps import ADMINS_OR_AUDITORS, Admin, ResourcesDep
from api.errors import error_responses
from models.archive import LISTING_LIMIT, ArchiveListing, ArchivePurge, ArchivePurgeRequest
from models.base import SEQ_LIMIT
from throughline.services.archive import ArchiveService

router = APIRouter(prefix="/admin/archive", tags=["archive"])

PURGE_EXAMPLE = {
    "default": Example(
        summary="Purge after the yearly retention review",
        value={"reason": "Yearly retention review"},
    )
}


def _archive(resources: ResourcesDep) -> ArchiveService:
    return resources.services.archive


ArchiveDep = Annotated[ArchiveService, Depends(_archive)]


@router.get(
    "",
    summary="List archived runs",
    response_model=ArchiveListing,
    responses=error_responses(401, 403, 422),
    dependencies=[ADMINS_OR_AUDITORS],
)
async def list_archive(
    *,
    archive: ArchiveDep,
    after: Annotated[
        int,
        Query(
            ge=0, le=SEQ_LIMIT, description="The `next_after` of the page before; 0 for the first."
        ),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=LISTING_LIMIT)] = 100,
) -> ArchiveListing:
    """Every run whose Temporal history is archived, in the order they were archived, with
    its fingerprint; the histories themselves are kept for the configured retention."""
    return await archive.listing(after, limit)


@router.post(
    "/purge",
    summary="Purge archived runs past retention",
    response_model=ArchivePurge,
    responses=error_responses(401, 403, 413, 415, 422, 503),
)
async def purge_archive(
    *,
    body: Annotated[ArchivePurgeRequest, Body(openapi_examples=PURGE_EXAMPLE)],
    caller: Admin,
    archive: ArchiveDep,
) -> ArchivePurge:
    """Delete every archived run that closed before the retention period
    (THROUGHLINE_ARCHIVE_RETENTION_DAYS) began. Each run is first recorded, with its
    fingerprint and your reason, in the directory's audit log; with nothing past
    retention, nothing is recorded and the count is 0."""
    return await archive.purge(caller.id, body)
