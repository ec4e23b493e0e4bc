"""Working days, for rules that count them (the challenge window)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict


class WorkingDaysQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: datetime
    days: int
    calendar: str


@lru_cache(maxsize=8)
def _holidays(calendar: str, year: int) -> holidays.HolidayBase:
    country, _, subdivision = calendar.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None, years=year)


def is_working_day(day: date, calendar: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(calendar, day.year)


ZONES = {"GB": "Europe/London"}


def end_of_working_days(start: datetime, days: int, calendar: str) -> datetime:
    """The last moment of the n-th working day after the day of `start`, days counted in
    the calendar's own time zone (a reject at 00:30 BST falls on that British day)."""
    zone = ZoneInfo(ZONES.get(calendar.split("-")[0], "UTC"))
    day = start.astimezone(zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            counted += 1
    return datetime.combine(day, time.max, tzinfo=zone).astimezone(UTC)
