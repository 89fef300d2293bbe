"""Business calendars for SLA clocks: working hours, China's public holidays and 调休.

Pure Python (no Django). Every instant is timezone-aware; arithmetic happens in
Asia/Shanghai local time (which has had no DST since 1991, but we still build local
instants with ``datetime.combine(..., tzinfo=...)`` rather than adding hours to UTC).

A calendar is either round the clock (24 h brands: every minute counts, holidays too) or a
list of working intervals per working day (e.g. 08:30-12:00 and 13:30-18:00 with a lunch
break). Working days are Monday-Friday, minus public holidays, plus make-up working days
(调休上班日). Pauses (waiting for the customer, for parts) are subtracted exactly.

Holiday data: the State Council General Office notices
  * 2025: 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号 (2024-11-12)
  * 2026: 国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号 (2025-11)
published on www.gov.cn. Regions with extra local holidays (e.g. Xinjiang, Tibet, Guangxi's
三月三) pass them as ``extra_holidays``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _days(start: date, end: date) -> set[date]:
    return {start + timedelta(days=i) for i in range((end - start).days + 1)}


# Statutory holidays (放假) and make-up working days (调休上班) by year.
CN_HOLIDAYS: dict[int, frozenset[date]] = {
    2025: frozenset(
        {date(2025, 1, 1)}  # 元旦
        | _days(date(2025, 1, 28), date(2025, 2, 4))  # 春节
        | _days(date(2025, 4, 4), date(2025, 4, 6))  # 清明节
        | _days(date(2025, 5, 1), date(2025, 5, 5))  # 劳动节
        | _days(date(2025, 5, 31), date(2025, 6, 2))  # 端午节
        | _days(date(2025, 10, 1), date(2025, 10, 8))  # 国庆节、中秋节
    ),
    2026: frozenset(
        _days(date(2026, 1, 1), date(2026, 1, 3))  # 元旦
        | _days(date(2026, 2, 15), date(2026, 2, 23))  # 春节
        | _days(date(2026, 4, 4), date(2026, 4, 6))  # 清明节
        | _days(date(2026, 5, 1), date(2026, 5, 5))  # 劳动节
        | _days(date(2026, 6, 19), date(2026, 6, 21))  # 端午节
        | _days(date(2026, 9, 25), date(2026, 9, 27))  # 中秋节
        | _days(date(2026, 10, 1), date(2026, 10, 7))  # 国庆节
    ),
}
CN_MAKEUP_WORKDAYS: dict[int, frozenset[date]] = {
    2025: frozenset(
        {date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)}
    ),
    2026: frozenset(
        {
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        }
    ),
}
CN_YEARS_KNOWN = frozenset(CN_HOLIDAYS)

Interval = tuple[datetime, datetime]


def _require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in sorted(i for i in intervals if i[1] > i[0]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _subtract(base: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """``base`` minus the union of ``holes`` (both lists of intervals)."""
    result: list[Interval] = []
    holes = _merge(holes)
    for s, e in base:
        cur = s
        for hs, he in holes:
            if he <= cur or hs >= e:
                continue
            if hs > cur:
                result.append((cur, hs))
            cur = max(cur, he)
            if cur >= e:
                break
        if cur < e:
            result.append((cur, e))
    return result


@dataclass(frozen=True)
class BusinessCalendar:
    """When the SLA clock runs.

    ``hours`` are local (start, end) pairs; an end at or before its start runs past midnight
    and belongs to the day it starts. ``round_the_clock`` ignores hours, weekends and holidays.
    """

    hours: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(13, 30), time(18, 0)))
    round_the_clock: bool = False
    weekend: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday
    holidays: frozenset[date] = field(default_factory=lambda: frozenset().union(*CN_HOLIDAYS.values()))
    makeup_workdays: frozenset[date] = field(
        default_factory=lambda: frozenset().union(*CN_MAKEUP_WORKDAYS.values())
    )
    extra_holidays: frozenset[date] = frozenset()
    tz: ZoneInfo = SHANGHAI

    @classmethod
    def always_open(cls) -> BusinessCalendar:
        return cls(hours=(), round_the_clock=True)

    @classmethod
    def from_text(cls, text: str, **kwargs: Any) -> BusinessCalendar:
        """Parse ``"08:30-12:00,13:30-18:00"`` (the ServicePoint.opening_hours format) or ``"24h"``."""
        text = text.strip()
        if text.lower() in {"24h", "24/7", "00:00-24:00"}:
            return cls(hours=(), round_the_clock=True, **kwargs)
        hours = []
        for part in text.split(","):
            a, b = part.strip().split("-")
            hours.append((time.fromisoformat(a.strip()), time.fromisoformat(b.strip())))
        return cls(hours=tuple(hours), **kwargs)

    def is_working_day(self, day: date) -> bool:
        if self.round_the_clock:
            return True
        if day in self.holidays or day in self.extra_holidays:
            return False
        if day in self.makeup_workdays:
            return True
        return day.weekday() not in self.weekend

    def intervals_on(self, day: date) -> list[Interval]:
        """Working intervals that start on local ``day`` (may end the next day)."""
        if self.round_the_clock:
            start = datetime.combine(day, time(0), tzinfo=self.tz)
            return [(start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz))]
        if not self.is_working_day(day):
            return []
        out = []
        for a, b in self.hours:
            end_day = day if b > a else day + timedelta(days=1)
            out.append(
                (datetime.combine(day, a, tzinfo=self.tz), datetime.combine(end_day, b, tzinfo=self.tz))
            )
        return _merge(out)

    def _intervals_from(self, start: datetime, max_days: int = 3660) -> Iterator[Interval]:
        day = start.astimezone(self.tz).date() - timedelta(days=1)  # yesterday's overnight shift
        for _ in range(max_days):
            for s, e in self.intervals_on(day):
                if e > start:
                    yield (max(s, start), e)
            day += timedelta(days=1)
        raise ValueError("no business time found within ten years")

    def elapsed(self, start: datetime, end: datetime, pauses: Sequence[Interval] = ()) -> timedelta:
        """Business time between ``start`` and ``end``, minus the pause intervals.

        A pause still running is passed as ``(paused_at, end)``.
        """
        start, end = _require_aware(start, "start"), _require_aware(end, "end")
        if end <= start:
            return timedelta(0)
        pauses = [(_require_aware(s, "pause start"), _require_aware(e, "pause end")) for s, e in pauses]
        total = timedelta(0)
        spans: list[Interval] = []
        for s, e in self._intervals_from(start):
            if s >= end:
                break
            spans.append((s, min(e, end)))
        for s, e in _subtract(spans, pauses):
            total += e - s
        return total

    def add(self, start: datetime, duration: timedelta, pauses: Sequence[Interval] = ()) -> datetime:
        """The instant when ``duration`` of business time, not counting pauses, has passed."""
        start = _require_aware(start, "start")
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        pauses = _merge((_require_aware(s, "pause start"), _require_aware(e, "pause end")) for s, e in pauses)
        if duration == timedelta(0):
            return start
        remaining = duration
        for s, e in self._intervals_from(start):
            for ps, pe in _subtract([(s, e)], pauses):
                if remaining <= pe - ps:
                    return (ps + remaining).astimezone(self.tz)
                remaining -= pe - ps
        raise AssertionError("unreachable")  # _intervals_from raises first

    def deadline(self, start: datetime, minutes: int, pauses: Sequence[Interval] = ()) -> datetime:
        return self.add(start, timedelta(minutes=minutes), pauses)
