"""Calls (征集): created by organisers with their review form (criteria)."""
from datetime import datetime

from webapp.core import audit
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard, is_staff
from webapp.extensions import db
from webapp.review.models import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Anonymity,
    CallKind,
    CallState,
    ReviewAction,
    ReviewCall,
    ReviewCriterion,
)
from webapp.review.services.rules import why_not_manage

DEFAULT_CRITERIA = [
    {"name": "创新性", "weight": 0.3, "min": 1, "max": 10},
    {"name": "科学性", "weight": 0.3, "min": 1, "max": 10},
    {"name": "应用价值", "weight": 0.25, "min": 1, "max": 10},
    {"name": "规范性", "weight": 0.15, "min": 1, "max": 10},
]
MAX_CRITERIA = 12


def criteria_problems(criteria):
    """Why a list of criteria is not a review form, or None."""
    if not criteria:
        return "至少需要一项评分指标"
    if len(criteria) > MAX_CRITERIA:
        return f"评分指标不能超过 {MAX_CRITERIA} 项"
    names = set()
    for c in criteria:
        name = str(c.get("name") or "").strip()
        if not name or len(name) > 32:
            return "每项指标需要 1–32 个字的名称"
        if name in names:
            return f"指标名称重复：{name}"
        names.add(name)
        try:
            weight, low, high = float(c.get("weight")), int(c.get("min")), int(c.get("max"))
        except (TypeError, ValueError):
            return f"指标“{name}”的权重或分值范围不是数字"
        if not 0 < weight <= 100:
            return f"指标“{name}”的权重必须大于 0"
        if not 0 <= low < high <= 100:
            return f"指标“{name}”的分值范围无效（0 ≤ 最低分 < 最高分 ≤ 100）"
    return None


def call_problems(title, kind, anonymity, opens, closes, due, k, max_load, criteria):
    problems = {}
    title = (title or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        problems["title"] = f"标题需要 {TITLE_MIN}–{TITLE_MAX} 个字"
    if kind not in {c.value for c in CallKind}:
        problems["kind"] = "请选择征集类型"
    if anonymity not in {a.value for a in Anonymity}:
        problems["anonymity"] = "请选择匿名方式"
    if not isinstance(opens, datetime):
        problems["submission_opens"] = "请填写开始时间"
    if not isinstance(closes, datetime):
        problems["submission_closes"] = "请填写截止时间"
    elif isinstance(opens, datetime) and closes <= opens:
        problems["submission_closes"] = "截止时间必须晚于开始时间"
    if not isinstance(due, datetime):
        problems["review_due"] = "请填写评审截止时间"
    elif isinstance(closes, datetime) and due <= closes:
        problems["review_due"] = "评审截止时间必须晚于提交截止时间"
    if not isinstance(k, int) or not 1 <= k <= 10:
        problems["reviewers_per_submission"] = "每篇的评审专家人数为 1–10"
    if not isinstance(max_load, int) or not 1 <= max_load <= 200:
        problems["max_load"] = "每位专家的评审上限为 1–200"
    problem = criteria_problems(criteria)
    if problem:
        problems["criteria"] = problem
    return problems


def create_call(user, title, kind, anonymity, submission_opens, submission_closes, review_due,
                reviewers_per_submission=3, max_load=10, criteria=None, description="", disciplines=(),
                max_pages=30, max_mb=10):
    guard(why_not_manage(user))
    criteria = DEFAULT_CRITERIA if criteria is None else criteria
    problems = call_problems(title, kind, anonymity, submission_opens, submission_closes, review_due,
                             reviewers_per_submission, max_load, criteria)
    if len(description or "") > DESCRIPTION_MAX:
        problems["description"] = f"说明不能超过 {DESCRIPTION_MAX} 个字"
    if problems:
        raise ValidationError(fields=problems)
    call = ReviewCall(title=title.strip(), kind=kind, anonymity=anonymity, description=(description or "").strip(),
                      submission_opens=submission_opens, submission_closes=submission_closes, review_due=review_due,
                      reviewers_per_submission=reviewers_per_submission, max_load=max_load,
                      disciplines=[d.strip() for d in disciplines if d and d.strip()],
                      max_pages=max_pages, max_mb=max_mb, created_by_id=user.id)
    for position, c in enumerate(criteria):
        call.criteria.append(ReviewCriterion(name=str(c["name"]).strip(), weight=float(c["weight"]),
                                             min_score=int(c["min"]), max_score=int(c["max"]), position=position))
    db.session.add(call)
    db.session.flush()
    audit.record(user, ReviewAction.create_call, "review_call", call.id, summary=call.title)
    return call


def get_call(call_id):
    call = get_by_id(ReviewCall, call_id)
    if call is None:
        raise NotFound("找不到该征集")
    return call


def list_calls():
    return ReviewCall.query.order_by(ReviewCall.submission_opens.desc(), ReviewCall.id.desc()).all()


PHASES = {"upcoming": "未开始", "submission": "征集中", "review": "评审中", "decided": "已公布结果"}


def phase(call, now=None):
    now = now or utcnow()
    if call.state == CallState.decided.value:
        return "decided"
    if now < call.submission_opens:
        return "upcoming"
    if now < call.submission_closes:
        return "submission"
    return "review"


def staff_viewer(user):
    return is_staff(user)
