"""Working-day arithmetic (webapp/core/workdays.py): weekends, public holidays, 调休 working
weekends, deadlines and the Asia/Shanghai day boundary. Pure functions: no app needed,
except to find the repository's calendar file."""
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from webapp.core.workdays import (
    SHANGHAI,
    WorkCalendar,
    add_working_days,
    deadline_status,
    end_of_day_utc,
    local_date,
    subtract_working_days,
    working_days_between,
)

REPO_CALENDAR = Path(__file__).resolve().parent.parent / "content" / "work_calendar.json"

D = date.fromisoformat


@pytest.fixture(scope="module")
def cal():
    """The 2026 calendar of the repository (国务院办公厅 notice)."""
    return WorkCalendar.from_file(REPO_CALENDAR)


def days(start, end):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


# --- the calendar ----------------------------------------------------------------------------

def test_plain_calendar_is_monday_to_friday():
    plain = WorkCalendar()
    assert [plain.is_working_day(D("2026-11-23") + timedelta(days=i)) for i in range(7)] == \
        [True, True, True, True, True, False, False]


def test_holidays_and_exchanged_weekends(cal):
    assert cal.is_working_day(D("2026-09-24"))          # Thursday before Mid-Autumn
    assert not cal.is_working_day(D("2026-09-25"))      # Friday, Mid-Autumn (中秋)
    assert not cal.is_working_day(D("2026-10-01"))      # National Day
    assert not cal.is_working_day(D("2026-10-07"))      # Wednesday, still National Day
    assert cal.is_working_day(D("2026-10-08"))
    assert cal.is_working_day(D("2026-09-20"))          # Sunday, 调休上班
    assert cal.is_working_day(D("2026-10-10"))          # Saturday, 调休上班
    assert not cal.is_working_day(D("2026-10-11"))      # an ordinary Sunday
    assert not cal.is_working_day(D("2026-02-17"))      # Spring Festival
    assert cal.is_working_day(D("2026-02-14"))          # Saturday, 调休上班
    assert not cal.is_working_day(D("2026-11-28"))      # an ordinary Saturday


def test_an_exchanged_workday_wins_over_a_holiday_listing():
    both = WorkCalendar.from_data({"holidays": ["2026-10-10"], "workdays": ["2026-10-10"]})
    assert both.is_working_day(D("2026-10-10"))


def test_repo_calendar_counts_248_working_days_in_2026(cal):
    # 261 weekdays − 19 holidays on weekdays + 6 exchanged weekend days (counted by hand).
    assert working_days_between(D("2025-12-31"), D("2026-12-31"), cal) == 248
    assert sum(cal.is_working_day(d) for d in days(D("2026-01-01"), D("2026-12-31"))) == 248


def test_from_file_missing_gives_plain_calendar(tmp_path):
    missing = WorkCalendar.from_file(tmp_path / "nope.json")
    assert missing == WorkCalendar()
    assert missing.is_working_day(D("2026-10-01"))      # a Thursday, no holidays known
    assert not missing.is_working_day(D("2026-10-10"))  # a Saturday, no exchange known


def test_from_file_flat_layout(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text('{"holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}', encoding="utf-8")
    flat = WorkCalendar.from_file(path)
    assert flat.holidays == frozenset({D("2027-01-01")})
    assert flat.extra_workdays == frozenset({D("2027-01-02")})


def test_from_file_ignores_the_source_note_and_reads_years(cal):
    assert D("2026-10-01") in cal.holidays
    assert cal.extra_workdays == {D(x) for x in ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                                  "2026-09-20", "2026-10-10"]}
    assert len(cal.holidays) == 33


def test_app_reads_the_repo_calendar(app):
    from webapp.suggestions import services

    assert Path(app.config["WORK_CALENDAR_FILE"]).resolve() == REPO_CALENDAR
    assert services.calendar() == WorkCalendar.from_file(REPO_CALENDAR)


def test_app_with_missing_calendar_file_falls_back_to_weekdays(app, monkeypatch, tmp_path):
    from webapp.suggestions import services

    monkeypatch.setitem(app.config, "WORK_CALENDAR_FILE", str(tmp_path / "missing.json"))
    assert services.calendar() == WorkCalendar()


# --- adding and counting -----------------------------------------------------------------------

@pytest.mark.parametrize("start, n, expected", [
    ("2026-11-25", 0, "2026-11-25"),   # n = 0 is the start itself
    ("2026-11-28", 0, "2026-11-28"),   # even on a Saturday
    ("2026-11-25", 1, "2026-11-26"),
    ("2026-11-27", 1, "2026-11-30"),   # Friday → Monday
    ("2026-11-28", 1, "2026-11-30"),   # Saturday → Monday
    ("2026-11-29", 1, "2026-11-30"),   # Sunday → Monday
    ("2026-11-23", 5, "2026-11-30"),
    ("2026-11-23", 15, "2026-12-14"),
    # Mid-Autumn + National Day 2026.
    ("2026-09-24", 1, "2026-09-28"),   # Fri 25 holiday, weekend
    ("2026-09-18", 1, "2026-09-20"),   # Sat 19 off, Sun 20 exchanged working day
    ("2026-09-30", 1, "2026-10-08"),   # Oct 1–7 off
    ("2026-09-30", 3, "2026-10-10"),   # Oct 8, 9, Sat 10 (调休)
    ("2026-09-30", 4, "2026-10-12"),
    ("2026-09-25", 15, "2026-10-22"),  # accepted on the Mid-Autumn holiday
    ("2026-09-25", 30, "2026-11-12"),
    # Spring Festival 2026: Feb 15–23 off, Sat 14 and Sat 28 working.
    ("2026-02-13", 1, "2026-02-14"),
    ("2026-02-14", 1, "2026-02-24"),
    ("2026-02-13", 5, "2026-02-27"),
    ("2026-02-13", 6, "2026-02-28"),
    ("2026-02-13", 7, "2026-03-02"),
    # New Year: Jan 1–3 off, Sun Jan 4 working.
    ("2025-12-31", 1, "2026-01-04"),
])
def test_add_working_days(cal, start, n, expected):
    assert add_working_days(D(start), n, cal) == D(expected)


def test_add_working_days_refuses_negative(cal):
    with pytest.raises(ValueError):
        add_working_days(D("2026-11-25"), -1, cal)


def test_add_working_days_gives_up_on_a_calendar_without_working_days():
    class Never(WorkCalendar):
        def is_working_day(self, day):
            return False

    with pytest.raises(ValueError, match="no working days"):
        add_working_days(D("2026-01-01"), 1, Never())


@pytest.mark.parametrize("start, end, expected", [
    ("2026-11-25", "2026-11-25", 0),
    ("2026-11-25", "2026-11-20", 0),   # end before start
    ("2026-11-27", "2026-11-29", 0),   # Friday → Sunday: only the weekend
    ("2026-11-27", "2026-11-30", 1),
    ("2026-09-30", "2026-10-07", 0),   # the whole National Day week
    ("2026-09-30", "2026-10-11", 3),
    ("2026-02-13", "2026-02-23", 1),   # only Sat Feb 14
])
def test_working_days_between(cal, start, end, expected):
    assert working_days_between(D(start), D(end), cal) == expected


def test_inverse_over_every_day_of_2026(cal):
    """For every start date of the year (working or not) and every n used by the app,
    counting back the days added gives n; and adding the days counted to any working
    day gives that day."""
    for start in days(D("2025-12-25"), D("2026-12-31")):
        for n in (0, 1, 2, 3, 5, 15, 30):
            due = add_working_days(start, n, cal)
            assert working_days_between(start, due, cal) == n, (start, n)
            if n:
                assert cal.is_working_day(due), (start, n)
                # No earlier date is n working days away.
                assert working_days_between(start, due - timedelta(days=1), cal) == n - 1, (start, n)
    working = [d for d in days(D("2026-01-01"), D("2026-12-31")) if cal.is_working_day(d)]
    start = D("2025-12-31")
    for end in working:
        assert add_working_days(start, working_days_between(start, end, cal), cal) == end


def test_subtract_working_days_inverts_add(cal):
    for start in days(D("2026-01-01"), D("2026-12-31")):
        for n in (1, 3, 15):
            back = subtract_working_days(add_working_days(start, n, cal), n, cal)
            if cal.is_working_day(start):
                assert back == start, (start, n)
            else:
                # The latest working day before a day off.
                assert back < start and cal.is_working_day(back), (start, n)
                assert not any(cal.is_working_day(d) for d in days(back + timedelta(days=1), start))


@pytest.mark.parametrize("end, n, expected", [
    ("2026-11-30", 0, "2026-11-30"),
    ("2026-11-30", 1, "2026-11-27"),   # Monday → Friday
    ("2026-11-30", 3, "2026-11-25"),
    ("2026-10-22", 3, "2026-10-19"),
    ("2026-10-08", 1, "2026-09-30"),   # back over National Day
    ("2026-10-12", 1, "2026-10-10"),   # the exchanged Saturday counts
    ("2026-02-24", 1, "2026-02-14"),
])
def test_subtract_working_days(cal, end, n, expected):
    assert subtract_working_days(D(end), n, cal) == D(expected)


def test_subtract_working_days_refuses_negative(cal):
    # It used to walk back to year 1 and crash with OverflowError (a negative REMIND_DAYS).
    with pytest.raises(ValueError):
        subtract_working_days(D("2026-11-25"), -1, cal)


def test_subtract_working_days_gives_up_on_a_calendar_without_working_days():
    class Never(WorkCalendar):
        def is_working_day(self, day):
            return False

    with pytest.raises(ValueError, match="no working days"):
        subtract_working_days(D("2026-01-01"), 1, Never())


# --- deadline status -----------------------------------------------------------------------------

DUE, LONG_DUE = D("2026-10-22"), D("2026-11-12")


@pytest.mark.parametrize("today, answered_on, expected", [
    ("2026-09-25", None, "on_time"),
    ("2026-10-21", None, "on_time"),
    ("2026-10-22", None, "on_time"),       # the due date itself is on time
    ("2026-10-23", None, "overdue"),       # the day after is overdue
    ("2026-11-12", None, "overdue"),       # the long due date itself is only overdue
    ("2026-11-13", None, "long_overdue"),
    ("2027-06-01", None, "long_overdue"),
    ("2027-06-01", "2026-10-22", "on_time"),   # answered on the due date: on time for ever
    ("2027-06-01", "2026-10-01", "on_time"),
    ("2026-10-23", "2026-10-23", "overdue"),   # answered a day late
    ("2027-06-01", "2026-11-12", "overdue"),
    ("2027-06-01", "2026-11-13", "long_overdue"),
    ("2026-10-01", "2026-11-20", "long_overdue"),  # the answer date wins over `today`
])
def test_deadline_status(today, answered_on, expected):
    answered = D(answered_on) if answered_on else None
    assert deadline_status(DUE, LONG_DUE, D(today), answered) == expected


def test_deadline_status_without_deadline_or_long_deadline():
    assert deadline_status(None, None, D("2030-01-01")) == "on_time"
    assert deadline_status(DUE, None, D("2027-01-01")) == "overdue"


# --- time zone -----------------------------------------------------------------------------------

@pytest.mark.parametrize("utc, expected", [
    ("2026-11-25 15:59:59", "2026-11-25"),
    ("2026-11-25 16:00:00", "2026-11-26"),   # midnight in Shanghai
    ("2026-11-25 17:30:00", "2026-11-26"),
    ("2026-11-25 00:00:00", "2026-11-25"),
    ("2026-12-31 16:00:00", "2027-01-01"),
])
def test_local_date_across_shanghai_midnight(utc, expected):
    assert local_date(datetime.fromisoformat(utc), SHANGHAI) == D(expected)


def test_local_date_other_zone():
    assert local_date(datetime(2026, 11, 25, 3, 0), ZoneInfo("America/New_York")) == D("2026-11-24")


def test_end_of_day_utc():
    assert end_of_day_utc(D("2026-11-26"), SHANGHAI) == datetime(2026, 11, 26, 15, 59, 59)
    assert end_of_day_utc(D("2026-10-22"), SHANGHAI).tzinfo is None
    # The last moment of the local day is still that day; a second later is the next.
    end = end_of_day_utc(D("2026-11-26"), SHANGHAI)
    assert local_date(end, SHANGHAI) == D("2026-11-26")
    assert local_date(end + timedelta(seconds=1), SHANGHAI) == D("2026-11-27")
