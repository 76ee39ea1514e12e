"""Staff queries: who may list users, read the verification queue and the audit log.

The account rules themselves (roles, suspension, verification decisions) live in
`webapp.accounts.services`; these functions add the staff check to the read side, so the
pages and the API refuse members in the same place.
"""
from sqlalchemy import and_, or_

from webapp.accounts import rules
from webapp.accounts import services as accounts
from webapp.accounts.models import Role, VerificationState
from webapp.core import audit
from webapp.core.audit import query_log
from webapp.core.errors import NotFound, ValidationError
from webapp.core.models import AuditLog
from webapp.core.permissions import guard, require_staff
from webapp.extensions import db

USER_STATES = {"suspended": "已停用", "verified": "已实名认证"}

def action_title(code):
    """The Chinese title of an audit action code (each capability registers its own)."""
    return audit.action_title(code)


def parse_role(value):
    try:
        return Role(str(value or "").strip())
    except ValueError:
        raise ValidationError("未知的角色", fields={"role": "未知的角色"}) from None


def parse_verification_state(value):
    try:
        return VerificationState(str(value or VerificationState.pending.value).strip())
    except ValueError:
        raise ValidationError("未知的审核状态", fields={"state": "只能是 pending、approved 或 rejected"}) from None


# ---------------------------------------------------------------- users

def list_users(actor, q=None, role=None, state=None):
    """Users matching a search, newest first. Unknown filters are refused, not ignored."""
    require_staff(actor)
    if role:
        role = parse_role(role)
    if state and state not in USER_STATES:
        raise ValidationError("未知的用户状态", fields={"state": "只能是 suspended 或 verified"})
    return accounts.search_users(q=(q or "").strip() or None, role=role, state=state or None)


def get_user(actor, user_id):
    require_staff(actor)
    return accounts.get_user(user_id)


def grant_role(actor, user, role):
    guard(rules.why_not_grant_role(actor, user))
    return accounts.grant_role(actor, user, parse_role(role))


def revoke_role(actor, user, role):
    guard(rules.why_not_grant_role(actor, user))  # only administrators change roles
    return accounts.revoke_role(actor, user, parse_role(role))


def dashboard_counts(actor):
    require_staff(actor)
    return accounts.account_counts()


# ---------------------------------------------------------------- verification

def list_verifications(actor, state=VerificationState.pending):
    """The queue: pending requests oldest first; decided ones most recently decided first."""
    require_staff(actor)
    state = parse_verification_state(state)
    return accounts.verification_queue(state)


def get_verification(actor, request_id):
    require_staff(actor)
    req = accounts.find_verification(request_id)
    if req is None:
        raise NotFound("找不到该认证申请")
    return req


def verification_counts(actor):
    require_staff(actor)
    return accounts.verification_counts()


# ---------------------------------------------------------------- audit log

def audit_log(actor, action=None, object_type=None, object_id=None):
    require_staff(actor)
    q = query_log(action=action or None, object_type=object_type or None)
    if object_id:
        q = q.filter(AuditLog.object_id == object_id)
    return q


def audit_actions(actor):
    """Every action that appears in the log, for the filter."""
    require_staff(actor)
    return [a for (a,) in db.session.query(AuditLog.action).distinct().order_by(AuditLog.action)]


def audit_about_user(actor, user, limit=20):
    """Recent entries whose object is the user or one of their verification requests."""
    require_staff(actor)
    request_ids = accounts.verification_ids_of(user)
    return query_log().filter(or_(
        and_(AuditLog.object_type == "user", AuditLog.object_id == user.id),
        and_(AuditLog.object_type == "verification_request", AuditLog.object_id.in_(request_ids)),
    )).limit(limit).all()
