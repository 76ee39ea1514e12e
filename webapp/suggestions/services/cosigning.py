"""Co-signing (联名): once per member, counted in SQL; at the threshold staff must accept.

A co-signature can be withdrawn while the suggestion still collects them; the count goes
down in SQL too. The threshold, once reached, stays reached (its event and notices are
not repeated when someone signs again).
"""
from sqlalchemy.exc import IntegrityError

from webapp.core.db import utcnow
from webapp.core.permissions import guard
from webapp.core.text import quoted
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.suggestions.models import EventKind, Suggestion, SuggestionSupport
from webapp.suggestions.services.people import staff_users
from webapp.suggestions.services.reading import has_supported
from webapp.suggestions.services.rules import why_not_support, why_not_withdraw_support
from webapp.suggestions.services.settings import support_threshold
from webapp.suggestions.services.timeline import add_event, link


def support(user, suggestion):
    """Co-sign a public suggestion. Idempotent: returns False if `user` had already signed."""
    guard(why_not_support(user, suggestion))
    if has_supported(user, suggestion):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SuggestionSupport(suggestion_id=suggestion.id, user_id=user.id))
    except IntegrityError:
        # A concurrent request signed first (the savepoint is rolled back): still one signature.
        return False
    # Count in SQL so concurrent signatures are not lost.
    db.session.query(Suggestion).filter(Suggestion.id == suggestion.id).update(
        {Suggestion.support_count: Suggestion.support_count + 1}, synchronize_session=False)
    db.session.flush()
    db.session.refresh(suggestion)
    threshold = support_threshold()
    if suggestion.support_count >= threshold and suggestion.threshold_reached_at is None:
        suggestion.threshold_reached_at = utcnow()
        add_event(suggestion, EventKind.threshold, note=f"联名人数达到 {threshold} 人，必须交办领导答复")
        for staff in staff_users():
            notify(staff, "suggestion.threshold", f"建议{quoted(suggestion.title)}联名达到 {threshold} 人",
                   "按规定必须交办领导答复。", link(suggestion))
        notify(suggestion.author, "suggestion.threshold", f"您的建议{quoted(suggestion.title)}联名达到 {threshold} 人",
               "科协将交办领导答复。", link(suggestion))
    db.session.flush()
    return True


def withdraw_support(user, suggestion):
    """Withdraw `user`'s co-signature. Returns False if a concurrent request removed it first."""
    guard(why_not_withdraw_support(user, suggestion))
    removed = db.session.query(SuggestionSupport).filter_by(
        suggestion_id=suggestion.id, user_id=user.id).delete(synchronize_session=False)
    if not removed:
        return False
    db.session.query(Suggestion).filter(Suggestion.id == suggestion.id).update(
        {Suggestion.support_count: Suggestion.support_count - removed}, synchronize_session=False)
    db.session.flush()
    db.session.refresh(suggestion)
    return True
