"""Leaders' public figures (received, answered, response rate, working days, satisfaction) and ranking."""
from sqlalchemy import case, func

from webapp.extensions import db
from webapp.suggestions.models import (
    ANSWERED_STATES,
    LeaderAnswer,
    LeaderFigures,
    Satisfaction,
    Suggestion,
    SuggestionState,
    Visibility,
)
from webapp.suggestions.services import figures
from webapp.suggestions.services.people import leaders
from webapp.suggestions.services.reading import eager, with_people
from webapp.suggestions.services.settings import min_sample, today

# Received and not yet answered: the only rows whose deadline status still changes by the day.
OPEN_RECEIVED_STATES = (SuggestionState.assigned.value,)


def _median(histogram):
    """The median of a {value: count} histogram (as statistics.median of the expanded list)."""
    total = sum(histogram.values())
    if not total:
        return None
    values = sorted(histogram)
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value in values:
        seen += histogram[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return float(sum(found)) / 2


def _finish(counts, threshold):
    """The published figures from a leader's raw counts and the minimum sample."""
    received, answered = counts["received"], counts["answered"]
    distribution = {v.value: counts["satisfaction"].get(v.value, 0) for v in Satisfaction}
    rated = sum(distribution.values())
    enough = received >= threshold
    days = {int(k): n for k, n in counts["days"].items()}
    return {
        "received": received,
        "answered": answered,
        "pending": received - answered,
        "overdue": counts["overdue"],
        "overdue_open": counts["overdue_open"],
        "long_overdue": counts["long_overdue"],
        "rated": rated,
        "satisfaction": distribution,
        "sample_sufficient": enough,
        "min_sample": threshold,
        # Rates only once the sample is meaningful (样本不足 below it).
        "response_rate": round(answered / received, 4) if enough and received else None,
        "median_working_days": _median(days) if enough else None,
        "satisfaction_rate": (round((distribution["satisfied"] + distribution["basically"]) / rated, 4)
                              if rated else None) if enough else None,
    }


def _counts(leader_ids, on):
    """{leader id: counts} on day `on`: the stored figures (figures.py), plus the open
    suggestions past their due dates on that day, counted from the open rows only (indexed
    by leader, state and due date)."""
    counts = {i: figures.empty_counts() for i in leader_ids}
    if not counts:
        return counts
    for row in LeaderFigures.query.filter(LeaderFigures.leader_id.in_(list(counts))):
        counts[row.leader_id] = dict(row.counts)
    for c in counts.values():
        c.update(overdue=c["answered_overdue"], overdue_open=0, long_overdue=c["answered_long_overdue"])
    late = func.coalesce(func.sum(case((Suggestion.long_due_date < on, 1), else_=0)), 0)
    for leader_id, overdue, long_overdue in db.session.query(
            Suggestion.assigned_leader_id, func.count(), late).filter(
            Suggestion.assigned_leader_id.in_(list(counts)), Suggestion.state.in_(OPEN_RECEIVED_STATES),
            Suggestion.due_date < on).group_by(Suggestion.assigned_leader_id):
        c = counts[leader_id]
        c["overdue"] += overdue
        c["overdue_open"] = overdue
        c["long_overdue"] += long_overdue
    return counts


def leader_stats(leader, on=None):
    """Public figures for one leader. Counts include private suggestions (never their content)."""
    return _finish(_counts([leader.id], on or today())[leader.id], min_sample())


def ranking(on=None):
    """Every verified leader with their figures: ranked by response rate (sufficient samples
    first), then answered count. A few rows per leader, whatever the history."""
    people = leaders()
    counts = _counts([p.id for p in people], on or today())
    threshold = min_sample()
    rows = [(p, _finish(counts[p.id], threshold)) for p in people]
    rows.sort(key=lambda row: (not row[1]["sample_sufficient"], -(row[1]["response_rate"] or 0),
                               -row[1]["answered"], row[1]["overdue"], row[0].id))
    return rows


def latest_answered(limit=5):
    """The latest answers everyone may read, across leaders (the home page).

    Read newest first from the answers, through their published_at index, a batch at a time,
    keeping those whose suggestion everyone may read (as `latest_answers` does for one leader:
    a join of both tables let SQLite walk every public suggestion, 120 ms at 50k)."""
    answers = (db.session.query(LeaderAnswer.suggestion_id)
               .filter(LeaderAnswer.published_at.isnot(None), LeaderAnswer.hidden_at.is_(None))
               .order_by(LeaderAnswer.published_at.desc(), LeaderAnswer.suggestion_id.desc()))
    found, offset, batch = [], 0, max(4 * limit, 20)
    while len(found) < limit and offset < 10 * batch:
        ids = [i for (i,) in answers.limit(batch).offset(offset)]
        if not ids:
            break
        readable = {s.id: s for s in eager(Suggestion.query, Suggestion.answer).filter(
            Suggestion.id.in_(ids), Suggestion.state.in_(ANSWERED_STATES),
            Suggestion.visibility == Visibility.public.value, Suggestion.hidden_at.is_(None))}
        found += [readable[i] for i in ids if i in readable]
        offset += batch
    return found[:limit]


def latest_answers(leader, limit=5):
    """The leader's latest answers that everyone may read.

    Read newest first from the leader's answers, through their (leader_id, published_at)
    index, a batch at a time, keeping those whose suggestion everyone may read: a join of
    both tables let SQLite's planner walk every public suggestion instead (1.2 s at 50k).
    """
    answers = (db.session.query(LeaderAnswer.suggestion_id)
               .filter(LeaderAnswer.leader_id == leader.id, LeaderAnswer.published_at.isnot(None),
                       LeaderAnswer.hidden_at.is_(None))
               .order_by(LeaderAnswer.published_at.desc(), LeaderAnswer.suggestion_id.desc()))
    found, offset, batch = [], 0, max(4 * limit, 20)
    # At most 10 batches: a leader whose last 200 answers are all private shows fewer.
    while len(found) < limit and offset < 10 * batch:
        ids = [i for (i,) in answers.limit(batch).offset(offset)]
        if not ids:
            break
        readable = {s.id: s for s in eager(Suggestion.query, Suggestion.answer).filter(
            Suggestion.id.in_(ids), Suggestion.assigned_leader_id == leader.id,
            Suggestion.state.in_(ANSWERED_STATES), Suggestion.visibility == Visibility.public.value,
            Suggestion.hidden_at.is_(None))}
        found += [readable[i] for i in ids if i in readable]
        offset += batch
    return with_people(found[:limit])


# --- reminders (cron) -------------------------------------------------------------------------
