from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from anxin.sla.calendars import CN_HOLIDAYS, CN_MAKEUP_WORKDAYS, SHANGHAI, BusinessCalendar


def at(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


OFFICE = BusinessCalendar()  # 08:30-12:00, 13:30-18:00, Mon-Fri, CN holidays


def test_it_skips_the_lunch_break_when_adding_time() -> None:
    # Given a Monday morning order at 11:30 with a 60-minute promise
    start = at(2025, 3, 3, 11, 30)
    # Then 30 minutes run before lunch and 30 after it
    assert OFFICE.add(start, timedelta(minutes=60)) == at(2025, 3, 3, 14, 0)
    assert OFFICE.elapsed(start, at(2025, 3, 3, 14, 0)) == timedelta(minutes=60)


def test_it_counts_nothing_during_lunch() -> None:
    assert OFFICE.elapsed(at(2025, 3, 3, 12, 0), at(2025, 3, 3, 13, 30)) == timedelta(0)


def test_it_rolls_over_a_public_holiday() -> None:
    # Given Wednesday 2025-04-30 at 17:00, and 1 May - 5 May is Labour Day
    start = at(2025, 4, 30, 17, 0)
    # When 2 business hours are added
    # Then one hour is used on 30 April and the clock resumes on Tuesday 6 May
    assert OFFICE.add(start, timedelta(hours=2)) == at(2025, 5, 6, 9, 30)


def test_it_works_on_a_makeup_sunday() -> None:
    # 2025-04-27 is a Sunday that is a make-up working day (调休上班)
    sunday = date(2025, 4, 27)
    assert sunday.weekday() == 6
    assert OFFICE.is_working_day(sunday)
    assert OFFICE.add(at(2025, 4, 26, 10, 0), timedelta(minutes=30)) == at(2025, 4, 27, 9, 0)


def test_it_treats_an_ordinary_sunday_as_a_day_off() -> None:
    assert not OFFICE.is_working_day(date(2025, 3, 2))


def test_it_knows_the_2026_spring_festival_and_its_makeup_saturdays() -> None:
    assert date(2026, 2, 17) in CN_HOLIDAYS[2026]
    assert not OFFICE.is_working_day(date(2026, 2, 23))  # Monday, still holiday
    assert OFFICE.is_working_day(date(2026, 2, 14))  # Saturday, make-up day
    assert OFFICE.is_working_day(date(2026, 2, 28))
    assert date(2026, 10, 10) in CN_MAKEUP_WORKDAYS[2026]


def test_round_the_clock_runs_overnight_and_through_holidays() -> None:
    always = BusinessCalendar.always_open()
    start = at(2025, 9, 30, 22, 0)  # eve of National Day
    assert always.add(start, timedelta(hours=4)) == at(2025, 10, 1, 2, 0)
    assert always.elapsed(start, at(2025, 10, 2, 22, 0)) == timedelta(hours=48)


def test_it_subtracts_pauses_exactly() -> None:
    # Given an order at 09:00 paused for parts 10:00-11:15 and again 15:00-16:00
    start = at(2025, 3, 4, 9, 0)
    pauses = [(at(2025, 3, 4, 10, 0), at(2025, 3, 4, 11, 15)), (at(2025, 3, 4, 15, 0), at(2025, 3, 4, 16, 0))]
    # Then 09:00-17:00 counts 8h - 1.5h lunch - 1.25h - 1h
    assert OFFICE.elapsed(start, at(2025, 3, 4, 17, 0), pauses) == timedelta(hours=4, minutes=15)
    # And adding that much lands exactly on 17:00
    assert OFFICE.add(start, timedelta(hours=4, minutes=15), pauses) == at(2025, 3, 4, 17, 0)


def test_a_pause_over_lunch_is_not_counted_twice() -> None:
    start = at(2025, 3, 4, 11, 0)
    pauses = [(at(2025, 3, 4, 11, 30), at(2025, 3, 4, 14, 0))]
    assert OFFICE.elapsed(start, at(2025, 3, 4, 15, 0), pauses) == timedelta(minutes=30 + 60)


def test_a_running_pause_stops_the_clock_until_resumed() -> None:
    always = BusinessCalendar.always_open()
    start = at(2025, 3, 4, 9, 0)
    paused_at = at(2025, 3, 4, 9, 20)
    now = at(2025, 3, 4, 12, 0)
    assert always.elapsed(start, now, [(paused_at, now)]) == timedelta(minutes=20)
    # After resuming at 12:00, a 30-minute promise ends at 12:10
    assert always.add(start, timedelta(minutes=30), [(paused_at, now)]) == at(2025, 3, 4, 12, 10)


def test_an_overnight_shift_belongs_to_the_day_it_starts() -> None:
    night = BusinessCalendar(hours=((time(20, 0), time(2, 0)),), weekend=frozenset())
    assert night.add(at(2025, 3, 4, 23, 0), timedelta(hours=4)) == at(2025, 3, 5, 21, 0)


def test_it_accepts_other_timezones_and_answers_in_shanghai_time() -> None:
    utc_start = datetime(2025, 3, 3, 3, 30, tzinfo=UTC)  # 11:30 in Shanghai
    result = OFFICE.add(utc_start, timedelta(minutes=60))
    assert result == at(2025, 3, 3, 14, 0)
    assert result.tzinfo == SHANGHAI


def test_it_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        OFFICE.add(datetime(2025, 3, 3, 9, 0), timedelta(minutes=5))  # noqa: DTZ001


def test_it_parses_service_point_opening_hours() -> None:
    cal = BusinessCalendar.from_text("09:00-12:00, 14:00-17:30")
    assert cal.hours == ((time(9), time(12)), (time(14), time(17, 30)))
    assert BusinessCalendar.from_text("24h").round_the_clock


def test_regional_extra_holidays_close_the_day() -> None:
    guangxi = BusinessCalendar(extra_holidays=frozenset({date(2025, 3, 31)}))
    assert not guangxi.is_working_day(date(2025, 3, 31))
    assert OFFICE.is_working_day(date(2025, 3, 31))
