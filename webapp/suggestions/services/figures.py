"""What an answer settles, stored when it happens, and the leaders' cached figures kept honest.

Two things the statistics must not recompute over the whole history on every page:

- the working days an answer took and whether it came on time never change once the
  answer is given: `settle()` stores them on the suggestion (`answer_working_days`,
  `answer_deadline`);
- the suggestion lists' cached counts (services/reading.py) are cleared by any flush
  that changes a suggestion;
- a leader's figures that only change with their suggestions (received, answered, late
  answers, working-days histogram, ratings) are kept in `LeaderFigures`: the flush that
  changes one of the leader's suggestions or ratings recounts the leader's row in the same
  transaction (`recount`). What changes with the calendar day alone (open suggestions past
  their due date) is counted when read, from the few open rows (services/stats.py).

Both run from one session hook (`before_flush` / `after_flush`) rather than from each
service, so that every path that changes these columns — the lifecycle services, the demo
seeder, a later capability — settles and invalidates the same way.
"""
from flask import has_app_context
from sqlalchemy import and_, case, event, func, inspect, select
from sqlalchemy.orm import Session

from webapp.core.db import utcnow
from webapp.core.timeutil import local_zone
from webapp.core.workdays import WorkCalendar, deadline_status, local_date, working_days_between
from webapp.suggestions.models import (
    ANSWERED_STATES,
    RECEIVED_STATES,
    LeaderFigures,
    Suggestion,
    SuggestionRating,
)
from webapp.suggestions.services.reading import list_counts

# The columns a leader's figures are counted from.
SUGGESTION_FIGURE_COLUMNS = ("state", "assigned_leader_id", "accepted_at", "answered_at", "due_date",
                             "long_due_date", "answer_working_days", "answer_deadline")
RATING_FIGURE_COLUMNS = ("leader_id", "value")


def settled(accepted_at, answered_at, due_date, long_due_date, cal, zone):
    """(working days from acceptance to answer, "on_time" | "overdue" | "long_overdue")."""
    answered_on = local_date(answered_at, zone)
    days = working_days_between(local_date(accepted_at, zone), answered_on, cal)
    return days, deadline_status(due_date, long_due_date, answered_on, answered_on)


def settle(suggestion, cal=None, zone=None):
    """Store what the answer settles (or clear it while there is no answer)."""
    if suggestion.answered_at is None or suggestion.accepted_at is None \
            or suggestion.state not in ANSWERED_STATES:
        days = status = None
    else:
        if cal is None:
            from webapp.suggestions.services.settings import calendar

            cal = calendar() if has_app_context() else WorkCalendar()
        days, status = settled(suggestion.accepted_at, suggestion.answered_at, suggestion.due_date,
                               suggestion.long_due_date, cal, zone or local_zone())
    if suggestion.answer_working_days != days:
        suggestion.answer_working_days = days
    if suggestion.answer_deadline != status:
        suggestion.answer_deadline = status


def _changed(obj, columns):
    state = inspect(obj)
    return [name for name in columns if state.attrs[name].history.has_changes()]


def _leader_ids(obj, column):
    """The leader the row counts for now, and the one it counted for before this flush."""
    history = inspect(obj).attrs[column].history
    return {v for v in (getattr(obj, column), *history.deleted) if v is not None}


@event.listens_for(Session, "before_flush")
def _settle_and_collect(session, flush_context, instances):
    stale = session.info.setdefault("stale_leader_figures", set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Suggestion):
            # The lists' cached counts (reading.py), now and once this commits.
            list_counts.clear()
            session.info["clear_list_counts"] = True
            deleted = obj in session.deleted
            if not deleted and (obj in session.new or _changed(obj, SUGGESTION_FIGURE_COLUMNS)):
                settle(obj)
            if deleted or obj in session.new or _changed(obj, SUGGESTION_FIGURE_COLUMNS):
                stale |= _leader_ids(obj, "assigned_leader_id")
        elif isinstance(obj, SuggestionRating):
            if obj in session.new or obj in session.deleted or _changed(obj, RATING_FIGURE_COLUMNS):
                stale |= _leader_ids(obj, "leader_id")


@event.listens_for(Session, "after_commit")
def _clear_counts_after_commit(session):
    if session.info.pop("clear_list_counts", False):
        list_counts.clear()


@event.listens_for(Session, "after_flush")
def _recount_stale(session, flush_context):
    stale = session.info.pop("stale_leader_figures", None)
    if stale:
        recount(session.connection(), sorted(stale))


def empty_counts():
    return {"received": 0, "answered": 0, "answered_overdue": 0, "answered_long_overdue": 0, "days": {},
            "satisfaction": {}}


def _upsert_statement(conn, rows, update=True):
    table = LeaderFigures.__table__
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(rows)
    if not update:
        return stmt.on_conflict_do_nothing(index_elements=[table.c.leader_id])
    return stmt.on_conflict_do_update(index_elements=[table.c.leader_id],
                                      set_={"counts": stmt.excluded.counts, "updated_at": stmt.excluded.updated_at})


def recount(conn, leader_ids=None):
    """Recount the figures of `leader_ids` (every leader with a received suggestion or a
    rating when None) on connection `conn`, and store them.

    The leaders' rows are locked first (inserted if missing, then SELECT … FOR UPDATE on
    PostgreSQL), so that two transactions changing one leader's suggestions recount one
    after the other, the second seeing the first's committed changes.
    """
    s, r, table = Suggestion.__table__.c, SuggestionRating.__table__.c, LeaderFigures.__table__
    received = and_(s.state.in_(RECEIVED_STATES), s.assigned_leader_id.isnot(None))
    if leader_ids is None:
        leader_ids = sorted({i for (i,) in conn.execute(select(s.assigned_leader_id).where(received).distinct())}
                            | {i for (i,) in conn.execute(select(r.leader_id).where(r.leader_id.isnot(None))
                                                          .distinct())})
    if not leader_ids:
        return {}
    now = utcnow()
    conn.execute(_upsert_statement(conn, [{"leader_id": i, "counts": empty_counts(), "updated_at": now}
                                          for i in leader_ids], update=False))
    if conn.dialect.name == "postgresql":
        conn.execute(select(table.c.leader_id).where(table.c.leader_id.in_(leader_ids))
                     .order_by(table.c.leader_id).with_for_update())
    counts = {i: empty_counts() for i in leader_ids}
    answered = and_(s.answered_at.isnot(None), s.state.in_(ANSWERED_STATES))

    def n(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    mine = and_(received, s.assigned_leader_id.in_(leader_ids))
    for leader_id, total, n_answered, late, very_late in conn.execute(
            select(s.assigned_leader_id, func.count(), n(answered),
                   n(and_(answered, s.answer_deadline.in_(("overdue", "long_overdue")))),
                   n(and_(answered, s.answer_deadline == "long_overdue")))
            .where(mine).group_by(s.assigned_leader_id)):
        counts[leader_id].update(received=total, answered=n_answered, answered_overdue=late,
                                 answered_long_overdue=very_late)
    for leader_id, days, total in conn.execute(
            select(s.assigned_leader_id, s.answer_working_days, func.count())
            .where(mine, answered, s.answer_working_days.isnot(None))
            .group_by(s.assigned_leader_id, s.answer_working_days)):
        counts[leader_id]["days"][str(days)] = total
    for leader_id, value, total in conn.execute(
            select(r.leader_id, r.value, func.count()).where(r.leader_id.in_(leader_ids))
            .group_by(r.leader_id, r.value)):
        counts[leader_id]["satisfaction"][value] = total
    conn.execute(_upsert_statement(conn, [{"leader_id": i, "counts": c, "updated_at": now}
                                          for i, c in counts.items()]))
    return counts
