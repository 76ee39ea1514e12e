"""Likes (one per user and post), subscriptions and mute, bookmarks, read tracking and the
accepted answer of a question."""
from sqlalchemy import delete, select, update

from webapp.core.db import utcnow
from webapp.core.errors import ValidationError
from webapp.core.permissions import guard, require_login
from webapp.core.text import quoted
from webapp.extensions import db
from webapp.forum.models import Post, PostLike, Subscription
from webapp.forum.services import rules
from webapp.forum.services.posting import post_path, subscription_of
from webapp.notifications.services import notify


def like(user, post):
    """Like `post`; True if new, False if the user already liked it (idempotent)."""
    guard(rules.why_not_like(user, post))
    exists = db.session.scalar(select(PostLike.id).where(PostLike.post_id == post.id, PostLike.user_id == user.id))
    if exists:
        return False
    db.session.add(PostLike(post_id=post.id, user_id=user.id, created_at=utcnow()))
    db.session.execute(update(Post).where(Post.id == post.id).values(like_count=Post.like_count + 1))
    db.session.flush()
    db.session.refresh(post, ["like_count"])
    return True


def unlike(user, post):
    """Take a like back; False if there was none (idempotent)."""
    require_login(user)
    gone = db.session.execute(delete(PostLike).where(PostLike.post_id == post.id, PostLike.user_id == user.id)).rowcount
    if gone:
        db.session.execute(update(Post).where(Post.id == post.id).values(like_count=Post.like_count - gone))
    db.session.flush()
    db.session.refresh(post, ["like_count"])
    return bool(gone)


def liked_ids(user, post_ids):
    if not getattr(user, "is_authenticated", False) or not post_ids:
        return set()
    return set(db.session.scalars(select(PostLike.post_id).where(PostLike.user_id == user.id,
                                                                 PostLike.post_id.in_(post_ids))))


def _sub(user, thread):
    sub = subscription_of(user, thread)
    if sub is None:
        sub = Subscription(thread_id=thread.id, user_id=user.id, subscribed=False, muted=False, bookmarked=False)
        db.session.add(sub)
    return sub


def subscribe(user, thread):
    require_login(user)
    sub = _sub(user, thread)
    sub.subscribed, sub.muted = True, False
    db.session.flush()
    return sub


def mute(user, thread):
    """No more notifications of replies to this thread (even after replying again)."""
    require_login(user)
    sub = _sub(user, thread)
    sub.muted = True
    db.session.flush()
    return sub


def set_bookmark(user, thread, on=True):
    require_login(user)
    sub = _sub(user, thread)
    sub.bookmarked = bool(on)
    db.session.flush()
    return sub


def bookmarks(user):
    from webapp.forum.models import Thread

    return db.session.scalars(select(Thread).join(Subscription, Subscription.thread_id == Thread.id)
                              .where(Subscription.user_id == user.id, Subscription.bookmarked.is_(True))
                              .order_by(Thread.last_post_at.desc())).all()


def mark_read(user, thread, number):
    """The user has seen the thread up to post `number` (sent by the page, a POST; never the GET)."""
    require_login(user)
    if not isinstance(number, int) or number < 0:
        raise ValidationError(fields={"number": "必须是非负整数"})
    number = min(number, thread.post_count - 1)
    sub = subscription_of(user, thread)
    if sub is None:
        # Reading alone does not subscribe: the row only keeps the mark.
        sub = Subscription(thread_id=thread.id, user_id=user.id, subscribed=False, muted=False)
        db.session.add(sub)
    if (sub.last_read_number if sub.last_read_number is not None else -1) < number:
        sub.last_read_number = number
    db.session.flush()
    return sub


def first_unread_number(sub, thread):
    """The number of the first post the user has not seen (0 when never read; the last post
    when all are read)."""
    if sub is None or sub.last_read_number is None:
        return 0
    return min(sub.last_read_number + 1, thread.post_count - 1)


def has_unread(sub, thread):
    return sub is not None and sub.last_read_number is not None and sub.last_read_number < thread.post_count - 1


def accept(user, post):
    """The asker accepts `post` as the answer (another accepted before is replaced)."""
    guard(rules.why_not_accept(user, post))
    thread = post.thread
    if thread.accepted_post_id == post.id:
        return post
    thread.accepted_post_id = post.id
    db.session.flush()
    if post.author_id and post.author_id != user.id:
        notify(post.author_id, "forum.accepted", f"{user.display_name} 采纳了您在{quoted(thread.title)}中的回答",
               link=post_path(post), actor=user)
    return post


def unaccept(user, post):
    guard(rules.why_not_accept(user, post))
    thread = post.thread
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
    db.session.flush()
    return post
