"""Working-day arithmetic for deadlines (办理时限), in the association's time zone.

A working day is Monday to Friday, minus public holidays, plus the weekend days the State
Council declares working days in exchange (调休). The calendar is plain data so the
arithmetic is pure: `WorkCalendar` and the functions below take dates and return dates,
and tests can build any calendar they like.

Counting follows the usual administrative convention: the day something arrives does not
count; "answer within 15 working days" of an acceptance on a Monday means by the end of
the 15th working day after that Monday.
"""
import json
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset = field(default_factory=frozenset)
    # Weekend days that are working days (调休上班).
    extra_workdays: frozenset = field(default_factory=frozenset)

    @cached_property
    def exceptions(self):
        """(weekday holidays, weekend working days), sorted: what differs from Monday–Friday."""
        minus = sorted(d for d in self.holidays if d.weekday() < 5 and d not in self.extra_workdays)
        plus = sorted(d for d in self.extra_workdays if d.weekday() >= 5)
        return minus, plus

    def is_working_day(self, day):
        if day in self.extra_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    @classmethod
    def from_data(cls, data):
        """Build from `{"holidays": ["2026-10-01", …], "workdays": ["2026-10-10", …]}`."""
        def dates(values):
            return frozenset(date.fromisoformat(str(v)) for v in values or ())

        return cls(holidays=dates(data.get("holidays")), extra_workdays=dates(data.get("workdays")))

    @classmethod
    def from_file(cls, path):
        path = Path(path)
        if not path.exists():
            return cls()
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        holidays, workdays = [], []
        # The file may group dates by year: {"2026": {"holidays": […], "workdays": […]}}.
        for key, value in data.items():
            if isinstance(value, dict):
                holidays += value.get("holidays", [])
                workdays += value.get("workdays", [])
            elif key == "holidays":
                holidays += value
            elif key == "workdays":
                workdays += value
        return cls.from_data({"holidays": holidays, "workdays": workdays})


def _walk(day, n, step, calendar):
    """Step one day at a time until `n` working days have passed."""
    if n < 0:
        raise ValueError("n must be >= 0")
    remaining = n
    guard = 0
    while remaining:
        day += step
        guard += 1
        # Ten years without a working day means the calendar is broken, not the loop.
        if guard > 366 * 10:
            raise ValueError("calendar has no working days")
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def add_working_days(start, n, calendar):
    """The date that is the `n`-th working day after the date `start` (start itself not counted).

    `n == 0` gives `start`.
    """
    return _walk(start, n, timedelta(days=1), calendar)


def working_days_between(start, end, calendar):
    """Working days after `start` up to and including `end` (0 when `end <= start`).

    The inverse of `add_working_days` on working days:
    `working_days_between(d, add_working_days(d, n, cal), cal) == n`.
    """
    if end <= start:
        return 0
    # Constant time (statistics count this for every answered suggestion): Mondays to
    # Fridays by whole weeks, then the calendar's exceptions inside (start, end].
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    minus, plus = calendar.exceptions
    count -= bisect_right(minus, end) - bisect_right(minus, start)
    count += bisect_right(plus, end) - bisect_right(plus, start)
    return count


def subtract_working_days(end, n, calendar):
    """The working day `n` working days before `end` (used for "3 working days before a deadline")."""
    return _walk(end, n, timedelta(days=-1), calendar)


def local_date(utc_naive, zone):
    """The calendar date, in `zone`, of a naive UTC timestamp."""
    return utc_naive.replace(tzinfo=UTC).astimezone(zone).date()


def end_of_day_utc(day, zone):
    """The last moment (23:59:59) of a local date, as naive UTC: when a deadline expires."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def deadline_status(due, long_due, today, answered_on=None):
    """'on_time' | 'overdue' | 'long_overdue' for a deadline, on `today` or when answered.

    Overdue once the due date has passed (the due date itself is still on time); long
    overdue once the second due date (2N working days) has passed.
    """
    moment = answered_on or today
    if due is None:
        return "on_time"
    if long_due is not None and moment > long_due:
        return "long_overdue"
    if moment > due:
        return "overdue"
    return "on_time"


SHANGHAI = ZoneInfo("Asia/Shanghai")
