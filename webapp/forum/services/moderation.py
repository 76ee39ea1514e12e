"""Moderation: members report posts; staff hide/restore posts, lock/unlock, pin/unpin and move
threads, suspend users from the forum until a date, and work the report queue. Every action
is in the audit log (who, when, why); a reporter learns the outcome."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.core import audit
from webapp.core.db import utcnow
from webapp.core.errors import Conflict, ValidationError
from webapp.core.permissions import guard
from webapp.core.text import quoted
from webapp.extensions import db
from webapp.forum.models import (
    BOARD_DESCRIPTION_MAX,
    BOARD_NAME_MAX,
    REASON_MAX,
    REASON_MIN,
    Board,
    ForumAction,
    ForumSuspension,
    Post,
    Report,
    ReportState,
)
from webapp.forum.services import rules
from webapp.forum.services.posting import post_path
from webapp.notifications.services import notify

STAFF_SENDER = "科协工作人员"


def reason_problem(reason, required=True):
    length = len((reason or "").strip())
    if required and length < REASON_MIN:
        return f"理由至少 {REASON_MIN} 个字"
    if length > REASON_MAX:
        return f"理由不能超过 {REASON_MAX} 个字"
    return None


def _reason(reason, required=True, field="reason"):
    problem = reason_problem(reason, required)
    if problem:
        raise ValidationError(problem, fields={field: problem})
    return (reason or "").strip() or None


def report(user, post, reason):
    guard(rules.why_not_report(user, post))
    reason = _reason(reason)
    existing = db.session.scalar(select(Report).where(Report.post_id == post.id, Report.reporter_id == user.id,
                                                      Report.state == ReportState.open.value))
    if existing is not None:
        return existing
    entry = Report(post_id=post.id, reporter_id=user.id, reason=reason, created_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    return entry


def open_reports():
    from webapp.accounts.models import User

    # Posts, their threads, authors and reporters (with roles, for the names) in one query.
    post = joinedload(Report.post)
    return db.session.scalars(
        select(Report).options(post.joinedload(Post.author).joinedload(User.role_grants),
                               post.joinedload(Post.thread),
                               joinedload(Report.reporter).joinedload(User.role_grants))
        .where(Report.state == ReportState.open.value).order_by(Report.id).limit(200)).unique().all()


def _resolve_reports(staff, post, state, outcome):
    """Close the open reports of `post`, telling each reporter the outcome."""
    reports = db.session.scalars(select(Report).where(Report.post_id == post.id,
                                                      Report.state == ReportState.open.value)).all()
    for entry in reports:
        entry.state, entry.resolved_at, entry.resolved_by_id, entry.outcome = state.value, utcnow(), staff.id, outcome
        if entry.reporter_id:
            title = ("您举报的帖子已被处理" if state is ReportState.upheld else "您举报的帖子经核查未发现违规")
            notify(entry.reporter_id, "forum.report_outcome", title,
                   body=f"主题{quoted(post.thread.title)}：{outcome}", link=post_path(post), sender=STAFF_SENDER)
    return reports


def hide_post(staff, post, reason):
    guard(rules.why_not_moderate(staff, post))
    reason = _reason(reason)
    if post.hidden_at is not None:
        raise Conflict("该帖已被隐藏", code="already_hidden")
    post.hidden_at, post.hidden_reason = utcnow(), reason
    audit.record(staff, ForumAction.hide_post, "forum_post", post.id, summary=f"隐藏帖子 #{post.number}：{post.thread.title}",
                 reason=reason)
    _resolve_reports(staff, post, ReportState.upheld, f"帖子已被隐藏（{reason}）")
    if post.author_id:
        notify(post.author_id, "forum.post_hidden", f"您在{quoted(post.thread.title)}中的帖子已被隐藏",
               body=reason, link=post_path(post), sender=STAFF_SENDER)
    db.session.flush()
    return post


def restore_post(staff, post, reason=None):
    guard(rules.why_not_moderate(staff, post))
    reason = _reason(reason, required=False)
    if post.hidden_at is None:
        raise Conflict("该帖没有被隐藏", code="not_hidden")
    post.hidden_at, post.hidden_reason = None, None
    audit.record(staff, ForumAction.restore_post, "forum_post", post.id, summary=f"恢复帖子 #{post.number}：{post.thread.title}",
                 reason=reason)
    db.session.flush()
    return post


def dismiss_reports(staff, post, reason=None):
    guard(rules.why_not_moderate(staff, post))
    reason = _reason(reason, required=False) or "经核查未发现违规"
    reports = _resolve_reports(staff, post, ReportState.dismissed, reason)
    if not reports:
        raise Conflict("该帖没有待处理的举报", code="no_open_reports")
    audit.record(staff, ForumAction.dismiss_report, "forum_post", post.id, summary=f"驳回对帖子 #{post.number} 的举报",
                 reason=reason)
    db.session.flush()
    return reports


def lock(staff, thread, reason=None):
    guard(rules.why_not_moderate(staff, thread))
    reason = _reason(reason, required=False)
    if thread.locked:
        raise Conflict("该主题已锁定", code="already_locked")
    thread.locked, thread.lock_reason = True, reason
    audit.record(staff, ForumAction.lock_thread, "forum_thread", thread.id, summary=f"锁定主题：{thread.title}", reason=reason)
    db.session.flush()
    return thread


def unlock(staff, thread, reason=None):
    guard(rules.why_not_moderate(staff, thread))
    reason = _reason(reason, required=False)
    if not thread.locked:
        raise Conflict("该主题没有锁定", code="not_locked")
    thread.locked, thread.lock_reason = False, None
    audit.record(staff, ForumAction.unlock_thread, "forum_thread", thread.id, summary=f"解除锁定：{thread.title}",
                 reason=reason)
    db.session.flush()
    return thread


def pin(staff, thread, reason=None):
    guard(rules.why_not_moderate(staff, thread))
    if thread.pinned:
        raise Conflict("该主题已置顶", code="already_pinned")
    thread.pinned = True
    audit.record(staff, ForumAction.pin_thread, "forum_thread", thread.id, summary=f"置顶主题：{thread.title}",
                 reason=_reason(reason, required=False))
    db.session.flush()
    return thread


def unpin(staff, thread, reason=None):
    guard(rules.why_not_moderate(staff, thread))
    if not thread.pinned:
        raise Conflict("该主题没有置顶", code="not_pinned")
    thread.pinned = False
    audit.record(staff, ForumAction.unpin_thread, "forum_thread", thread.id, summary=f"取消置顶：{thread.title}",
                 reason=_reason(reason, required=False))
    db.session.flush()
    return thread


def move(staff, thread, board_id, reason=None):
    guard(rules.why_not_moderate(staff, thread))
    reason = _reason(reason, required=False)
    target = db.session.get(Board, board_id) if isinstance(board_id, int) and board_id > 0 else None
    if target is None:
        raise ValidationError("找不到目标版块", fields={"board_id": "找不到目标版块"})
    if target.id == thread.board_id:
        raise Conflict("主题已在该版块", code="same_board")
    source = thread.board
    source.thread_count -= 1
    source.post_count -= thread.post_count
    target.thread_count += 1
    target.post_count += thread.post_count
    target.last_post_at = max(filter(None, [target.last_post_at, thread.last_post_at]))
    audit.record(staff, ForumAction.move_thread, "forum_thread", thread.id,
                 summary=f"移动主题：{thread.title}（{source.name} → {target.name}）", reason=reason,
                 data={"from": source.id, "to": target.id})
    thread.board_id = target.id
    thread.board = target
    db.session.flush()
    return thread


def suspend(staff, user, until, reason):
    """No posting in the forum until `until` (naive UTC)."""
    guard(rules.why_not_moderate(staff, user))
    reason = _reason(reason)
    if until is None or until <= utcnow():
        raise ValidationError("截止时间必须晚于现在", fields={"until": "截止时间必须晚于现在"})
    if user.id == staff.id:
        raise Conflict("不能禁言自己", code="self")
    entry = ForumSuspension(user_id=user.id, until=until, reason=reason, created_by_id=staff.id, created_at=utcnow())
    db.session.add(entry)
    from webapp.core.timeutil import to_local

    shown = to_local(until).strftime("%Y-%m-%d %H:%M")
    audit.record(staff, ForumAction.suspend_user, "user", user.id, summary=f"在科技社区禁言 {user.username} 至 {shown}",
                 reason=reason)
    notify(user, "forum.suspended", f"您在科技社区被禁言至 {shown}", body=reason, sender=STAFF_SENDER)
    rules.forget_suspensions()
    db.session.flush()
    return entry


def lift_suspension(staff, user, reason=None):
    guard(rules.why_not_moderate(staff, user))
    entries = db.session.scalars(select(ForumSuspension).where(ForumSuspension.user_id == user.id,
                                                               ForumSuspension.lifted_at.is_(None),
                                                               ForumSuspension.until > utcnow())).all()
    if not entries:
        raise Conflict("该用户没有被禁言", code="not_suspended")
    for entry in entries:
        entry.lifted_at = utcnow()
    audit.record(staff, ForumAction.lift_suspension, "user", user.id, summary=f"解除 {user.username} 的禁言",
                 reason=_reason(reason, required=False))
    rules.forget_suspensions()
    db.session.flush()
    return entries


def save_board(staff, board, slug, name, description, group_name, position):
    """Create (board=None) or change a board."""
    guard(rules.why_not_moderate(staff, board))
    problems = {}
    name = (name or "").strip()
    if not name or len(name) > BOARD_NAME_MAX:
        problems["name"] = f"名称必填，不超过 {BOARD_NAME_MAX} 个字"
    if len(description or "") > BOARD_DESCRIPTION_MAX:
        problems["description"] = f"简介不能超过 {BOARD_DESCRIPTION_MAX} 个字"
    import re

    slug = (slug or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9-]{1,64}", slug):
        problems["slug"] = "只能用小写字母、数字和连字符"
    else:
        other = db.session.scalar(select(Board).where(Board.slug == slug))
        if other is not None and other is not board:
            problems["slug"] = "该标识已被使用"
    if problems:
        raise ValidationError(fields=problems)
    new = board is None
    if new:
        board = Board(slug=slug, name=name, created_at=utcnow())
        db.session.add(board)
    board.slug, board.name, board.description = slug, name, (description or "").strip()
    board.group_name, board.position = (group_name or "").strip()[:32], int(position or 0)
    db.session.flush()
    audit.record(staff, ForumAction.create_board if new else ForumAction.update_board, "forum_board", board.id,
                 summary=f"{'新建' if new else '修改'}版块：{name}")
    return board
