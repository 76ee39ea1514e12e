"""Anti-spam that does not put off experts: unverified accounts are rate-limited (per account
and per IP) and cannot post links until they have FORUM_LINK_MIN_POSTS approved posts;
real-name verified users and staff are not limited that way. Limits are settings."""
import re

from flask import current_app, has_request_context, request
from sqlalchemy import func, select

from webapp.core import ratelimit
from webapp.core.db import after_rollback
from webapp.core.errors import RateLimited, ValidationError
from webapp.core.permissions import is_staff
from webapp.extensions import db
from webapp.forum.models import Post

IMAGE_PREFIX = "/forum/uploads/"
# A link is anything a reader could follow off the site: a scheme, a bare www. address, or a
# Markdown link/image whose target is not one of our uploads.
_LINK = re.compile(r"(?i)\b(?:https?|ftp|mailto):|\bwww\.[a-z0-9-]+\.|\]\(\s*<?(?!/forum/uploads/)[^)\s]")


def has_link(text):
    return bool(_LINK.search(text or ""))


def trusted(user):
    return user.is_verified or is_staff(user)


def approved_posts(user):
    return db.session.scalar(select(func.count(Post.id)).where(
        Post.author_id == user.id, Post.hidden_at.is_(None), Post.deleted_at.is_(None))) or 0


def link_problem(user, body):
    """The message refusing links in `body` from a new unverified account, or None."""
    if trusted(user) or not has_link(body):
        return None
    needed = current_app.config["FORUM_LINK_MIN_POSTS"]
    if approved_posts(user) >= needed:
        return None
    return f"新账号发满 {needed} 帖后才能发布链接（实名认证用户不受此限）"


def check_links(user, body, field="body"):
    problem = link_problem(user, body)
    if problem:
        raise ValidationError(problem, fields={field: problem}, code="links_not_allowed")


def acquire_post_slot(user):
    """Count one post of an unverified account against its limits (account, then IP); given
    back if the action rolls back. Raises RateLimited when over."""
    if trusted(user):
        return
    cfg = current_app.config
    limits = [(f"forum-post:{user.id}", cfg["FORUM_NEW_POST_LIMIT"], cfg["FORUM_NEW_POST_WINDOW"])]
    if has_request_context() and request.remote_addr:
        limits.append((f"forum-post-ip:{request.remote_addr}", cfg["FORUM_IP_POST_LIMIT"], cfg["FORUM_IP_POST_WINDOW"]))
    taken = []
    for key, limit, window in limits:
        attempt = ratelimit.acquire(key, limit, window)
        if not attempt.allowed:
            attempt.release()
            for other in taken:
                other.release()
            minutes = max(1, window // 60)
            raise RateLimited(f"发帖过于频繁：未实名认证的账号每 {minutes} 分钟最多发 {limit} 帖，请稍后再试",
                              retry_after=int(attempt.retry_after) + 1)
        taken.append(attempt)
    for attempt in taken:
        after_rollback(db.session(), attempt.release)
