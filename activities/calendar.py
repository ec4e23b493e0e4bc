"""Working-day calendars, read through an activity.

A holiday table can change when the holidays package is upgraded. Computing a deadline
in an activity records the answer in history, so replaying a change years later gives
the same deadline, and the same audit hashes, whatever the package now says.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import activity

from models.calendar import (
    CalendarQuery,
    WorkingDaysQuery,
    end_of_working_days,
    working_calendar,
)
from models.working_time import WorkingCalendar


class CalendarActivities:
    @activity.defn(name="end_of_working_days")
    async def end_of_working_days(self, query: WorkingDaysQuery) -> datetime:
        """The last moment of the n-th working day after the start."""
        return end_of_working_days(query.start, query.days, query.calendar)

    @activity.defn(name="working_calendar")
    async def working_calendar(self, query: CalendarQuery) -> WorkingCalendar:
        """A change's bank holidays and clock changes, so its workflow counts working days."""
        return working_calendar(query)
