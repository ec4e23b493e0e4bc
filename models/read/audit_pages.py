"""Reading long logs a page at a time: which events a page asks for, the page with where
the next one starts, and what an auditor's export holds, row by row.

Pages are keyset pages: a page starts after the last seq of the one before, so a page
never shifts or repeats when events are added while a client reads.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from models.audit import AuditEvent
from models.base import SEQ_LIMIT, Moment, Strict
from models.canonical import canonical_json
from models.read.reports import AuditLog, Timeline
from models.refusals import RefusalLog
from models.roles import Role

PAGE_SIZE = 500
"""Events on a page unless a client asks for fewer or more: every log a change gathers
in ordinary use fits on one."""
LARGEST_PAGE = 1000

NEXT_AFTER = (
    "Pass as `after` to read the next page; null on the last page. The verdict is always "
    "on the whole log, whatever the page and the filters."
)


class EventFilter(Strict):
    """Which events of one log a page asks for: those after a seq, by any of these
    actors, roles and kinds, at or after `since` and before `until`."""

    after: int = Field(default=0, ge=0, le=SEQ_LIMIT)
    limit: int = Field(default=PAGE_SIZE, ge=1, le=LARGEST_PAGE)
    actors: list[str] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    since: Moment | None = None
    until: Moment | None = None


class AuditPage(AuditLog):
    next_after: int | None = Field(default=None, description=NEXT_AFTER)


class RefusalPage(RefusalLog):
    next_after: int | None = Field(default=None, description=NEXT_AFTER)


class TimelinePage(Timeline):
    next_after: int | None = Field(
        default=None,
        description="Pass as `after` to read the next page of events; null on the last "
        "page. Handoffs are few, and come whole with every page.",
    )


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class ExportFilter(Strict):
    """Which audit events an export holds: of one service's changes, of one change, in a
    time range; any left out is not a filter. Events come change by change, in seq order."""

    service: str | None = None
    change_id: str | None = None
    since: Moment | None = None
    until: Moment | None = None


EXPORT_COLUMNS = ("change_id", "seq", "at", "actor", "role", "kind", "payload", "prev_hash", "hash")
"""An export's CSV columns, in order; the JSON export has the same fields per event."""


def export_row(event: AuditEvent) -> list[str]:
    """One event as CSV cells: times as the JSON export writes them, no role as an empty
    cell, and the payload as canonical JSON text (sorted keys, no spaces)."""
    fields = event.model_dump(mode="json")
    fields["payload"] = canonical_json(event.payload)
    fields["role"] = fields["role"] or ""
    return [str(fields[column]) for column in EXPORT_COLUMNS]


def page_end(seqs: list[int], limit: int) -> int | None:
    """Where the next page starts, given the seqs read for this one: one more than the
    page holds is read to know whether another page follows."""
    return seqs[limit - 1] if len(seqs) > limit else None
