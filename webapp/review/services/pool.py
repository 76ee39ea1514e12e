"""The reviewer pool of a call: every user with the reviewer role, plus those organisers
invited, minus those they removed. Reviewers keep expertise tags and declared conflicts."""
from sqlalchemy import or_

from webapp.accounts.models import User, UserRole
from webapp.core import audit
from webapp.core.db import utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.review.models import CallReviewer, PoolState, ReviewAction, ReviewerProfile
from webapp.review.services.rules import why_not_manage


def _pool_query(call):
    """Users with the reviewer role or invited to `call`, not removed from it, not suspended."""
    invited = db.session.query(CallReviewer.user_id).filter(CallReviewer.call_id == call.id,
                                                            CallReviewer.state == PoolState.invited.value)
    removed = db.session.query(CallReviewer.user_id).filter(CallReviewer.call_id == call.id,
                                                            CallReviewer.state == PoolState.removed.value)
    reviewers = db.session.query(UserRole.user_id).filter(UserRole.role == "reviewer")
    return User.query.filter(or_(User.id.in_(reviewers), User.id.in_(invited)), User.id.not_in(removed),
                             User.suspended_at.is_(None))


def pool_ids(call):
    return {uid for (uid,) in _pool_query(call).with_entities(User.id)}


def pool(call):
    return _pool_query(call).order_by(User.id).all()


def _set(user, call, reviewer, state):
    guard(why_not_manage(user, call))
    row = CallReviewer.query.filter_by(call_id=call.id, user_id=reviewer.id).first()
    if row is None:
        row = CallReviewer(call_id=call.id, user_id=reviewer.id, state=state)
        db.session.add(row)
    row.state = state
    audit.record(user, ReviewAction.pool, "review_call", call.id,
                 summary=f"{PoolState(state).title}：{reviewer.username}")
    db.session.flush()


def invite(user, call, username):
    reviewer = User.query.filter_by(username=(username or "").strip()).first()
    if reviewer is None:
        raise ValidationError(fields={"username": "没有该用户名的用户"})
    _set(user, call, reviewer, PoolState.invited.value)
    return reviewer


def remove(user, call, reviewer_id):
    reviewer = db.session.get(User, reviewer_id)
    if reviewer is None:
        raise NotFound("找不到该专家")
    _set(user, call, reviewer, PoolState.removed.value)


def profile_of(user_id):
    return db.session.get(ReviewerProfile, user_id)


def profiles(ids):
    return {p.user_id: p for p in ReviewerProfile.query.filter(ReviewerProfile.user_id.in_(list(ids)))} if ids else {}


def _tags(text):
    if isinstance(text, str):
        text = text.replace("，", ",").replace("；", ",").replace(";", ",").replace("\n", ",").split(",")
    out = []
    for t in text or []:
        t = str(t).strip()
        if t and t not in out:
            out.append(t[:64])
    return out


def save_profile(user, expertise, conflict_emails):
    tags, emails = _tags(expertise), [e.lower() for e in _tags(conflict_emails)]
    if len(tags) > 30:
        raise ValidationError(fields={"expertise": "专长标签不能超过 30 个"})
    bad = [e for e in emails if "@" not in e]
    if bad or len(emails) > 50:
        raise ValidationError(fields={"conflict_emails": "请填写有效的邮箱地址（最多 50 个）"})
    profile = profile_of(user.id) or ReviewerProfile(user_id=user.id)
    profile.expertise, profile.conflict_emails, profile.updated_at = tags, emails, utcnow()
    db.session.add(profile)
    db.session.flush()
    return profile
