"""The editorial workflow shared by articles and videos:

draft → submitted → changes_requested (back to the author) | rejected | approved
(public at its publication time: now, or scheduled) → published (`publish_due`).

One function per transition; each refuses an illegal one, writes the audit log and tells
the author. Services flush; the caller's unit of work commits.
"""
from datetime import datetime

from webapp.core import audit
from webapp.core.db import utcnow
from webapp.core.errors import ValidationError
from webapp.core.permissions import guard
from webapp.core.text import quoted
from webapp.core.urls import path_for
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.science.models import COMMENT_MAX, Article, ContentState, ScienceAction, Video
from webapp.science.services.rules import why_not_review, why_not_submit

DECISIONS = ("approve", "changes", "reject")
DECISION_TITLES = {"approve": "通过", "changes": "退回修改", "reject": "拒绝"}


def item_url(item):
    if isinstance(item, Video):
        return path_for("science.video", video_id=item.id)
    return path_for("science.article", article_id=item.id)


def _kind_title(item):
    return "科普视频" if isinstance(item, Video) else "科普文章"


def submit(user, item):
    """The author sends a draft (or a revised one) to the editors."""
    guard(why_not_submit(user, item))
    item.state = ContentState.submitted.value
    item.submitted_at = utcnow()
    # Marked 专家 when a verified expert submits it.
    item.expert = bool(getattr(user, "is_verified", False))
    audit.record(user, ScienceAction.submit, item.kind, item.id, summary=f"提交{_kind_title(item)} {item.title}")
    db.session.flush()
    return item


def review(user, item, decision, comment="", publish_at=None):
    """An editor approves (publishing now or at `publish_at`), asks for changes or rejects."""
    guard(why_not_review(user, item))
    comment = (comment or "").strip()
    problems = {}
    if decision not in DECISIONS:
        problems["decision"] = "审核结论只能是 approve、changes 或 reject"
    if len(comment) > COMMENT_MAX:
        problems["comment"] = f"审核意见不能超过 {COMMENT_MAX} 字"
    if decision in ("changes", "reject") and not comment:
        problems["comment"] = "退回修改或拒绝时请写明审核意见"
    now = utcnow()
    if publish_at is not None:
        if not isinstance(publish_at, datetime):
            problems["publish_at"] = "发布时间格式有误"
        else:
            if publish_at.tzinfo is not None:
                from datetime import UTC

                publish_at = publish_at.astimezone(UTC).replace(tzinfo=None)
            if decision != "approve":
                problems["publish_at"] = "只有通过的稿件可以设定发布时间"
    if problems:
        raise ValidationError(fields=problems)
    item.reviewer_id = user.id
    item.review_comment = comment or None
    if decision == "approve":
        when = publish_at if publish_at is not None and publish_at > now else now
        item.published_at = when
        item.state = ContentState.published.value if when <= now else ContentState.approved.value
        action, message = ScienceAction.approve, "已通过审核" + ("并发布" if when <= now else "，将按时发布")
    elif decision == "changes":
        item.state = ContentState.changes_requested.value
        action, message = ScienceAction.request_changes, "需要修改"
    else:
        item.state = ContentState.rejected.value
        action, message = ScienceAction.reject, "未通过审核"
    audit.record(user, action, item.kind, item.id, summary=f"{DECISION_TITLES[decision]} {item.title}",
                 reason=comment or None, data={"publish_at": item.published_at.isoformat()
                                               if decision == "approve" else None})
    from webapp.science.services.cache import clear

    clear("tag_cloud", "related")
    notify(item.author_id, "science.review", f"你的{_kind_title(item)}{quoted(item.title)}{message}",
           body=comment, link=item_url(item), actor=user)
    db.session.flush()
    return item


def publish_due(now=None):
    """Mark approved content whose publication time has come as published. Returns how many."""
    now = now or utcnow()
    count = 0
    for model in (Article, Video):
        due = model.query.filter(model.state == ContentState.approved.value, model.published_at <= now).all()
        for item in due:
            item.state = ContentState.published.value
            audit.record(None, ScienceAction.publish, item.kind, item.id, summary=f"按时发布 {item.title}")
            count += 1
    db.session.flush()
    return count


def publish_directly(actor, item, when):
    """The importer's step: content written by the association is published at `when`."""
    item.state = ContentState.published.value if when <= utcnow() else ContentState.approved.value
    item.published_at = when
    item.submitted_at = item.submitted_at or when
    item.expert = bool(getattr(item.author, "is_verified", False))
    audit.record(actor, ScienceAction.imported, item.kind, item.id, summary=f"导入 {item.title}")
