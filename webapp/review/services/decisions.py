"""Decisions: accept / reject (project applications) or an award level (paper awards), then
publishing the results, which notifies every author. Authors then see the decision and the
reviewers' comments to authors, anonymised (评审专家 1, 2, …) unless the call is open;
confidential comments to organisers never leave the organisers' pages."""
from flask import url_for

from webapp.core import audit
from webapp.core.db import utcnow
from webapp.core.errors import Conflict, ValidationError
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.review.models import (
    AssignmentState,
    AwardLevel,
    CallKind,
    CallState,
    ReviewAction,
    ReviewAssignment,
    SubmissionState,
)
from webapp.review.services.rules import author_sees_reviewers, why_not_manage, why_not_see_decision
from webapp.review.services.submissions import active_submissions

STAFF_SENDER = "科协工作人员"


def decision_choices(call):
    if call.kind == CallKind.paper_award.value:
        return [(a.value, a.title) for a in AwardLevel] + [("reject", "未获奖")]
    return [("accept", "录用 / 立项"), ("reject", "不录用 / 不立项")]


def decide(user, submission, decision):
    guard(why_not_manage(user))
    call = submission.call
    if call.state != CallState.open.value:
        raise Conflict("结果已公布，不能再修改")
    if submission.state == SubmissionState.withdrawn.value:
        raise Conflict("该申报已撤回")
    if decision not in {v for v, _ in decision_choices(call)}:
        raise ValidationError(fields={"decision": "请选择评审结果"})
    if decision == "reject":
        submission.state, submission.award_level = SubmissionState.rejected.value, None
    else:
        submission.state = SubmissionState.accepted.value
        submission.award_level = decision if decision in {a.value for a in AwardLevel} else None
    submission.decided_at = utcnow()
    audit.record(user, ReviewAction.decide, "review_submission", submission.id, summary=decision_title(submission))
    db.session.flush()
    return submission


def decision_title(submission):
    if submission.state == SubmissionState.accepted.value:
        return submission.award_enum.title if submission.award_enum else "已录用"
    if submission.state == SubmissionState.rejected.value:
        return "未获奖" if submission.call.kind == CallKind.paper_award.value else "未录用"
    return None


def publish(user, call):
    """Publish the decisions: every active submission must have one; authors are notified."""
    guard(why_not_manage(user, call))
    if call.state != CallState.open.value:
        raise Conflict("结果已经公布")
    submissions = active_submissions(call)
    undecided = [s for s in submissions if s.state == SubmissionState.submitted.value]
    if undecided:
        raise Conflict(f"还有 {len(undecided)} 篇申报没有评审结果")
    call.state, call.decided_at = CallState.decided.value, utcnow()
    for s in submissions:
        notify(s.author, "review.decision", f"评审结果已公布：{s.title}", decision_title(s),
               link=url_for("review.submission", submission_id=s.id), sender=STAFF_SENDER)
    audit.record(user, ReviewAction.publish, "review_call", call.id, summary=call.title)
    db.session.flush()
    return call


def comments_for_author(user, submission):
    """[(label, comments)] of the submitted reviews, as the author may read them."""
    guard(why_not_see_decision(user, submission))
    out = []
    rows = (ReviewAssignment.query.filter_by(submission_id=submission.id, state=AssignmentState.submitted.value)
            .order_by(ReviewAssignment.id).all())
    named = author_sees_reviewers(submission.call)
    for n, a in enumerate(rows, 1):
        if a.review and a.review.comments_to_authors:
            label = a.reviewer.display_name if named else f"评审专家 {n}"
            out.append((label, a.review.comments_to_authors))
    return out
