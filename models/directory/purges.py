"""Purging archived histories, as the directory records it: only an admin may, only runs
closed before a cutoff at least a day old may be named, and the event that lists every
run, with its fingerprint, is written before any of them is deleted."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import AwareDatetime, Field

from models.archive import PURGE_BATCH, PurgedRun
from models.audit import AuditEvent
from models.base import ShortText
from models.directory.commands import DirectoryCommand
from models.directory.events import DirectoryEventKind as Kind
from models.directory.rules import require_admin
from models.directory.state import DirectoryState
from models.directory.transitions import record
from models.errors import InvalidRequest

SHORTEST_RETENTION = timedelta(days=1)
"""No archive younger than this is ever purged, whatever the settings say."""


class PurgeArchives(DirectoryCommand):
    """Put on the record the archived runs about to be deleted."""

    cutoff: AwareDatetime = Field(description="Every run named closed before this.")
    reason: ShortText
    runs: list[PurgedRun] = Field(min_length=1, max_length=PURGE_BATCH)


def check_purge_archives(state: DirectoryState, cmd: PurgeArchives, now: datetime) -> None:
    require_admin(state, cmd)
    if cmd.cutoff > now - SHORTEST_RETENTION:
        raise InvalidRequest(
            f"the cutoff {cmd.cutoff.isoformat()} is less than a day ago; archives are kept "
            "at least a day"
        )
    late = [run for run in cmd.runs if run.closed_at >= cmd.cutoff]
    if late:
        raise InvalidRequest(
            f"run {late[0].run_id} closed at {late[0].closed_at.isoformat()}, not before the "
            f"cutoff {cmd.cutoff.isoformat()}; it is still kept"
        )


def apply_purge_archives(
    state: DirectoryState, cmd: PurgeArchives, now: datetime
) -> list[AuditEvent]:
    """One event naming every run to be purged, with what identifies its history."""
    check_purge_archives(state, cmd, now)
    payload = {
        "cutoff": cmd.cutoff.isoformat(),
        "reason": cmd.reason,
        "runs": [run.model_dump(mode="json") for run in cmd.runs],
    }
    return [record(state, Kind.ARCHIVES_PURGED, cmd.actor, now, payload)]
