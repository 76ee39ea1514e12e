"""Notify users; list, count and mark notifications read.

`notify()` is what every capability calls. It adds to the caller's transaction, so a
notification exists only if the action that caused it committed.
"""
from blinker import Namespace
from sqlalchemy.orm import joinedload

from webapp.core.db import utcnow
from webapp.core.errors import NotFound
from webapp.extensions import db
from webapp.notifications.models import Notification

# Sent by notify() with the new notification, inside the action's transaction (chat pushes
# the unread count to the user's open pages after the commit; notifications imports no chat).
notification_created = Namespace().signal("notification-created")


def notify(user, kind, title, body="", link=None, actor=None, sender=None):
    """Queue a notification to `user`. `actor` is the person it comes from; `sender` names it
    instead when no person may be named (staff act as the association: "科协工作人员")."""
    note = Notification(
        user_id=user.id if hasattr(user, "id") else int(user),
        actor_id=None if sender else getattr(actor, "id", None),
        actor_name=sender,
        kind=kind,
        title=title[:200],
        body=body or "",
        link=link,
    )
    db.session.add(note)
    notification_created.send(note)
    return note


def notifications_for(user, unread_only=False):
    # Who each notification is from, joined in rather than a query per row.
    q = Notification.query.options(joinedload(Notification.actor)).filter(
        Notification.user_id == user.id)
    if unread_only:
        q = q.filter(Notification.read_at.is_(None))
    return q.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user):
    return Notification.query.filter(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    ).count()


def mark_read(user, notification_id):
    note = db.session.get(Notification, notification_id)
    # Another user's notification is reported as missing, not forbidden.
    if note is None or note.user_id != user.id:
        raise NotFound("找不到该通知")
    if note.read_at is None:
        note.read_at = utcnow()
    db.session.flush()
    return note


def mark_all_read(user):
    count = Notification.query.filter(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    ).update({Notification.read_at: utcnow()}, synchronize_session=False)
    db.session.flush()
    return count
