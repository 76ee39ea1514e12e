"""Leaders' public figures (received, answered, response rate, working days, satisfaction) and ranking."""
from statistics import median

from webapp.core.timeutil import local_zone
from webapp.core.workdays import deadline_status, local_date, working_days_between
from webapp.extensions import db
from webapp.suggestions.models import (
    ANSWERED_STATES,
    RECEIVED_STATES,
    LeaderAnswer,
    Satisfaction,
    Suggestion,
    SuggestionRating,
    Visibility,
)
from webapp.suggestions.services.people import leaders
from webapp.suggestions.services.reading import eager
from webapp.suggestions.services.settings import calendar, min_sample, today


def _stats_from(suggestions, ratings, on, cal, zone, threshold):
    received = len(suggestions)
    answered_days = []
    overdue = long_overdue = overdue_open = 0
    for s in suggestions:
        answered_on = local_date(s.answered_at, zone) if s.answered_at and s.state in ANSWERED_STATES else None
        if answered_on is not None:
            answered_days.append(working_days_between(local_date(s.accepted_at, zone), answered_on, cal))
        status = deadline_status(s.due_date, s.long_due_date, on, answered_on)
        if status in ("overdue", "long_overdue"):
            overdue += 1
            if answered_on is None:
                overdue_open += 1
        if status == "long_overdue":
            long_overdue += 1
    answered = len(answered_days)
    distribution = {v.value: 0 for v in Satisfaction}
    for value in ratings:
        distribution[value] = distribution.get(value, 0) + 1
    rated = sum(distribution.values())
    enough = received >= threshold
    return {
        "received": received,
        "answered": answered,
        "pending": received - answered,
        "overdue": overdue,
        "overdue_open": overdue_open,
        "long_overdue": long_overdue,
        "rated": rated,
        "satisfaction": distribution,
        "sample_sufficient": enough,
        "min_sample": threshold,
        # Rates only once the sample is meaningful (样本不足 below it).
        "response_rate": round(answered / received, 4) if enough and received else None,
        "median_working_days": (float(median(answered_days)) if answered_days else None) if enough else None,
        "satisfaction_rate": (round((distribution["satisfied"] + distribution["basically"]) / rated, 4)
                              if rated else None) if enough else None,
    }


def _received_query():
    # Only the columns the figures need: loading whole rows (bodies included) made the
    # ranking of 14k received suggestions 5x slower (bench/bench_suggestions.py).
    return db.session.query(Suggestion.assigned_leader_id, Suggestion.state, Suggestion.accepted_at,
                            Suggestion.answered_at, Suggestion.due_date, Suggestion.long_due_date).filter(
        Suggestion.state.in_(RECEIVED_STATES), Suggestion.assigned_leader_id.isnot(None))


def leader_stats(leader, on=None):
    """Public figures for one leader. Counts include private suggestions (never their content)."""
    suggestions = _received_query().filter(Suggestion.assigned_leader_id == leader.id).all()
    ratings = [r for (r,) in db.session.query(SuggestionRating.value).filter(SuggestionRating.leader_id == leader.id)]
    return _stats_from(suggestions, ratings, on or today(), calendar(), local_zone(), min_sample())


def ranking(on=None):
    """Every verified leader with their figures: ranked by response rate (sufficient samples
    first), then answered count. Two queries whatever the number of leaders."""
    on = on or today()
    people = leaders()
    by_leader = {p.id: [] for p in people}
    for s in _received_query().filter(Suggestion.assigned_leader_id.in_(list(by_leader))):
        by_leader[s.assigned_leader_id].append(s)
    ratings = {p.id: [] for p in people}
    for leader_id, value in db.session.query(SuggestionRating.leader_id, SuggestionRating.value).filter(
            SuggestionRating.leader_id.in_(list(ratings))):
        ratings[leader_id].append(value)
    cal, zone, threshold = calendar(), local_zone(), min_sample()
    rows = [(p, _stats_from(by_leader[p.id], ratings[p.id], on, cal, zone, threshold)) for p in people]
    rows.sort(key=lambda row: (not row[1]["sample_sufficient"], -(row[1]["response_rate"] or 0),
                               -row[1]["answered"], row[1]["overdue"], row[0].id))
    return rows


def latest_answered(limit=5):
    """The latest answers everyone may read, across leaders (the home page): two queries (the
    leaders' names come from `ranking()`, which the home page loads anyway)."""
    from sqlalchemy.orm import contains_eager, selectinload

    from webapp.suggestions.services.reading import visible_filter

    q = (Suggestion.query.join(LeaderAnswer, LeaderAnswer.suggestion_id == Suggestion.id)
         .filter(visible_filter(None), Suggestion.state.in_(ANSWERED_STATES),
                 LeaderAnswer.hidden_at.is_(None), LeaderAnswer.published_at.isnot(None))
         .options(contains_eager(Suggestion.answer), selectinload(Suggestion.category))
         .order_by(LeaderAnswer.published_at.desc(), Suggestion.id.desc()))
    return q.limit(limit).all()


def latest_answers(leader, limit=5):
    """The leader's latest answers that everyone may read."""
    q = (Suggestion.query.join(LeaderAnswer, LeaderAnswer.suggestion_id == Suggestion.id)
         .filter(Suggestion.assigned_leader_id == leader.id, Suggestion.state.in_(ANSWERED_STATES),
                 Suggestion.visibility == Visibility.public.value, Suggestion.hidden_at.is_(None),
                 LeaderAnswer.hidden_at.is_(None), LeaderAnswer.published_at.isnot(None))
         .order_by(LeaderAnswer.published_at.desc(), Suggestion.id.desc()))
    return eager(q).limit(limit).all()


# --- reminders (cron) -------------------------------------------------------------------------
