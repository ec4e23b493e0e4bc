"""Working calendars by name, for reads that count working days to a due time. Built
from the holiday tables once a day per calendar; the workflow's own copy decides every
due time, so these only ever count down to one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from models.calendar import CalendarQuery, working_calendar
from models.working_time import WorkingCalendar


@lru_cache(maxsize=16)
def _calendar(name: str, today: date) -> WorkingCalendar:
    return working_calendar(CalendarQuery(calendar=name, first_day=today - timedelta(days=1)))


def working_days_left(name: str | None, now: datetime, due_at: datetime | None) -> int | None:
    """Working days from today to the due time, both counted; None without a due time."""
    if name is None or due_at is None:
        return None
    return _calendar(name, now.date()).working_days_left(now, due_at)
