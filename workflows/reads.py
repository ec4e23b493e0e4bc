"""A change workflow's reads of the outside world: the directory and the calendar."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.interfaces import (
        end_of_working_days,
        read_authorities,
        read_directory,
    )
    from activities.interfaces import working_calendar as working_calendar_of
    from models.authority import Authorities, AuthorityQuery
    from models.calendar import CalendarQuery, WorkingDaysQuery
    from models.change import ChangeState
    from models.read.stuck import DirectoryReading
    from models.working_time import WorkingCalendar
    from workflows.patches import LOCAL_READS

Q = TypeVar("Q")
R = TypeVar("R")
READ_TIMEOUT = timedelta(seconds=10)
# A read must answer eventually; the backoff keeps an outage from becoming a storm.
PERSISTENT = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)


async def read(activity: Callable[[Q], Awaitable[R]], query: Q) -> R:
    """A local activity under LOCAL_READS (the worker does it and records the answer),
    an ordinary one in histories from before."""
    if workflow.patched(LOCAL_READS):
        return await workflow.execute_local_activity(
            activity, query, start_to_close_timeout=READ_TIMEOUT, retry_policy=PERSISTENT
        )
    return await workflow.execute_activity(
        activity, query, start_to_close_timeout=READ_TIMEOUT, retry_policy=PERSISTENT
    )


async def authorities(state: ChangeState, people: list[str]) -> Authorities:
    """What the directory grants these people as of the workflow's own clock."""
    query = AuthorityQuery(people=people, as_of=workflow.now(), change_id=state.change_id)
    return await read(read_authorities, query)


async def challenge_deadline(state: ChangeState) -> datetime | None:
    """When the window to challenge a reject made now closes, from the holiday calendar;
    None when the playbook has no window."""
    governance = state.playbook.governance
    if not governance.challenge_window_working_days:
        return None
    query = WorkingDaysQuery(
        start=workflow.now(),
        days=governance.challenge_window_working_days,
        calendar=governance.holiday_calendar,
    )
    return await read(end_of_working_days, query)


async def working_calendar(state: ChangeState, today: date) -> WorkingCalendar:
    """The change's calendar from today for some years, from the holiday tables."""
    name = state.intake.calendar or state.playbook.governance.holiday_calendar
    return await read(working_calendar_of, CalendarQuery(calendar=name, first_day=today))


async def directory_reading(state: ChangeState) -> DirectoryReading:
    """Today's directory for everyone the change names, and the admins to ask."""
    people = sorted({state.proposer, *state.intake.people.everyone()})
    query = AuthorityQuery(people=people, as_of=workflow.now(), change_id=state.change_id)
    return await read(read_directory, query)
