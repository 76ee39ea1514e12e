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
    from webapp.suggestions import services
    from webapp.suggestions.models import Suggestion

    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    count = Suggestion.query.count()
    assert 55 <= count <= 65 and f"Created {count} demo suggestions." in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "Demo suggestions already present; nothing to do." in second.output
    assert Suggestion.query.count() == count

    rows = Suggestion.query.order_by(Suggestion.id).all()
    by_state = {}
    for s in rows:
        by_state.setdefault(s.state, []).append(s)
    assert set(by_state) == {"submitted", "not_accepted", "accepted", "assigned", "answered", "closed", "withdrawn"}
    refused = {s.screening_reason.title for s in by_state["not_accepted"]}
    assert "重复提交" in refused and all(s.screening_note for s in by_state["not_accepted"])
    assert any(s.assigned_leader_id is None for s in by_state["accepted"])
    open_status = {services.deadline(s)["status"] for s in by_state["assigned"]}
    assert "overdue" in open_status and open_status & {"on_time", "due_soon"}
    assert any(s.follow_up is not None and not s.follow_up.is_pending for s in rows)
    assert any(s.follow_up is not None and s.follow_up.is_pending for s in rows)
    assert {s.rating.value for s in by_state["closed"] if s.rating} == {"satisfied", "basically", "unsatisfied"}
    assert any(s.rating is None for s in by_state["closed"])  # closed by staff
    assert [s.visibility for s in rows].count("private") == 1
    assert max(s.support_count for s in rows) >= 3
    assert any(s.screen_due_date < services.today() for s in by_state["submitted"])
    oldest = min(s.created_at for s in rows)
    assert (services.today() - oldest.date()).days >= 170, "about six months of history"

    # Answers on time and late, by the real working-day rules.
    answered = [s for s in rows if s.answered_at]
    late = [s for s in answered if local_date(s.answered_at, local_zone()) > s.due_date]
    assert late and len(late) < len(answered)

    # Four leaders; two past the sample threshold, so the ranking has figures.
    leaders = services.ranking()
    assert len(leaders) == 4
    sufficient = [stats for _, stats in leaders if stats["sample_sufficient"]]
    assert len(sufficient) == 2 and all(stats["response_rate"] is not None for stats in sufficient)
    assert User.query.filter_by(username="leader3").one().is_verified_leader


def test_seed_demo_history_is_consistent(app, db, client):
    from webapp.accounts.models import User, VerificationRequest
    from webapp.core.db import utcnow
    from webapp.core.models import AuditLog
    from webapp.notifications.models import Notification
    from webapp.suggestions.models import Suggestion, SuggestionSupport

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    now = utcnow()
    users = {u.id: u for u in User.query.all()}
    rows = Suggestion.query.all()
    for s in rows:
        assert users[s.author_id].created_at < s.created_at, s.title
        times = [e.created_at for e in s.events]
        assert times == sorted(times) and times[0] == s.created_at and times[-1] <= now, s.title
        for e in s.events:
            if e.actor_id:
                assert users[e.actor_id].created_at < e.created_at, (s.title, e.kind)
        if s.accepted_at:
            # The 受理 notice and the timeline name the deadline the real rules give.
            assert s.due_date == add_working_days(local_date(s.accepted_at, local_zone()),
                                                  app.config["SUGGESTION_ANSWER_DAYS"], services_calendar())
            accepted = next(e for e in s.events if e.kind == "accepted")
            assert accepted.created_at == s.accepted_at and s.due_date.isoformat() in accepted.note
            notice = Notification.query.filter_by(kind="suggestion.accepted", link=f"/suggestions/{s.id}").one()
            assert s.due_date.isoformat() in notice.body and notice.created_at == s.accepted_at
        if s.answered_at:
            assert s.accepted_at < s.answered_at <= now
    for support in SuggestionSupport.query.all():
        s = db.session.get(Suggestion, support.suggestion_id)
        assert users[support.user_id].created_at < support.created_at and s.created_at < support.created_at
        assert s.answered_at is None or support.created_at < s.answered_at
    by_link = {f"/suggestions/{s.id}": s for s in rows}
    for note in Notification.query.all():
        assert users[note.user_id].created_at <= note.created_at <= now
        subject = by_link.get(note.link)
        if subject is not None:
            assert subject.created_at <= note.created_at, note.title
    for entry in AuditLog.query.all():
        assert entry.created_at <= now and "回溯" not in entry.summary
        if entry.object_type == "suggestion":
            assert db.session.get(Suggestion, entry.object_id).created_at < entry.created_at
        if entry.actor_id:
            assert users[entry.actor_id].created_at < entry.created_at
    assert len({u.created_at.date() for u in users.values()}) > 5, "accounts joined on different days"
    request = VerificationRequest.query.one()
    assert request.user.created_at < request.created_at <= now

    # Nothing says 回溯 anywhere, and the pages show figures and the chart on a fresh demo.
    from tests.test_leaders_web import ranking_rows

    ranking = client.get("/leaders/").get_data(as_text=True)
    with_figures = [cells for _, cells in ranking_rows(ranking) if cells["response_rate"] != "样本不足"]
    assert len(with_figures) >= 2 and all(cells["response_rate"].endswith("%") for cells in with_figures)
    leader = User.query.filter_by(username="leader").one()
    page = client.get(f"/leaders/{leader.id}").get_data(as_text=True)
    assert 'id="satisfaction-chart"' in page
    for text in (ranking, page, client.get("/suggestions/").get_data(as_text=True)):
        assert "回溯" not in text


def services_calendar():
    from webapp.suggestions import services

    return services.calendar()
