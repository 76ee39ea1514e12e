"""Reviewing: a reviewer's assignments, drafts, submission before the deadline, declining,
and reminders for late reviewers (`flask review remind`)."""
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy.orm import joinedload

from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.review.models import (
    COMMENT_MAX,
    REASON_MAX,
    AssignmentState,
    CallState,
    Recommendation,
    Review,
    ReviewAssignment,
    ReviewCall,
)
from webapp.review.services.rules import (
    why_not_decline,
    why_not_review,
    why_not_see_other_reviews,
    why_not_view_assignment,
)

STAFF_SENDER = "科协工作人员"


def weighted_score(call, scores):
    """Σ w_c · (s_c − min_c)/(max_c − min_c) / Σ w_c × 100: every criterion on its own scale,
    the result on 0–100. None unless every criterion is scored."""
    total = weights = 0.0
    for c in call.criteria:
        value = scores.get(c.name)
        if value is None:
            return None
        total += c.weight * (float(value) - c.min_score) / (c.max_score - c.min_score)
        weights += c.weight
    return round(total / weights * 100, 4) if weights else None


def my_assignments(user):
    return (ReviewAssignment.query.options(joinedload(ReviewAssignment.submission), joinedload(ReviewAssignment.call))
            .filter(ReviewAssignment.reviewer_id == user.id,
                                          ReviewAssignment.state != AssignmentState.alternate.value)
            .order_by(ReviewAssignment.created_at.desc(), ReviewAssignment.id.desc()).all())


def get_assignment(assignment_id, user):
    a = get_by_id(ReviewAssignment, assignment_id)
    if a is None:
        raise NotFound("找不到该评审任务")
    guard(why_not_view_assignment(user, a))
    return a


def review_problems(call, scores, recommendation, to_authors, to_organisers, submit):
    problems = {}
    by_name = {c.name: c for c in call.criteria}
    scores = scores or {}
    if not isinstance(scores, dict):
        return {"scores": "评分格式有误"}
    unknown = [name for name in scores if name not in by_name]
    if unknown:
        problems["scores"] = f"没有这项指标：{unknown[0]}"
    for name, c in by_name.items():
        value = scores.get(name)
        if value is None:
            if submit:
                problems[f"score_{c.position}"] = problems.get("scores") or f"请为“{name}”打分"
                problems.setdefault("scores", f"请为“{name}”打分")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not c.min_score <= value <= c.max_score:
            problems[f"score_{c.position}"] = f"“{name}”的分数应在 {c.min_score}–{c.max_score} 之间"
            problems.setdefault("scores", problems[f"score_{c.position}"])
    if recommendation is not None and recommendation not in {r.value for r in Recommendation}:
        problems["recommendation"] = "请选择推荐意见"
    elif submit and recommendation is None:
        problems["recommendation"] = "请选择推荐意见"
    if len(to_authors or "") > COMMENT_MAX:
        problems["comments_to_authors"] = f"不能超过 {COMMENT_MAX} 个字"
    if len(to_organisers or "") > COMMENT_MAX:
        problems["comments_to_organisers"] = f"不能超过 {COMMENT_MAX} 个字"
    if submit and len((to_authors or "").strip()) < 10:
        problems["comments_to_authors"] = "提交前请写下给作者的意见（至少 10 个字）"
    return problems


def save_review(user, assignment, scores, recommendation=None, comments_to_authors="", comments_to_organisers="",
                submit=False):
    """Save the reviewer's draft, or submit it (then it is final)."""
    guard(why_not_review(user, assignment))
    call = assignment.call
    problems = review_problems(call, scores, recommendation, comments_to_authors, comments_to_organisers, submit)
    if problems:
        raise ValidationError(fields=problems)
    review = assignment.review or Review(assignment=assignment)
    review.scores = {c.name: scores[c.name] for c in call.criteria if (scores or {}).get(c.name) is not None}
    review.recommendation = recommendation
    review.comments_to_authors = (comments_to_authors or "").strip()
    review.comments_to_organisers = (comments_to_organisers or "").strip()
    review.weighted_score = weighted_score(call, review.scores)
    review.updated_at = utcnow()
    if submit:
        review.submitted_at = utcnow()
        assignment.state = AssignmentState.submitted.value
    db.session.add(review)
    db.session.flush()
    return review


def decline(user, assignment, reason):
    guard(why_not_decline(user, assignment))
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= REASON_MAX:
        raise ValidationError(fields={"reason": f"请说明谢绝的原因（2–{REASON_MAX} 个字）"})
    assignment.state = AssignmentState.declined.value
    assignment.decline_reason = reason
    if assignment.review is not None:
        db.session.delete(assignment.review)
    db.session.flush()
    from webapp.review.services.pool import pool

    for staff in _organisers(assignment.call, pool):
        notify(staff, "review.declined", f"评审专家谢绝了申报 #{assignment.submission_id} 的评审",
               reason, link=url_for("review.manage", call_id=assignment.call_id))
    return assignment


def _organisers(call, _pool):
    from webapp.accounts.models import User

    return [u for u in [db.session.get(User, call.created_by_id)] if u is not None]


def other_reviews(user, assignment):
    """The submitted reviews of the same submission, once the viewer's own is submitted."""
    guard(why_not_see_other_reviews(user, assignment))
    return [a.review for a in ReviewAssignment.query.filter(
        ReviewAssignment.submission_id == assignment.submission_id, ReviewAssignment.id != assignment.id,
        ReviewAssignment.state == AssignmentState.submitted.value).order_by(ReviewAssignment.id) if a.review]


def remind(now=None):
    """Remind each reviewer whose review is due within REVIEW_REMIND_DAYS (or overdue) once
    per assignment; running it again sends nothing twice. Returns the number sent."""
    now = now or utcnow()
    horizon = now + timedelta(days=current_app.config.get("REVIEW_REMIND_DAYS", 3))
    due = (ReviewAssignment.query.join(ReviewCall, ReviewCall.id == ReviewAssignment.call_id)
           .filter(ReviewAssignment.state == AssignmentState.assigned.value, ReviewAssignment.reminded_at.is_(None),
                   ReviewCall.state == CallState.open.value, ReviewCall.review_due <= horizon,
                   ReviewCall.submission_closes <= now).all())
    for a in due:
        late = now >= a.call.review_due
        notify(a.reviewer, "review.reminder", ("评审已逾期：" if late else "评审即将截止：") + a.call.title,
               f"评审截止时间：{a.call.review_due:%Y-%m-%d %H:%M}（UTC）",
               link=url_for("review.assignment", assignment_id=a.id), sender=STAFF_SENDER)
        a.reminded_at = now
    db.session.flush()
    return len(due)
