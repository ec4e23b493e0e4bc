"""Working days from the holiday tables: the challenge window's deadline, and a change's
working calendar. Used in activities only: the holidays package cannot run in the
workflow sandbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict

from models.working_time import OffsetFrom, WorkingCalendar


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


class CalendarQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    calendar: str
    first_day: date
    years: int = 5


def working_calendar(query: CalendarQuery) -> WorkingCalendar:
    """The calendar's bank holidays and clock changes, from its first day for some years.
    Every change opened on the same day shares one, worked out once."""
    return _working_calendar(query.calendar, query.first_day, query.years).model_copy(deep=True)


@lru_cache(maxsize=16)
def _working_calendar(calendar: str, first_day: date, years: int) -> WorkingCalendar:
    query = CalendarQuery(calendar=calendar, first_day=first_day, years=years)
    last_day = query.first_day.replace(year=query.first_day.year + query.years)
    holidays_in = [
        day
        for year in range(query.first_day.year, last_day.year + 1)
        for day in _holidays(query.calendar, year)
        if query.first_day <= day <= last_day
    ]
    return WorkingCalendar(
        name=query.calendar,
        first_day=query.first_day,
        last_day=last_day,
        holidays=sorted(holidays_in),
        offsets=_clock_changes(query.calendar, query.first_day, last_day),
    )


def _clock_changes(calendar: str, first_day: date, last_day: date) -> list[OffsetFrom]:
    """Each change of the local offset from UTC: days are stepped through, and a day
    whose offset moved is searched hour by hour (clocks change on the hour in every
    zone we know)."""
    zone = ZoneInfo(ZONES.get(calendar.split("-")[0], "UTC"))
    instant = datetime.combine(first_day - timedelta(days=1), time.min, tzinfo=UTC)
    end = datetime.combine(last_day + timedelta(days=2), time.min, tzinfo=UTC)
    changes = [OffsetFrom(at=instant, seconds=_offset_seconds(instant, zone))]
    while instant < end:
        following = instant + timedelta(days=1)
        if _offset_seconds(following, zone) != changes[-1].seconds:
            changes.append(_first_hour_moved(instant, changes[-1].seconds, zone))
        instant = following
    return changes


def _first_hour_moved(day_start: datetime, offset: int, zone: ZoneInfo) -> OffsetFrom:
    instant = day_start
    while _offset_seconds(instant, zone) == offset:
        instant += timedelta(hours=1)
    return OffsetFrom(at=instant, seconds=_offset_seconds(instant, zone))


def _offset_seconds(instant: datetime, zone: ZoneInfo) -> int:
    offset = instant.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset else 0
