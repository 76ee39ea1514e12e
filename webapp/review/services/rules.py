"""Who may do what in review: one `why_not_<action>(user, obj)` per action (None = allowed),
and its `can_<action>` twin for pages, the API's `permissions` and templates.

Anonymity (decided here, documented in README): in a double-blind call reviewers never see
who the authors are, and authors never see who reviewed; single-blind shows reviewers the
authors but not the other way; an open call shows both.
"""
from webapp.core.db import utcnow
from webapp.core.errors import Conflict, NotFound, PermissionDenied
from webapp.core.permissions import is_authenticated, is_staff
from webapp.review.models import Anonymity, AssignmentState, CallState, SubmissionState


def _can(rule):
    def can(user, obj=None):
        return (rule(user) if obj is None else rule(user, obj)) is None
    can.__name__ = rule.__name__.replace("why_not_", "can_")
    return can


def why_not_manage(user, call=None):
    if not is_staff(user):
        return PermissionDenied("只有科协工作人员（组织者）可以管理评审")
    return None


def why_not_submit(user, call):
    if not is_authenticated(user):
        return PermissionDenied("请先登录")
    if call.state != CallState.open.value:
        return Conflict("该征集已结束")
    now = utcnow()
    if now < call.submission_opens:
        return Conflict("征集尚未开始")
    if now >= call.submission_closes:
        return Conflict("已过提交截止时间")
    return None


def is_author(user, submission):
    return is_authenticated(user) and submission.author_id == user.id


def why_not_view_submission(user, submission):
    if is_author(user, submission) or is_staff(user):
        return None
    return NotFound("找不到该申报")


def why_not_revise(user, submission):
    if not is_author(user, submission):
        return PermissionDenied("只有提交人可以修改")
    if submission.state != SubmissionState.submitted.value:
        return Conflict("该申报已撤回或已有评审结果")
    if utcnow() >= submission.call.submission_closes:
        return Conflict("已过提交截止时间，不能再修改")
    return None


def why_not_withdraw(user, submission):
    if not is_author(user, submission):
        return PermissionDenied("只有提交人可以撤回")
    if submission.state != SubmissionState.submitted.value or submission.call.state != CallState.open.value:
        return Conflict("该申报已撤回或已有评审结果")
    return None


def why_not_view_assignment(user, assignment):
    if is_authenticated(user) and assignment.reviewer_id == user.id \
            and assignment.state != AssignmentState.alternate.value:
        return None
    return NotFound("找不到该评审任务")


def why_not_review(user, assignment):
    refusal = why_not_view_assignment(user, assignment)
    if refusal:
        return refusal
    if assignment.state != AssignmentState.assigned.value:
        return Conflict("该评审任务已提交或已谢绝")
    if assignment.call.state != CallState.open.value or utcnow() >= assignment.call.review_due:
        return Conflict("已过评审截止时间")
    return None


def why_not_decline(user, assignment):
    refusal = why_not_view_assignment(user, assignment)
    if refusal:
        return refusal
    if assignment.state != AssignmentState.assigned.value:
        return Conflict("只能谢绝尚未提交的评审任务")
    return None


def why_not_see_other_reviews(user, assignment):
    """No peeking: a reviewer sees the others' reviews only once theirs is submitted."""
    refusal = why_not_view_assignment(user, assignment)
    if refusal:
        return refusal
    if assignment.state != AssignmentState.submitted.value:
        return PermissionDenied("提交自己的评审意见后才能看到其他专家的意见")
    return None


def why_not_see_decision(user, submission):
    refusal = why_not_view_submission(user, submission)
    if refusal:
        return refusal
    if not is_staff(user) and submission.call.state != CallState.decided.value:
        return PermissionDenied("评审结果尚未公布")
    return None


def reviewer_sees_authors(call):
    return call.anonymity != Anonymity.double_blind.value


def author_sees_reviewers(call):
    return call.anonymity == Anonymity.open.value


can_manage = _can(why_not_manage)
can_submit = _can(why_not_submit)
can_view_submission = _can(why_not_view_submission)
can_revise = _can(why_not_revise)
can_withdraw = _can(why_not_withdraw)
can_view_assignment = _can(why_not_view_assignment)
can_review = _can(why_not_review)
can_decline = _can(why_not_decline)
can_see_other_reviews = _can(why_not_see_other_reviews)
can_see_decision = _can(why_not_see_decision)
