"""Deadlines as a viewer sees them: screening late (受理超期), and the answer deadline: on time,
due soon, overdue, long overdue."""
from webapp.core.timeutil import local_zone
from webapp.core.workdays import deadline_status, local_date, working_days_between
from webapp.suggestions.models import SuggestionState
from webapp.suggestions.services.settings import calendar, setting, today


def screening_late(suggestion, on=None):
    """Still waiting for screening (待受理) after its screening date: 受理超期."""
    return (suggestion.state == SuggestionState.submitted.value
            and suggestion.screen_due_date is not None and suggestion.screen_due_date < (on or today()))


def deadline(suggestion, on=None):
    """The answer deadline as the viewer should see it.

    Returns a dict: status ('on_time', 'due_soon', 'overdue', 'long_overdue', or None before
    acceptance), due and long_due dates, and working days left (negative when overdue).
    """
    if suggestion.due_date is None:
        return {"status": None, "due_date": None, "long_due_date": None, "working_days_left": None}
    on = on or today()
    cal = calendar()
    answered_on = local_date(suggestion.answered_at, local_zone()) if suggestion.answered_at else None
    status = deadline_status(suggestion.due_date, suggestion.long_due_date, on, answered_on)
    ref = answered_on or on
    if ref <= suggestion.due_date:
        left = working_days_between(ref, suggestion.due_date, cal)
    else:
        left = -working_days_between(suggestion.due_date, ref, cal)
    if status == "on_time" and answered_on is None and left <= setting("SUGGESTION_REMIND_DAYS"):
        status = "due_soon"
    return {"status": status, "due_date": suggestion.due_date, "long_due_date": suggestion.long_due_date,
            "working_days_left": left}
