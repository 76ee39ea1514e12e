"""Staff moderation: hide or show again a suggestion or its answer, with a reason the parties
see; file a suggestion under another category."""
from webapp.core import audit
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import ValidationError
from webapp.core.permissions import guard
from webapp.core.text import quoted
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.suggestions.models import NOTE_MAX, EventKind, SuggestionAction, SuggestionCategory
from webapp.suggestions.services.rules import (
    why_not_hide,
    why_not_hide_answer,
    why_not_recategorise,
    why_not_unhide,
    why_not_unhide_answer,
)
from webapp.suggestions.services.timeline import STAFF_ACTOR_NAME, add_event, link


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写理由", fields={"reason": "必填"})
    return reason[:NOTE_MAX]


def hide(actor, suggestion, reason):
    guard(why_not_hide(actor, suggestion))
    reason = _reason(reason)
    suggestion.hidden_at = utcnow()
    suggestion.hidden_reason = reason
    suggestion.hidden_by_id = actor.id
    add_event(suggestion, EventKind.hidden, actor, note=reason)
    audit.record(actor, SuggestionAction.hide, "suggestion", suggestion.id,
                 summary=f"隐藏建议{quoted(suggestion.title)}", reason=reason)
    notify(suggestion.author, "suggestion.hidden", f"您的建议{quoted(suggestion.title)}已被隐藏", f"理由：{reason}",
           link(suggestion), sender=STAFF_ACTOR_NAME)
    db.session.flush()
    return suggestion


def unhide(actor, suggestion):
    guard(why_not_unhide(actor, suggestion))
    suggestion.hidden_at = suggestion.hidden_reason = suggestion.hidden_by_id = None
    add_event(suggestion, EventKind.unhidden, actor)
    audit.record(actor, SuggestionAction.unhide, "suggestion", suggestion.id,
                 summary=f"恢复显示建议{quoted(suggestion.title)}")
    notify(suggestion.author, "suggestion.unhidden", f"您的建议{quoted(suggestion.title)}已恢复显示", "",
           link(suggestion), sender=STAFF_ACTOR_NAME)
    db.session.flush()
    return suggestion


def hide_answer(actor, suggestion, reason):
    guard(why_not_hide_answer(actor, suggestion))
    answer = suggestion.published_answer
    reason = _reason(reason)
    answer.hidden_at = utcnow()
    answer.hidden_reason = reason
    add_event(suggestion, EventKind.answer_hidden, actor, note=reason)
    audit.record(actor, SuggestionAction.hide_answer, "suggestion", suggestion.id,
                 summary=f"隐藏建议{quoted(suggestion.title)}的答复", reason=reason)
    for user_id in {suggestion.author_id, answer.leader_id} - {None}:
        notify(user_id, "suggestion.answer_hidden", f"建议{quoted(suggestion.title)}的答复已被隐藏", f"理由：{reason}",
               link(suggestion), sender=STAFF_ACTOR_NAME)
    db.session.flush()
    return answer


def unhide_answer(actor, suggestion):
    guard(why_not_unhide_answer(actor, suggestion))
    answer = suggestion.published_answer
    answer.hidden_at = answer.hidden_reason = None
    add_event(suggestion, EventKind.answer_unhidden, actor)
    audit.record(actor, SuggestionAction.unhide_answer, "suggestion", suggestion.id,
                 summary=f"恢复建议{quoted(suggestion.title)}的答复")
    # Told of the hiding, so told of the restoring too (as unhide() tells the author).
    for user_id in {suggestion.author_id, answer.leader_id} - {None}:
        notify(user_id, "suggestion.answer_unhidden", f"建议{quoted(suggestion.title)}的答复已恢复显示", "",
               link(suggestion), sender=STAFF_ACTOR_NAME)
    db.session.flush()
    return answer


def recategorise(actor, suggestion, category_id, note=""):
    """Staff file the suggestion under another (active) category: a timeline step, audited."""
    guard(why_not_recategorise(actor, suggestion))
    category = get_by_id(SuggestionCategory, category_id)
    if category is None or not category.active:
        raise ValidationError("请选择分类", fields={"category_id": "请选择一个启用的分类"})
    if category.id == suggestion.category_id:
        raise ValidationError("该建议已在这个分类下", fields={"category_id": "与当前分类相同"})
    old = suggestion.category.name if suggestion.category else ""
    note = (note or "").strip()[:NOTE_MAX]
    suggestion.category_id = category.id
    suggestion.category = category
    add_event(suggestion, EventKind.recategorised, actor,
              note=f"由“{old}”调整为“{category.name}”{'：' + note if note else ''}")
    audit.record(actor, SuggestionAction.recategorise, "suggestion", suggestion.id,
                 summary=f"将建议“{suggestion.title}”的分类由“{old}”调整为“{category.name}”", reason=note or None)
    db.session.flush()
    return suggestion
