"""`flask suggestions remind|defaults` and the demo suggestions of `flask seed-demo`."""
from datetime import timedelta

from webapp.core.timeutil import local_zone
from webapp.core.workdays import add_working_days, local_date


def reminders(leader_id=None):
    from webapp.notifications.models import Notification

    q = Notification.query.filter_by(kind="suggestion.reminder")
    if leader_id is not None:
        q = q.filter_by(user_id=leader_id)
    return q.all()


def test_remind_once_within_three_working_days_of_the_deadline(app, db, make_suggestion):
    from webapp.core.workdays import subtract_working_days
    from webapp.suggestions import services

    s = make_suggestion(state="assigned")
    other = make_suggestion(state="answered", title="已经答复的建议不提醒")
    assert other.due_date == s.due_date
    leader = s.assigned_leader
    start = subtract_working_days(s.due_date, app.config["SUGGESTION_REMIND_DAYS"], services.calendar())
    runner = app.test_cli_runner()

    early = runner.invoke(args=["suggestions", "remind", "--date", (start - timedelta(days=1)).isoformat()])
    assert early.exit_code == 0, early.output
    assert "Sent 0 reminders." in early.output and reminders() == []

    first = runner.invoke(args=["suggestions", "remind", "--date", start.isoformat()])
    assert first.exit_code == 0, first.output
    assert "Sent 1 reminder." in first.output
    sent = reminders()
    assert [(n.user_id, n.link) for n in sent] == [(leader.id, f"/suggestions/{s.id}")]
    assert s.due_date.isoformat() in sent[0].body and "3 个工作日" in sent[0].body

    again = runner.invoke(args=["suggestions", "remind", "--date", (start + timedelta(days=1)).isoformat()])
    assert again.exit_code == 0 and "Sent 0 reminders." in again.output
    assert len(reminders(leader.id)) == 1


def test_remind_rejects_a_bad_date_and_documents_cron_use(app, db):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["suggestions", "remind", "--date", "2026-13-01"])
    assert bad.exit_code != 0 and "--date" in bad.output
    helptext = runner.invoke(args=["suggestions", "remind", "--help"]).output
    assert "idempotent" in helptext.lower() and "cron" in helptext


def test_defaults_creates_the_lists_once(app, db):
    from webapp.suggestions import services

    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["suggestions", "defaults"])
        assert result.exit_code == 0, result.output
        assert "6 categories, 5 screening reasons." in result.output
    assert [c.name for c in services.categories()] == services.DEFAULT_CATEGORIES
    assert [r.title for r in services.screening_reasons()] == services.DEFAULT_REASONS


def test_seed_demo_suggestions_cover_every_state_once(app, db):
    from webapp.accounts.models import User
    from webapp.core.models import AuditLog
    from webapp.suggestions import services
    from webapp.suggestions.models import Suggestion

    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Created 10 demo suggestions." in first.output
    count = Suggestion.query.count()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "Demo suggestions already present; nothing to do." in second.output
    assert Suggestion.query.count() == count == 10

    rows = Suggestion.query.order_by(Suggestion.id).all()
    by_state = {}
    for s in rows:
        by_state.setdefault(s.state, []).append(s)
    assert set(by_state) == {"submitted", "not_accepted", "accepted", "assigned", "answered", "closed"}
    leader = User.query.filter_by(username="leader").one()

    refused = by_state["not_accepted"][0]
    assert refused.screening_reason.title == "重复提交" and refused.screening_note
    assert [s.assigned_leader_id for s in by_state["accepted"]] == [None]
    open_status = {services.deadline(s)["status"] for s in by_state["assigned"]}
    assert "overdue" in open_status and open_status & {"on_time", "due_soon"}
    assert all(s.assigned_leader_id == leader.id for s in by_state["assigned"])
    assert any(s.follow_up is not None and not s.follow_up.is_pending for s in by_state["answered"])
    assert sorted(s.rating.value for s in by_state["closed"]) == ["basically", "satisfied", "unsatisfied"]
    assert [s.visibility for s in rows].count("private") == 1
    assert max(s.support_count for s in rows) >= 3
    late_screening = by_state["submitted"][0]
    assert late_screening.screen_due_date < services.today()

    # Backdated consistently: deadlines follow the backdated acceptance, timelines stay in order.
    for s in rows:
        assert s.created_at < (s.accepted_at or s.created_at + timedelta(seconds=1))
        times = [e.created_at for e in s.events]
        assert times == sorted(times), s.title
        if s.accepted_at:
            assert s.due_date == add_working_days(
                local_date(s.accepted_at, local_zone()), app.config["SUGGESTION_ANSWER_DAYS"],
                services.calendar())
        if s.answered_at:
            assert s.accepted_at < s.answered_at
    stats = services.leader_stats(leader)
    assert stats["received"] == 5 and stats["answered"] == 3 and stats["rated"] == 1
    assert stats["satisfaction"] == {"satisfied": 1, "basically": 0, "unsatisfied": 0}
    # A second leader, so the ranking page compares two people.
    stats2 = services.leader_stats(User.query.filter_by(username="leader2").one())
    assert stats2["received"] == 2 and stats2["answered"] == 2 and stats2["rated"] == 2
    assert stats2["satisfaction"] == {"satisfied": 0, "basically": 1, "unsatisfied": 1}
    assert AuditLog.query.filter_by(action="demo.seed_suggestion").count() == 10
