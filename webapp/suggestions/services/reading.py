"""Reading suggestions: one, a filtered list, the co-signatures and attachments a viewer sees."""
from sqlalchemy import and_, case, or_
from sqlalchemy.orm import selectinload

from webapp.core.db import get_by_id
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


def eager(query):
    """What a list row shows, loaded with the page rather than a query per row."""
    return query.options(selectinload(Suggestion.author), selectinload(Suggestion.addressee),
                         selectinload(Suggestion.assigned_leader), selectinload(Suggestion.category),
                         selectinload(Suggestion.answer), selectinload(Suggestion.rating))


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
        q = q.filter(or_(Suggestion.assigned_leader_id == leader_id,
                         and_(Suggestion.assigned_leader_id.is_(None), Suggestion.addressee_id == leader_id)))
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
