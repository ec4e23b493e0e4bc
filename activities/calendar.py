"""Working-day calendars, read through an activity.

A holiday table can change when the holidays package is upgraded. Computing a deadline
in an activity records the answer in history, so replaying a change years later gives
the same deadline, and the same audit hashes, whatever the package now says.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import activity

from models.calendar import WorkingDaysQuery, end_of_working_days


class CalendarActivities:
    @activity.defn(name="end_of_working_days")
    async def end_of_working_days(self, query: WorkingDaysQuery) -> datetime:
        """The last moment of the n-th working day after the start."""
        return end_of_working_days(query.start, query.days, query.calendar)
