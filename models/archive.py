"""The archive of closed Temporal histories: what a run to archive is, what the archive
says of each run it holds, and what an admin's purge asks and answers.

Temporal deletes a closed history after its namespace's retention period; auditors need
years. So each run of a change is archived, compressed, once it closes, and kept until
an audited purge after the configured retention period.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from models.base import ShortText, Strict

ARCHIVE_PREFIX = "archive-"
DEFAULT_RETENTION_DAYS = 2557
"""Seven years, leap days included."""
LISTING_LIMIT = 500
PURGE_BATCH = 200
"""Runs purged under one directory event, so each event's payload stays small."""


def archive_workflow_id(run_id: str) -> str:
    """One archiving workflow per run: starting it twice finds the first. A run id is
    unique in the namespace on its own; leaving the workflow id out keeps the id the same
    when a history is replayed under another workflow id, as the recorded ones are."""
    return f"{ARCHIVE_PREFIX}run-{run_id}"


class RunToArchive(Strict):
    """The input of the archiving workflow and its activity: one closed (or closing) run."""

    workflow_id: str
    run_id: str
    change_id: str | None = Field(
        default=None, description="The change, when the run is a ServiceChangeWorkflow's."
    )


class ArchivedRun(Strict):
    """One archived run, without its history."""

    id: int = Field(description="The archive's own number for the run, for paging.")
    workflow_id: str
    run_id: str
    change_id: str | None = None
    workflow_type: str
    closed_at: datetime
    archived_at: datetime
    event_count: int
    sha256: str = Field(description="sha256 of the history's JSON, before compression.")


class ArchiveListing(Strict):
    runs: list[ArchivedRun]
    next_after: int | None = Field(
        default=None, description="Pass as `after` for the next page; none when this is the last."
    )


class ArchivePurgeRequest(Strict):
    reason: ShortText = Field(description="Why the archives are purged; recorded with them.")


class PurgedRun(Strict):
    """What the directory's record keeps of each purged run."""

    workflow_id: str
    run_id: str
    sha256: str
    closed_at: datetime


class ArchivePurge(Strict):
    """What a purge deleted: every run closed before the cutoff, each recorded in the
    directory's audit log before it was deleted."""

    count: int
    cutoff: datetime = Field(description="Runs closed before this were purged.")
    run_ids: list[str] = Field(default_factory=list)
