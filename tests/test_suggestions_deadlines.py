"""Deadlines, reminders and leaders' statistics of suggestions, on a controlled clock.

The clock is frozen by time-machine (the `clock` fixture, naive UTC); the repository's 2026
calendar applies (Mid-Autumn Sep 25, National Day Oct 1–7, Sun Sep 20 and Sat Oct 10 worked).
"""
from datetime import date, datetime

import pytest

from webapp.notifications.models import Notification
from webapp.suggestions import services

D = date.fromisoformat
ANSWER = "感谢您的建议，我们将认真研究并推动落实。"


@pytest.fixture
def people(make_leader, make_member, make_staff):
    return {
        "author": make_member(username="author"),
        "staff": make_staff(username="staff"),
        "leader_a": make_leader(username="leader_a", real_name="甲领导"),
        "leader_b": make_leader(username="leader_b", real_name="乙领导"),
    }


def reminders():
    return [(n.user_id, n.body) for n in Notification.query.filter_by(kind="suggestion.reminder")
            .order_by(Notification.id)]


# --- deadlines ----------------------------------------------------------------------------------

@pytest.fixture
def accepted_on_mid_autumn(people, make_suggestion, clock):
    """Accepted on Friday 2026-09-25 at 09:00 in Shanghai: a public holiday (中秋)."""
    clock.set("2026-09-25 01:00")
    return make_suggestion(author=people["author"], staff=people["staff"], addressee=people["leader_a"],
                           state="assigned")


def test_due_dates_skip_mid_autumn_and_national_day(accepted_on_mid_autumn):
    s = accepted_on_mid_autumn
    assert s.accepted_at == datetime(2026, 9, 25, 1, 0)
    assert s.assigned_leader_id is not None
    # Sep 28–30 (3), Oct 8, 9, Sat 10 (6), Oct 12–16 (11), Oct 19–22 (15).
    assert s.due_date == D("2026-10-22")
    assert s.long_due_date == D("2026-11-12")


@pytest.mark.parametrize("on, status, left", [
    ("2026-09-25", "on_time", 15),
    ("2026-09-28", "on_time", 14),
    ("2026-10-05", "on_time", 12),       # inside the National Day week
    ("2026-10-16", "on_time", 4),
    ("2026-10-18", "on_time", 4),        # Sunday: still four working days left
    ("2026-10-19", "due_soon", 3),       # within SUGGESTION_REMIND_DAYS
    ("2026-10-22", "due_soon", 0),       # the due date itself is not overdue
    ("2026-10-23", "overdue", -1),
    ("2026-10-25", "overdue", -1),       # the weekend does not count
    ("2026-10-26", "overdue", -2),
    ("2026-11-12", "overdue", -15),      # the long due date itself
    ("2026-11-13", "long_overdue", -16),
])
def test_deadline_on_chosen_dates(accepted_on_mid_autumn, on, status, left):
    assert services.deadline(accepted_on_mid_autumn, on=D(on)) == {
        "status": status, "due_date": D("2026-10-22"), "long_due_date": D("2026-11-12"),
        "working_days_left": left}


@pytest.mark.parametrize("now, status, left", [
    ("2026-10-22 15:59", "due_soon", 0),   # 23:59 in Shanghai
    ("2026-10-22 16:00", "overdue", -1),   # midnight in Shanghai: the 23rd
])
def test_deadline_today_is_the_shanghai_date(accepted_on_mid_autumn, clock, now, status, left):
    clock.set(now)
    result = services.deadline(accepted_on_mid_autumn)
    assert (result["status"], result["working_days_left"]) == (status, left)


def test_due_soon_follows_the_remind_days_setting(app, monkeypatch, accepted_on_mid_autumn):
    monkeypatch.setitem(app.config, "SUGGESTION_REMIND_DAYS", 5)
    assert services.deadline(accepted_on_mid_autumn, on=D("2026-10-14"))["status"] == "on_time"    # 6 left
    assert services.deadline(accepted_on_mid_autumn, on=D("2026-10-15"))["status"] == "due_soon"   # 5 left


def test_answer_days_setting(app, monkeypatch, people, make_suggestion, clock):
    monkeypatch.setitem(app.config, "SUGGESTION_ANSWER_DAYS", 5)
    clock.set("2026-09-25 01:00")
    s = make_suggestion(author=people["author"], staff=people["staff"], state="accepted")
    assert (s.due_date, s.long_due_date) == (D("2026-10-09"), D("2026-10-15"))


def test_deadline_before_acceptance(people, make_suggestion):
    s = make_suggestion(author=people["author"], staff=people["staff"], state="submitted")
    assert services.deadline(s, on=D("2030-01-01")) == {
        "status": None, "due_date": None, "long_due_date": None, "working_days_left": None}
    refused = make_suggestion(author=people["author"], staff=people["staff"], state="not_accepted")
    assert services.deadline(refused)["status"] is None


@pytest.mark.parametrize("answered_utc, status, left", [
    ("2026-10-22 15:00", "on_time", 0),     # 23:00 on the due date in Shanghai: on time, for ever
    ("2026-10-22 16:30", "overdue", -1),    # 00:30 on the 23rd in Shanghai
    ("2026-10-09 02:00", "on_time", 10),   # Sat 10, Oct 12–16, 19–22 left
    ("2026-11-13 02:00", "long_overdue", -16),
])
def test_answered_deadline_is_judged_on_the_answer_date(app, people, accepted_on_mid_autumn, clock,
                                                        answered_utc, status, left):
    s = accepted_on_mid_autumn
    clock.set(answered_utc)
    services.save_answer(s.assigned_leader, s, ANSWER)
    for on in ("2026-10-22", "2026-12-31"):
        assert services.deadline(s, on=D(on))["status"] == status
        assert services.deadline(s, on=D(on))["working_days_left"] == left


def test_late_answer_counts_as_overdue_in_statistics(app, monkeypatch, people, accepted_on_mid_autumn, clock):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    s = accepted_on_mid_autumn
    clock.set("2026-10-23 02:00")
    services.save_answer(s.assigned_leader, s, ANSWER)
    stats = services.leader_stats(people["leader_a"], on=D("2026-12-31"))
    assert (stats["answered"], stats["overdue"], stats["overdue_open"], stats["long_overdue"]) == (1, 1, 0, 0)
    # Long after the due date, a late answer stays merely overdue.
    assert stats["median_working_days"] == 16.0


def test_overdue_queues_and_inbox_tabs(people, accepted_on_mid_autumn, clock):
    s = accepted_on_mid_autumn
    a, staff = people["leader_a"], people["staff"]
    clock.set("2026-10-22 15:59")   # still the 22nd in Shanghai
    assert services.leader_inbox(a, "overdue").all() == []
    assert services.staff_queue(staff, "overdue").all() == []
    assert services.leader_inbox(a, "pending").all() == [s]
    clock.set("2026-10-22 16:00")   # the 23rd
    assert services.leader_inbox(a, "overdue").all() == [s]
    assert services.staff_queue(staff, "overdue").all() == [s]
    assert services.inbox_counts(a) == {"pending": 1, "overdue": 1, "answered": 0}


# --- reminders ------------------------------------------------------------------------------------

def test_reminder_three_working_days_before_once_and_again_after_reassignment(people, accepted_on_mid_autumn):
    s = accepted_on_mid_autumn
    a, b = people["leader_a"], people["leader_b"]
    for on in ("2026-09-28", "2026-10-16", "2026-10-17", "2026-10-18"):   # 4+ working days left
        assert services.send_reminders(on=D(on)) == 0
    assert reminders() == []
    assert services.send_reminders(on=D("2026-10-19")) == 1
    assert reminders() == [(a.id, "距答复期限 2026-10-22 还有 3 个工作日。")]
    assert s.reminded_at is not None
    # Idempotent: the cron job may run every hour.
    for on in ("2026-10-19", "2026-10-20", "2026-10-23", "2026-11-20"):
        assert services.send_reminders(on=D(on)) == 0
    assert len(reminders()) == 1
    services.assign(people["staff"], s, b.id)
    assert services.send_reminders(on=D("2026-10-21")) == 1
    assert reminders()[1:] == [(b.id, "距答复期限 2026-10-22 还有 1 个工作日。")]
    assert services.send_reminders(on=D("2026-10-21")) == 0


def test_reminder_counts_back_over_national_day(app, monkeypatch, people, make_suggestion, clock):
    monkeypatch.setitem(app.config, "SUGGESTION_ANSWER_DAYS", 5)
    clock.set("2026-09-23 01:00")
    s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"],
                        state="assigned")
    assert s.due_date == D("2026-10-08")       # Sep 24, 28, 29, 30, Oct 8
    assert services.send_reminders(on=D("2026-09-27")) == 0   # Sunday: Sep 28, 29, 30, Oct 8 left
    assert services.send_reminders(on=D("2026-09-28")) == 1
    assert reminders() == [(people["leader_a"].id, "距答复期限 2026-10-08 还有 3 个工作日。")]


def test_reminder_of_an_overdue_suggestion_and_who_is_never_reminded(people, make_suggestion, clock):
    clock.set("2026-09-25 01:00")
    late = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"],
                           state="assigned")
    make_suggestion(author=people["author"], staff=people["staff"], state="accepted")       # unassigned
    make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_b"],
                    state="answered")
    make_suggestion(author=people["author"], staff=people["staff"], state="submitted")
    assert services.send_reminders(on=D("2026-10-30")) == 1
    assert reminders() == [(people["leader_a"].id, "已逾期（应于 2026-10-22 前答复），请尽快答复。")]
    assert late.reminded_at is not None


def test_reminder_without_on_uses_the_shanghai_date(people, accepted_on_mid_autumn, clock):
    clock.set("2026-10-18 15:59")   # Sunday 23:59 in Shanghai: four working days left
    assert services.send_reminders() == 0
    clock.set("2026-10-18 16:00")   # Monday the 19th in Shanghai
    assert services.send_reminders() == 1


# --- statistics -------------------------------------------------------------------------------------

@pytest.fixture
def stats_fixture(people, make_user, make_suggestion, clock):
    """Leader A receives five (one private), all accepted on Monday 2026-11-02 in Shanghai
    (Sunday in UTC), due 2026-11-23, long due 2026-12-14:

    s1 answered Nov 4 in Shanghai (2 working days), satisfied
    s2 private, answered Nov 9 (5), basically satisfied
    s3 answered Nov 13 (9), unsatisfied
    s4 answered Nov 24 (16: late), not rated
    s5 still open.
    s6 was assigned to A, then reassigned to B, who answered on Nov 5 (3), satisfied.
    Not counted for anyone: one only accepted, one submitted to A, one not accepted.
    """
    a, b = people["leader_a"], people["leader_b"]
    author, staff = people["author"], people["staff"]
    clock.set("2026-11-01 17:00")
    build = lambda **kw: make_suggestion(author=author, staff=staff, leader=a, state="assigned", **kw)
    s1, s2, s3, s4, s5, s6 = (build(), build(visibility="private", title="不公开的建议标题"), build(), build(),
                              build(), build())
    make_suggestion(author=author, staff=staff, state="accepted")
    make_suggestion(author=author, staff=staff, addressee=a, state="submitted")
    make_suggestion(author=author, staff=staff, addressee=a, state="not_accepted")
    services.assign(staff, s6, b.id)
    for s, when, rating in ((s1, "2026-11-03 16:30", "satisfied"),   # 00:30 on the 4th in Shanghai
                            (s6, "2026-11-05 02:00", "satisfied"),
                            (s2, "2026-11-09 02:00", "basically"),
                            (s3, "2026-11-13 02:00", "unsatisfied"),
                            (s4, "2026-11-24 02:00", None)):
        clock.set(when)
        services.save_answer(s.assigned_leader, s, ANSWER)
        if rating:
            services.rate(author, s, rating)
    clock.set("2026-11-25 02:00")
    return {"a": a, "b": b, "staff": staff, "s": [s1, s2, s3, s4, s5, s6]}


def test_stats_fixture_dates(stats_fixture):
    s1 = stats_fixture["s"][0]
    assert (s1.due_date, s1.long_due_date) == (D("2026-11-23"), D("2026-12-14"))


def test_leader_statistics_exact(app, monkeypatch, stats_fixture):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 5)
    assert services.leader_stats(stats_fixture["a"], on=D("2026-11-25")) == {
        "received": 5,
        "answered": 4,
        "pending": 1,
        "overdue": 2,            # s4 answered late, s5 open past due
        "overdue_open": 1,
        "long_overdue": 0,
        "rated": 3,
        "satisfaction": {"satisfied": 1, "basically": 1, "unsatisfied": 1},
        "sample_sufficient": True,
        "min_sample": 5,
        "response_rate": 0.8,
        "median_working_days": 7.0,   # median of 2, 5, 9, 16
        "satisfaction_rate": 0.6667,  # (1 + 1) / 3
    }
    # Without `on`, today in Shanghai (the clock says Nov 25).
    assert services.leader_stats(stats_fixture["a"]) == services.leader_stats(stats_fixture["a"], on=D("2026-11-25"))


def test_leader_statistics_after_the_long_due_date(app, monkeypatch, stats_fixture):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 5)
    stats = services.leader_stats(stats_fixture["a"], on=D("2026-12-15"))
    assert (stats["overdue"], stats["overdue_open"], stats["long_overdue"]) == (2, 1, 1)
    stats = services.leader_stats(stats_fixture["a"], on=D("2026-11-23"))   # the due date itself
    assert (stats["overdue"], stats["overdue_open"], stats["long_overdue"]) == (1, 0, 0)


@pytest.mark.parametrize("min_sample", [6, 10])
def test_rates_withheld_below_the_minimum_sample(app, monkeypatch, stats_fixture, min_sample):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", min_sample)
    stats = services.leader_stats(stats_fixture["a"], on=D("2026-11-25"))
    assert stats["sample_sufficient"] is False and stats["min_sample"] == min_sample
    assert stats["response_rate"] is None
    assert stats["median_working_days"] is None
    assert stats["satisfaction_rate"] is None
    # The counts are still published.
    assert (stats["received"], stats["answered"], stats["overdue"], stats["rated"]) == (5, 4, 2, 3)
    assert stats["satisfaction"] == {"satisfied": 1, "basically": 1, "unsatisfied": 1}


def test_reassigned_suggestion_counts_only_for_the_current_leader(app, monkeypatch, stats_fixture):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    stats = services.leader_stats(stats_fixture["b"], on=D("2026-11-25"))
    assert (stats["received"], stats["answered"], stats["overdue"]) == (1, 1, 0)
    assert (stats["response_rate"], stats["median_working_days"], stats["satisfaction_rate"]) == (1.0, 3.0, 1.0)
    assert stats["satisfaction"] == {"satisfied": 1, "basically": 0, "unsatisfied": 0}


def test_latest_answers_only_public_newest_first(stats_fixture):
    s1, s2, s3, s4, s5, s6 = stats_fixture["s"]
    assert services.latest_answers(stats_fixture["a"]) == [s4, s3, s1]
    assert services.latest_answers(stats_fixture["a"], limit=2) == [s4, s3]
    assert services.latest_answers(stats_fixture["b"]) == [s6]
    services.hide_answer(stats_fixture["staff"], s4, "不当言论")
    assert services.latest_answers(stats_fixture["a"]) == [s3, s1]


def test_ranking_order_and_tie_breaks(app, monkeypatch, people, make_leader, make_suggestion, clock):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    author, staff = people["author"], people["staff"]
    leader = lambda name: make_leader(username=name)
    l1, l2, l3, l4, l5, l6 = (leader(f"leader{i}") for i in range(1, 7))
    make_leader(username="unverified_leader", verified=False)
    make_leader(username="suspended_leader", suspended_at=datetime(2026, 1, 1))
    clock.set("2026-11-01 17:00")          # accepted Mon Nov 2 in Shanghai, due Nov 23

    def answered(who, when="2026-11-10 02:00"):
        s = make_suggestion(author=author, staff=staff, leader=who, state="assigned")
        clock.set(when)
        services.save_answer(who, s, ANSWER)
        clock.set("2026-11-01 17:00")
        return s

    answered(l1)
    make_suggestion(author=author, staff=staff, leader=l1, state="assigned")   # L1: 1 of 2
    answered(l2)                                                                # L2: 1 of 1
    answered(l3), answered(l3)                                                  # L3: 2 of 2
    answered(l5, when="2026-11-24 02:00")                                       # L5: 1 of 1, late
    answered(l6)                                                                # L6: same as L2
    rows = services.ranking(on=D("2026-11-25"))
    order = [p.username for p, _ in rows]
    # Sufficient samples by response rate, then answered count, then fewer overdue, then id;
    # leaders with no sample (A, B, L4) last, by id; unverified or suspended leaders not at all.
    assert order == ["leader3", "leader2", "leader6", "leader5", "leader1", "leader_a", "leader_b", "leader4"]
    stats = dict((p.username, s) for p, s in rows)
    assert (stats["leader1"]["response_rate"], stats["leader3"]["answered"], stats["leader5"]["overdue"]) == \
        (0.5, 2, 1)
    assert stats["leader4"]["sample_sufficient"] is False and stats["leader4"]["response_rate"] is None
    for person, figures in rows:
        assert figures == services.leader_stats(person, on=D("2026-11-25"))


@pytest.mark.parametrize("now, screen_due", [
    ("2026-09-23 15:59", "2026-09-29"),   # Wed 23:59 in Shanghai: Thu 24, Mon 28, Tue 29
    ("2026-09-23 16:00", "2026-09-30"),   # Thu 00:00 in Shanghai: Mon 28, Tue 29, Wed 30
    ("2026-09-30 02:00", "2026-10-10"),   # Oct 8, 9 and the exchanged Saturday
])
def test_screening_due_date_in_working_days_from_the_local_date(people, make_suggestion, clock, now, screen_due):
    clock.set(now)
    s = make_suggestion(author=people["author"], staff=people["staff"], state="submitted")
    assert s.screen_due_date == D(screen_due)


def test_inbox_and_queue_arguments(people):
    from webapp.core.errors import NotFound, PermissionDenied

    with pytest.raises(NotFound):
        services.leader_inbox(people["leader_a"], "archive")
    with pytest.raises(NotFound):
        services.staff_queue(people["staff"], "archive")
    for not_a_leader in (people["author"], people["staff"]):
        with pytest.raises(PermissionDenied):
            services.leader_inbox(not_a_leader)
