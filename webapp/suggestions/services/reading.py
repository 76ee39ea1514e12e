"""Reading suggestions: one, a filtered list, the co-signatures and attachments a viewer sees."""
import threading
import time

from flask import current_app
from sqlalchemy import case
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from webapp.accounts import services as accounts
from webapp.core.db import MAX_ID, get_by_id
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard, is_authenticated, require_login
from webapp.core.uploads import private_document_path, stored_file
from webapp.extensions import db
from webapp.suggestions.models import (
    ANSWERED_STATES,
    Suggestion,
    SuggestionAttachment,
    SuggestionState,
    SuggestionSupport,
)
from webapp.suggestions.services.rules import can_see_answer, is_answering_leader, why_not_view
from webapp.suggestions.services.settings import ATTACHMENT_KIND, SORTS

S = SuggestionState


def visible_filter(viewer):
    """SQL condition for the suggestions `viewer` may see: the same rule as `can_view`."""
    return Suggestion.is_visible_to(viewer)


def get_suggestion(suggestion_id, viewer):
    """The suggestion if `viewer` may see it; otherwise 404, so existence does not leak."""
    suggestion = get_by_id(Suggestion, suggestion_id)
    if suggestion is None:
        raise NotFound("找不到该建议")
    guard(why_not_view(viewer, suggestion))
    return suggestion


def eager(query, *related):
    """What a list row shows, joined into the page's query rather than a query per row: the
    category, and the `related` one-to-ones a list also shows (answer, follow_up, rating).
    The people it names come after the page is read, all at once (`with_people`)."""
    return query.options(joinedload(Suggestion.category), *(joinedload(r) for r in related))


PEOPLE = ("author", "addressee", "assigned_leader")


def with_people(suggestions, timeline=False, people=PEOPLE):
    """Load every person the rows name (`people`: authors, addressees, leaders; on the
    timeline its actors and subjects) with their roles in one query, whatever the number of
    rows, and set them on the rows' relationships. Returns `suggestions`."""
    slots = []  # (object, relationship, user id)
    for s in suggestions:
        slots += [(s, name, getattr(s, f"{name}_id")) for name in people]
        # The answer and follow-up only where the page loaded them (never a query per row here).
        loaded = s.__dict__
        if loaded.get("answer") is not None:
            slots.append((s.answer, "leader", s.answer.leader_id))
        if loaded.get("follow_up") is not None:
            slots.append((s.follow_up, "answered_by", s.follow_up.answered_by_id))
        if timeline:
            for e in s.events:
                slots += [(e, "actor", e.actor_id), (e, "subject", e.subject_id)]
    found = accounts.users_by_ids(uid for _, _, uid in slots)
    for obj, name, uid in slots:
        set_committed_value(obj, name, found.get(uid))
    return suggestions


def suggestion_page(suggestion_id, viewer):
    """The suggestion as its page shows it — answer, follow-up, rating, attachments, timeline
    and everyone it names loaded in a fixed number of queries — if `viewer` may see it."""
    try:
        key = int(suggestion_id)
    except (TypeError, ValueError):
        key = None
    suggestion = None
    if key is not None and 0 < key <= MAX_ID:
        suggestion = (Suggestion.query.options(
            joinedload(Suggestion.category), joinedload(Suggestion.screening_reason),
            joinedload(Suggestion.answer), joinedload(Suggestion.follow_up), joinedload(Suggestion.rating),
            selectinload(Suggestion.attachments), selectinload(Suggestion.events))
            .filter(Suggestion.id == key).populate_existing().one_or_none())
    if suggestion is None:
        raise NotFound("找不到该建议")
    guard(why_not_view(viewer, suggestion))
    with_people([suggestion], timeline=True)
    return suggestion


def list_suggestions(viewer, category_id=None, state=None, leader_id=None, answered=None, sort="newest",
                     mine=False, author_id=None):
    """Suggestions `viewer` may see, filtered and sorted (newest / supported / waiting)."""
    q = Suggestion.query.filter(visible_filter(viewer))
    if mine:
        require_login(viewer)
        q = q.filter(Suggestion.author_id == viewer.id)
    else:
        # A withdrawn suggestion leaves every list but its author's own (marked 已撤回).
        q = q.filter(Suggestion.state != S.withdrawn.value)
    if author_id:
        q = q.filter(Suggestion.author_id == author_id)
    if category_id:
        q = q.filter(Suggestion.category_id == category_id)
    if state:
        try:
            state = S(state)
        except ValueError:
            raise ValidationError("未知的状态", fields={"state": "取值无效"}) from None
        q = q.filter(Suggestion.state == state.value)
    if leader_id:
        # Two indexed look-ups instead of one OR, which made the planner walk the whole list.
        assigned = db.session.query(Suggestion.id).filter(Suggestion.assigned_leader_id == leader_id)
        addressed = db.session.query(Suggestion.id).filter(Suggestion.assigned_leader_id.is_(None),
                                                           Suggestion.addressee_id == leader_id)
        q = q.filter(Suggestion.id.in_(assigned.union_all(addressed)))
    if answered is True:
        q = q.filter(Suggestion.state.in_(ANSWERED_STATES))
    elif answered is False:
        q = q.filter(Suggestion.state.notin_(ANSWERED_STATES))
    if sort == "supported":
        q = q.order_by(Suggestion.support_count.desc(), Suggestion.created_at.desc(), Suggestion.id.desc())
    elif sort == "waiting":
        # Unanswered first, the oldest first; answered ones after, by how long they took.
        waiting = case((Suggestion.state.in_(ANSWERED_STATES + (S.not_accepted.value,)), 1), else_=0)
        q = q.order_by(waiting, Suggestion.created_at.asc(), Suggestion.id.asc())
    elif sort in (None, "", "newest"):
        q = q.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    else:
        raise ValidationError("未知的排序方式", fields={"sort": "可选 " + "、".join(SORTS)})
    return eager(q)


def profile_suggestions(person, viewer, limit=10):
    """What a profile lists: `person`'s suggestions and co-signed ones that `viewer` may see,
    newest first (two queries; the rows show only the suggestion's own columns)."""
    visible = visible_filter(viewer)
    written = (Suggestion.query.filter(visible, Suggestion.author_id == person.id)
               .order_by(Suggestion.created_at.desc(), Suggestion.id.desc()).limit(limit).all())
    cosigned = (Suggestion.query.join(SuggestionSupport, SuggestionSupport.suggestion_id == Suggestion.id)
                .filter(visible, SuggestionSupport.user_id == person.id)
                .order_by(SuggestionSupport.created_at.desc(), Suggestion.id.desc()).limit(limit).all())
    return {"written": written, "cosigned": cosigned}


class _CountCache:
    """Counts of the suggestion lists, per process, for SUGGESTION_COUNT_CACHE_SECONDS.

    Counting the visible suggestions grows with the history (~10 ms at 50k on SQLite, on
    every list page and API call); the total only changes when a suggestion does. Cleared
    in this process by every flush that changes a suggestion (figures.py) and after its
    commit; another worker's copy can lag by the TTL at most.
    """

    def __init__(self, size=512):
        self.size, self.entries, self.lock = size, {}, threading.Lock()

    def get(self, key, ttl, count):
        now = time.monotonic()
        with self.lock:
            hit = self.entries.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
        value = count()
        with self.lock:
            if len(self.entries) >= self.size:
                self.entries.clear()
            self.entries[key] = (now, value)
        return value

    def clear(self):
        with self.lock:
            self.entries.clear()


list_counts = _CountCache()


def count_suggestions(viewer, **filters):
    """How many suggestions `list_suggestions(viewer, **filters)` lists (cached, see above)."""
    ttl = current_app.config.get("SUGGESTION_COUNT_CACHE_SECONDS", 0)
    filters.pop("sort", None)

    def count():
        return list_suggestions(viewer, **filters).order_by(None).count()

    if not ttl:
        return count()
    who = "public" if not is_authenticated(viewer) else ("staff" if viewer.is_staff else viewer.id)
    key = (who, tuple(sorted((k, str(v)) for k, v in filters.items() if v not in (None, "", False))))
    return list_counts.get(key, ttl, count)


def has_supported(user, suggestion):
    if not is_authenticated(user):
        return False
    return db.session.query(SuggestionSupport.id).filter_by(
        suggestion_id=suggestion.id, user_id=user.id).first() is not None


def supported_ids(user, suggestion_ids):
    if not is_authenticated(user) or not suggestion_ids:
        return set()
    rows = db.session.query(SuggestionSupport.suggestion_id).filter(
        SuggestionSupport.user_id == user.id, SuggestionSupport.suggestion_id.in_(list(suggestion_ids)))
    return {r[0] for r in rows}


def answer_visible_to(suggestion, viewer):
    """The published answer if `viewer` may read it (a hidden one: only parties and staff)."""
    return suggestion.published_answer if can_see_answer(viewer, suggestion) else None


def draft_visible_to(suggestion, viewer):
    """The unpublished draft, for the leader who writes it only."""
    answer = suggestion.answer
    if answer is not None and answer.is_draft and is_answering_leader(viewer, suggestion):
        return answer
    return None


def attachment_for(viewer, suggestion_id, attachment_id):
    """(attachment, path) if `viewer` may see the suggestion; else 404."""
    suggestion = get_suggestion(suggestion_id, viewer)
    attachment = db.session.get(SuggestionAttachment, attachment_id)
    if attachment is None or attachment.suggestion_id != suggestion.id:
        raise NotFound("找不到该附件")
    # Between the commit and the move into place the file is still under its staging name.
    path = stored_file(private_document_path(attachment.storage_key, ATTACHMENT_KIND))
    if path is None:
        raise NotFound("找不到该附件")
    return attachment, path


def referenced_attachments(names):
    """The stored attachment file names among `names` that an attachment row names (for `flask uploads sweep`)."""
    rows = db.session.query(SuggestionAttachment.storage_key).filter(SuggestionAttachment.storage_key.in_(names))
    return {key for (key,) in rows}
