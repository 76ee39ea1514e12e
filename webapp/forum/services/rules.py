"""Who may do what in the forum: one `why_not_<action>(user, obj)` per action (None: allowed,
else the ServiceError to raise), and `can_<action>` from it. Services guard with these; pages,
the API's `permissions` and templates ask the same functions."""
from flask import g, has_request_context
from sqlalchemy import select

from webapp.core.db import utcnow
from webapp.core.errors import AuthenticationRequired, Conflict, PermissionDenied
from webapp.core.permissions import is_authenticated, is_staff
from webapp.extensions import db
from webapp.forum.models import ForumSuspension, ThreadKind


def active_suspension(user):
    """The user's forum suspension in force now, or None."""
    if not is_authenticated(user):
        return None
    # Asked once per request and user: a page asks the rules for every post it shows.
    cache = g.setdefault("forum_suspensions", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = db.session.scalar(
            select(ForumSuspension).where(ForumSuspension.user_id == user.id, ForumSuspension.lifted_at.is_(None),
                                          ForumSuspension.until > utcnow())
            .order_by(ForumSuspension.until.desc()).limit(1))
    return cache[user.id]


def forget_suspensions():
    if has_request_context():
        g.pop("forum_suspensions", None)


def _member_refusal(user):
    if getattr(user, "is_suspended", False):
        return PermissionDenied("账号已停用", code="account_suspended")
    if not is_authenticated(user):
        return AuthenticationRequired("请先登录后再发帖")
    suspension = active_suspension(user)
    if suspension is not None:
        from webapp.core.timeutil import to_local

        until = to_local(suspension.until).strftime("%Y-%m-%d %H:%M")
        return PermissionDenied(f"您已被禁言至 {until}：{suspension.reason}", code="forum_suspended")
    return None


def why_not_start_thread(user, board):
    return _member_refusal(user)


def why_not_reply(user, thread):
    refusal = _member_refusal(user)
    if refusal is not None:
        return refusal
    if thread.locked and not is_staff(user):
        return Conflict("该主题已锁定，不能回复" + (f"：{thread.lock_reason}" if thread.lock_reason else ""),
                        code="thread_locked")
    return None


def why_not_edit(user, post):
    refusal = _member_refusal(user)
    if refusal is not None:
        return refusal
    if post.author_id != user.id:
        return PermissionDenied("只能编辑自己的帖子")
    if post.deleted_at is not None or post.hidden_at is not None:
        return Conflict("该帖已删除或被隐藏，不能编辑", code="post_removed")
    if post.thread.locked:
        return Conflict("该主题已锁定，不能编辑", code="thread_locked")
    return None


def why_not_delete(user, post):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if post.author_id != user.id:
        return PermissionDenied("只能删除自己的帖子")
    if post.deleted_at is not None:
        return Conflict("该帖已删除", code="already_deleted")
    return None


def why_not_like(user, post):
    refusal = _member_refusal(user)
    if refusal is not None:
        return refusal
    if post.author_id == user.id:
        return Conflict("不能给自己的帖子点赞", code="own_post")
    if post.removed:
        return Conflict("该帖已删除或被隐藏", code="post_removed")
    return None


def why_not_report(user, post):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if post.author_id == user.id:
        return Conflict("不能举报自己的帖子", code="own_post")
    return None


def why_not_accept(user, post):
    if not is_authenticated(user):
        return AuthenticationRequired()
    thread = post.thread
    if thread.kind != ThreadKind.question.value:
        return Conflict("只有问题帖可以采纳答案", code="not_a_question")
    if thread.author_id != user.id:
        return PermissionDenied("只有提问者可以采纳答案")
    if post.number == 0:
        return Conflict("不能采纳问题本身", code="first_post")
    if post.removed:
        return Conflict("该帖已删除或被隐藏", code="post_removed")
    return None


def why_not_moderate(user, obj=None):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if not is_staff(user):
        return PermissionDenied("只有工作人员可以执行此操作")
    return None


def why_not_view_history(user, post):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if not (is_staff(user) or post.author_id == user.id):
        return PermissionDenied("只有作者和工作人员可以查看编辑历史")
    return None


def can(rule, user, obj=None):
    return rule(user, obj) is None


def can_reply(user, thread):
    return why_not_reply(user, thread) is None


def can_edit(user, post):
    return why_not_edit(user, post) is None


def can_delete(user, post):
    return why_not_delete(user, post) is None


def can_like(user, post):
    return why_not_like(user, post) is None


def can_report(user, post):
    return why_not_report(user, post) is None


def can_accept(user, post):
    return why_not_accept(user, post) is None


def can_moderate(user, obj=None):
    return why_not_moderate(user, obj) is None


def can_view_history(user, post):
    return why_not_view_history(user, post) is None


def can_read_post(user, post):
    """A hidden post is shown (its body) only to its author and staff; a deleted one to nobody."""
    if post.deleted_at is not None:
        return False
    if post.hidden_at is not None:
        return is_staff(user) or (is_authenticated(user) and post.author_id == user.id)
    return True
