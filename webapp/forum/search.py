"""What the forum puts in the site search (collected by webapp.search): threads and posts.

Only what anyone may read gets a document: a deleted or hidden post returns None (removed
from the index); a thread's document is its title, tags and first post, None when that first
post is deleted or hidden.
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.core.urls import path_for
from webapp.extensions import db
from webapp.forum.models import Post, Thread


def _text(html_or_markdown):
    """Plain text of a post's Markdown: its rendered HTML without tags."""
    import bleach

    return " ".join(bleach.clean(html_or_markdown or "", tags=set(), strip=True).split())


def _public(post):
    return post is not None and post.deleted_at is None and post.hidden_at is None


def thread_document(thread):
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 0))
    if not _public(first):
        return None
    return {
        "title": thread.title,
        "body": _text(first.body_html),
        "url": path_for("forum.thread", thread_id=thread.id),
        "created_at": thread.created_at,
        "discipline": thread.board.group_name if thread.board else None,
        "category": thread.board.name if thread.board else None,
        "tags": list(thread.tags or []),
    }


def post_document(post):
    """A reply (the first post is in its thread's document)."""
    if post.number == 0 or not _public(post):
        return None
    from webapp.forum.services.posting import post_path

    thread = post.thread
    return {
        "title": f"回复：{thread.title}",
        "body": _text(post.body_html),
        "url": post_path(post),
        "created_at": post.created_at,
        "discipline": thread.board.group_name if thread.board else None,
        "category": thread.board.name if thread.board else None,
        "tags": list(thread.tags or []),
    }


def all_threads():
    return db.session.scalars(select(Thread).options(joinedload(Thread.board)).execution_options(yield_per=500))


def all_posts():
    return db.session.scalars(select(Post).where(Post.number > 0).execution_options(yield_per=500))


def search_sources():
    """What this capability puts in the site search (collected by webapp.search)."""
    return [
        {
            "type": "thread",
            "label": "论坛主题",
            "model": Thread,
            "document": thread_document,
            "all": all_threads,
            # The first post is the thread's body: its edits, hiding and deletion change the document.
            "watch": {Post: lambda post: [post.thread_id] if post.number == 0 else []},
        },
        {
            "type": "post",
            "label": "论坛回复",
            "model": Post,
            "document": post_document,
            "all": all_posts,
            # A moved or retitled thread changes its replies' documents.
            "watch": {Thread: lambda thread: list(db.session.scalars(
                select(Post.id).where(Post.thread_id == thread.id, Post.number > 0)))},
        },
    ]
