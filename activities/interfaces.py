"""The activities workflows call, by name and signature only. Workflows import these,
never the implementations, which hold I/O; the worker registers the implementations
under the same names."""

from __future__ import annotations

from datetime import datetime

from temporalio import activity

from models.archive import RunToArchive
from models.authority import Authorities, AuthorityQuery
from models.calendar import CalendarQuery, WorkingDaysQuery
from models.delivery import Claimed, GiveUp
from models.directory.projection import DirectoryBatch
from models.live_data import MeasurePoll
from models.projection import LocalProjection, ProjectionBatch, ProjectionRecord
from models.read.stuck import DirectoryReading
from models.working_time import WorkingCalendar


@activity.defn(name="project_change")
async def project_change(batch: ProjectionBatch) -> bool:
    """Write the read model and append the audit events; True if this snapshot is newest."""
    raise NotImplementedError("an interface: the worker runs ProjectionActivities")


@activity.defn(name="project_change_locally")
async def project_change_locally(projection: LocalProjection) -> ProjectionRecord:
    """Project as project_change does, as a local activity; returns what the history
    keeps of the batch."""
    raise NotImplementedError("an interface: the worker runs ProjectionActivities")


@activity.defn(name="read_authorities")
async def read_authorities(query: AuthorityQuery) -> Authorities:
    """The roles each person holds as of the workflow's own clock."""
    raise NotImplementedError("an interface: the worker runs DirectoryActivities")


@activity.defn(name="end_of_working_days")
async def end_of_working_days(query: WorkingDaysQuery) -> datetime:
    """The last moment of the n-th working day after the start."""
    raise NotImplementedError("an interface: the worker runs CalendarActivities")


@activity.defn(name="project_directory")
async def project_directory(batch: DirectoryBatch) -> int:
    """Write the directory's tables and event log; returns how many events were new."""
    raise NotImplementedError("an interface: the worker runs DirectoryActivities")


@activity.defn(name="working_calendar")
async def working_calendar(query: CalendarQuery) -> WorkingCalendar:
    """A change's bank holidays and clock changes, so its workflow counts working days."""
    raise NotImplementedError("an interface: the worker runs CalendarActivities")


@activity.defn(name="read_directory")
async def read_directory(query: AuthorityQuery) -> DirectoryReading:
    """Today's directory for the people a change names, and the admins to ask."""
    raise NotImplementedError("an interface: the worker runs DirectoryActivities")


@activity.defn(name="claim_notifications")
async def claim_notifications(limit: int) -> Claimed:
    """Fold held notifications into due digests, then claim pending ones for delivery."""
    raise NotImplementedError("an interface: the worker runs NotificationActivities")


@activity.defn(name="deliver_notification")
async def deliver_notification(notification_id: str) -> str:
    """Send one outbox row, at most once; raises on a failure worth retrying."""
    raise NotImplementedError("an interface: the worker runs NotificationActivities")


@activity.defn(name="give_up_notification")
async def give_up_notification(give_up: GiveUp) -> None:
    """Mark a notification failed once its retries are spent."""
    raise NotImplementedError("an interface: the worker runs NotificationActivities")


@activity.defn(name="poll_measure_source")
async def poll_measure_source(poll: MeasurePoll) -> str:
    """Query a measure's Prometheus source once and store the point; a failing source is
    recorded as its last error, never raised."""
    raise NotImplementedError("an interface: the worker runs LiveDataActivities")


@activity.defn(name="archive_history")
async def archive_history(run: RunToArchive) -> bool:
    """Once the run has closed, put its history, gzipped, in the archive; True if it was
    new. Raises a retryable error while the run is still open."""
    raise NotImplementedError("an interface: the worker runs ArchiveActivities")
