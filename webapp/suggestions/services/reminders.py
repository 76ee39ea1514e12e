"""Deadline reminders for leaders (run daily by cron: `flask suggestions remind`)."""
from webapp.core.db import utcnow
from webapp.core.text import quoted
from webapp.core.workdays import subtract_working_days, working_days_between
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.suggestions.models import Suggestion, SuggestionState
from webapp.suggestions.services.settings import calendar, setting, today
from webapp.suggestions.services.timeline import link

S = SuggestionState


def send_reminders(on=None):
    """Remind each assigned leader once, SUGGESTION_REMIND_DAYS working days before the
    deadline (or at once if it is nearer). Idempotent: a reminded suggestion is skipped
    until it is reassigned. Returns the number of reminders sent."""
    on = on or today()
    cal = calendar()
    days = setting("SUGGESTION_REMIND_DAYS")
    sent = 0
    candidates = Suggestion.query.filter(Suggestion.state == S.assigned.value, Suggestion.reminded_at.is_(None),
                                         Suggestion.due_date.isnot(None)).all()
    for s in candidates:
        if subtract_working_days(s.due_date, days, cal) > on:
            continue
        left = working_days_between(on, s.due_date, cal) if on <= s.due_date else 0
        if on > s.due_date:
            body = f"已逾期（应于 {s.due_date.isoformat()} 前答复），请尽快答复。"
        else:
            body = f"距答复期限 {s.due_date.isoformat()} 还有 {left} 个工作日。"
        notify(s.assigned_leader_id, "suggestion.reminder", f"请及时答复建议{quoted(s.title)}", body, link(s))
        s.reminded_at = utcnow()
        sent += 1
    db.session.flush()
    return sent
