"""What the forum pages and the API read, each in a bounded number of queries: the index of
boards by group, a board's threads (pinned first, by last activity), a thread's page of posts
(a range of post numbers on the (thread_id, number) index, authors and their roles joined in)."""
from itertools import groupby

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager, joinedload

from webapp.accounts.models import User
from webapp.core.errors import NotFound
from webapp.core.pagination import Page
from webapp.core.permissions import is_authenticated
from webapp.extensions import db
from webapp.forum.models import POSTS_PER_PAGE, Board, Post, Subscription, Thread
from webapp.forum.services.reactions import liked_ids  # noqa: I001


def boards():
    return db.session.scalars(select(Board).order_by(Board.position, Board.id)).all()


def boards_by_group():
    """[(group name, [boards])] in display order."""
    return [(name, list(items)) for name, items in groupby(boards(), key=lambda b: b.group_name)]


def board_threads(board, page, per_page=30, viewer=None):
    """A page of the board's threads, with authors, last posters and the viewer's
    subscription rows ({thread_id: Subscription})."""
    total = board.thread_count
    order = (Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    query = (select(Thread).where(Thread.board_id == board.id)
             .options(joinedload(Thread.author).joinedload(User.role_grants),
                      joinedload(Thread.last_poster).joinedload(User.role_grants))
             .order_by(*order).limit(per_page).offset((page - 1) * per_page))
    threads = db.session.scalars(query).unique().all()
    return Page(items=threads, page=page, per_page=per_page, total=total), subscriptions_for(viewer, threads)


def subscriptions_for(viewer, threads):
    if not is_authenticated(viewer) or not threads:
        return {}
    rows = db.session.scalars(select(Subscription).where(Subscription.user_id == viewer.id,
                                                         Subscription.thread_id.in_([t.id for t in threads])))
    return {s.thread_id: s for s in rows}


def thread_with_subscription(thread_id, viewer):
    """(thread with its board, the viewer's subscription or None) in one query."""
    if not isinstance(thread_id, int) or thread_id <= 0:
        raise NotFound("找不到该主题")
    query = select(Thread).options(joinedload(Thread.board)).where(Thread.id == thread_id)
    if is_authenticated(viewer):
        query = (select(Thread, Subscription).options(joinedload(Thread.board)).where(Thread.id == thread_id)
                 .outerjoin(Subscription, and_(Subscription.thread_id == Thread.id, Subscription.user_id == viewer.id)))
        row = db.session.execute(query).first()
        if row is None:
            raise NotFound("找不到该主题")
        return row[0], row[1]
    thread = db.session.scalar(query)
    if thread is None:
        raise NotFound("找不到该主题")
    return thread, None


def thread_posts(thread, page, viewer=None, per_page=POSTS_PER_PAGE):
    """A page of the thread's posts (numbers page*per_page … +per_page-1): one query with
    authors and roles, one for the viewer's likes."""
    start = (page - 1) * per_page
    posts = db.session.scalars(
        select(Post).outerjoin(Post.author).options(contains_eager(Post.author).joinedload(User.role_grants))
        .where(Post.thread_id == thread.id, Post.number >= start, Post.number < start + per_page)
        .order_by(Post.number)).unique().all() if start < thread.post_count else []
    liked = liked_ids(viewer, [p.id for p in posts])
    return Page(items=posts, page=page, per_page=per_page, total=thread.post_count), liked


def recent_threads(limit=10):
    return db.session.scalars(select(Thread).options(joinedload(Thread.board), joinedload(Thread.author))
                              .order_by(Thread.last_post_at.desc()).limit(limit)).all()
