"""Working time on a change's own calendar: its bank holidays and its clock changes, kept as
data so the workflow can count working days without reading a holiday table or a time
zone database (neither runs in the workflow sandbox, and both change with upgrades).

A working day runs from local midnight to the next; a deadline of n working days ends
at the last moment of the n-th working day after the day something started.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from pydantic import Field

from models.base import Strict

LAST_MOMENT = timedelta(microseconds=1)


class HolidayCalendar(StrEnum):
    """The bank-holiday calendars a change can follow, as COUNTRY-SUBDIVISION codes."""

    ENGLAND_AND_WALES = "GB-ENG"
    SCOTLAND = "GB-SCT"
    NORTHERN_IRELAND = "GB-NIR"


class OffsetFrom(Strict):
    """From this instant on, local time is UTC plus this many seconds."""

    at: datetime
    seconds: int


class WorkingCalendar(Strict):
    """A calendar's working days between two dates. Outside them only weekends are
    skipped, at the last known offset from UTC."""

    name: str
    first_day: date
    last_day: date
    holidays: list[date] = Field(default_factory=list)
    offsets: list[OffsetFrom] = Field(min_length=1)

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def local_day(self, instant: datetime) -> date:
        return (instant.astimezone(UTC) + self._offset_at(instant)).date()

    def day_start(self, day: date) -> datetime:
        """Local midnight of a day, in UTC."""
        naive = datetime.combine(day, time.min, tzinfo=UTC)
        guess = naive - self._offset_at(naive)
        return naive - self._offset_at(guess)

    def day_end(self, day: date) -> datetime:
        return self.day_start(day + timedelta(days=1)) - LAST_MOMENT

    def end_of_working_days(self, start: datetime, days: int) -> datetime:
        """The last moment of the n-th working day after the day of start."""
        day = self.local_day(start)
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.is_working(day)
        return self.day_end(day)

    def working_days_before(self, deadline: datetime, days: int) -> datetime:
        """The last moment of the working day n working days before the deadline's day."""
        day = self.local_day(deadline)
        counted = 0
        while counted < days:
            day -= timedelta(days=1)
            counted += self.is_working(day)
        return self.day_end(day)

    def working_days_left(self, now: datetime, deadline: datetime) -> int:
        """Working days from today to the deadline's day, both counted; 0 once it passed."""
        if now > deadline:
            return 0
        day, last = self.local_day(now), self.local_day(deadline)
        left = 0
        while day <= last:
            left += self.is_working(day)
            day += timedelta(days=1)
        return left

    def working_days_between(self, start: datetime, end: datetime) -> float:
        """Working time from start to end, in days of 24 hours: time on weekends and bank
        holidays does not count."""
        total = timedelta()
        day = self.local_day(start)
        while day <= self.local_day(end):
            if self.is_working(day):
                opened = max(start, self.day_start(day))
                closed = min(end, self.day_end(day) + LAST_MOMENT)
                total += max(closed - opened, timedelta())
            day += timedelta(days=1)
        return total / timedelta(days=1)

    def _offset_at(self, instant: datetime) -> timedelta:
        starts = [o.at for o in self.offsets]
        index = max(bisect_right(starts, instant.astimezone(UTC)) - 1, 0)
        return timedelta(seconds=self.offsets[index].seconds)
