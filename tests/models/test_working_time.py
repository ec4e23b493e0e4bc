"""Working time counted from a calendar kept as data agrees with the holiday tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import CalendarQuery, end_of_working_days, working_calendar
from models.working_time import HolidayCalendar

CALENDARS = {
    c.value: working_calendar(CalendarQuery(calendar=c.value, first_day=date(2026, 1, 1)))
    for c in HolidayCalendar
}
INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 1), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(start=INSTANTS, days=st.integers(0, 15), name=st.sampled_from(sorted(CALENDARS)))
def test_deadlines_match_the_holiday_tables(start: datetime, days: int, name: str) -> None:
    assert CALENDARS[name].end_of_working_days(start, days) == end_of_working_days(
        start, days, name
    )


def test_bank_holidays_differ_between_the_nations() -> None:
    st_andrews, boxing_day_after = date(2026, 11, 30), date(2026, 3, 17)
    assert not CALENDARS["GB-SCT"].is_working(st_andrews)
    assert CALENDARS["GB-ENG"].is_working(st_andrews)
    assert not CALENDARS["GB-NIR"].is_working(boxing_day_after)  # St Patrick's Day


def test_a_day_in_british_summer_time_starts_an_hour_before_utc_midnight() -> None:
    calendar = CALENDARS["GB-ENG"]
    assert calendar.day_start(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert calendar.day_start(date(2026, 12, 1)) == datetime(2026, 12, 1, tzinfo=UTC)
    assert calendar.local_day(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)


def test_a_reminder_one_working_day_before_skips_the_weekend() -> None:
    calendar = CALENDARS["GB-ENG"]
    monday_end = calendar.day_end(date(2026, 3, 9))
    friday_end = calendar.day_end(date(2026, 3, 6))
    assert calendar.working_days_before(monday_end, 1) == friday_end


def test_working_days_left_counts_today_and_the_due_day() -> None:
    calendar = CALENDARS["GB-ENG"]
    monday_noon = datetime(2026, 3, 9, 12, tzinfo=UTC)
    wednesday_end = calendar.day_end(date(2026, 3, 11))
    assert calendar.working_days_left(monday_noon, wednesday_end) == 3
    assert calendar.working_days_left(wednesday_end + timedelta(seconds=1), wednesday_end) == 0


def test_waiting_over_a_weekend_counts_only_working_time() -> None:
    calendar = CALENDARS["GB-ENG"]
    friday_noon = datetime(2026, 3, 6, 12, tzinfo=UTC)
    monday_noon = datetime(2026, 3, 9, 12, tzinfo=UTC)
    assert calendar.working_days_between(friday_noon, monday_noon) == 1.0
