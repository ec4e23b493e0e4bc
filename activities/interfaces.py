"""The activities workflows call, by name and signature only. Workflows import these,
never the implementations, which hold I/O; the worker registers the implementations
under the same names."""

from __future__ import annotations

from datetime import datetime

from temporalio import activity

from models.authority import Authorities, AuthorityQuery
from models.calendar import WorkingDaysQuery
from models.directory.projection import DirectoryBatch
from models.projection import ProjectionBatch


@activity.defn(name="project_change")
async def project_change(batch: ProjectionBatch) -> bool:
    """Write the read model and append the audit events; True if this snapshot is newest."""
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
