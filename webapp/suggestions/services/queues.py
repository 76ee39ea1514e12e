"""Work lists: the leader's inbox and the staff queues, each sorted by what is due first."""
from sqlalchemy import and_, func, or_, select

from webapp.accounts.models import Role
from webapp.core.errors import NotFound
from webapp.core.permissions import require_role, require_staff
from webapp.extensions import db
from webapp.suggestions.models import ANSWERED_STATES, OPEN_STATES, Suggestion, SuggestionFollowUp, SuggestionState
from webapp.suggestions.services.reading import eager
from webapp.suggestions.services.settings import INBOX_TABS, STAFF_QUEUES, today

S = SuggestionState

def leader_inbox(leader, tab="pending"):
    """The assigned leader's suggestions for one tab, sorted by due date."""
    require_role(leader, Role.leader, message="只有领导可以查看领导信箱")
    q = Suggestion.query.filter(Suggestion.assigned_leader_id == leader.id)
    if tab == "pending":
        pending_follow_up = Suggestion.follow_up.has(SuggestionFollowUp.answered_at.is_(None))
        q = q.filter(or_(Suggestion.state == S.assigned.value,
                         and_(Suggestion.state == S.answered.value, pending_follow_up)))
        q = q.order_by(Suggestion.due_date.asc(), Suggestion.id.asc())
    elif tab == "overdue":
        q = q.filter(Suggestion.state == S.assigned.value, Suggestion.due_date < today())
        q = q.order_by(Suggestion.due_date.asc(), Suggestion.id.asc())
    elif tab == "answered":
        q = q.filter(Suggestion.state.in_(ANSWERED_STATES))
        q = q.order_by(Suggestion.answered_at.desc(), Suggestion.id.desc())
    else:
        raise NotFound("未知的分类")
    return eager(q, Suggestion.answer, Suggestion.follow_up)


def inbox_counts(leader):
    """{tab: count} of the leader's inbox in one statement."""
    counts = [_count_of(leader_inbox(leader, tab)) for tab in INBOX_TABS]
    return dict(zip(INBOX_TABS, db.session.execute(select(*counts)).one(), strict=True))



def staff_queue(actor, queue="screening"):
    require_staff(actor)
    q = Suggestion.query
    if queue == "screening":
        q = q.filter(Suggestion.state == S.submitted.value).order_by(
            Suggestion.threshold_reached_at.is_(None), Suggestion.screen_due_date.asc(), Suggestion.id.asc())
    elif queue == "unassigned":
        q = q.filter(Suggestion.state == S.accepted.value).order_by(Suggestion.due_date.asc(), Suggestion.id)
    elif queue == "overdue":
        q = q.filter(Suggestion.state.in_(OPEN_STATES), Suggestion.due_date < today()).order_by(
            Suggestion.due_date.asc(), Suggestion.id)
    elif queue == "threshold":
        q = q.filter(Suggestion.threshold_reached_at.isnot(None)).order_by(Suggestion.threshold_reached_at.desc())
    elif queue == "hidden":
        q = q.filter(Suggestion.hidden_at.isnot(None)).order_by(Suggestion.hidden_at.desc())
    elif queue == "all":
        q = q.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    else:
        raise NotFound("未知的队列")
    return eager(q)


# The "all" queue's count stops here: counting every suggestion ever received on every view
# of the staff pages would grow with the history (shown as "10000+").
ALL_COUNT_CAP = 10000


def _count_of(query, cap=None):
    ids = query.order_by(None).with_entities(Suggestion.id)
    if cap is not None:
        ids = ids.limit(cap + 1)
    return select(func.count()).select_from(ids.subquery()).scalar_subquery()


def staff_queue_counts(actor, with_all=False):
    """{queue: count} in one statement (each count reads its own index). With `with_all`,
    also "all", capped at ALL_COUNT_CAP (then the string "10000+")."""
    keys = [key for key in STAFF_QUEUES if key != "all"]
    counts = [_count_of(staff_queue(actor, key)) for key in keys]
    if with_all:
        keys.append("all")
        counts.append(_count_of(staff_queue(actor, "all"), cap=ALL_COUNT_CAP))
    result = dict(zip(keys, db.session.execute(select(*counts)).one(), strict=True))
    if with_all and result["all"] > ALL_COUNT_CAP:
        result["all"] = f"{ALL_COUNT_CAP}+"
    return result


# --- statistics ---------------------------------------------------------------------------
