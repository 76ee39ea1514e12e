"""Who may act on accounts: one rule per staff action.

`why_not_<action>(actor, …)` returns the ServiceError refusing the action, or None;
`can_<action>` is the same rule as a bool. The services guard with the first; the staff
pages (views and templates) show a button exactly when the second is true.
"""
from webapp.core.errors import AuthenticationRequired, Conflict, PermissionDenied
from webapp.core.permissions import is_authenticated, is_staff


def _admin_refusal(actor, message=None):
    if not is_authenticated(actor):
        return AuthenticationRequired()
    if not actor.is_admin:
        return PermissionDenied(message)
    return None


def _staff_refusal(actor):
    if not is_authenticated(actor):
        return AuthenticationRequired()
    if not is_staff(actor):
        return PermissionDenied()
    return None


def why_not_grant_role(actor, user):
    return _admin_refusal(actor, "只有管理员可以授予角色")


def why_not_revoke_role(actor, user, role):
    refusal = _admin_refusal(actor, "只有管理员可以撤销角色")
    if refusal:
        return refusal
    if str(role) == "admin" and user.id == actor.id:
        return Conflict("不能撤销自己的管理员角色")
    return None


def why_not_suspend(actor, user):
    refusal = _staff_refusal(actor)
    if refusal:
        return refusal
    if user.id == actor.id:
        return Conflict("不能停用自己的账号")
    if user.is_admin and not actor.is_admin:
        return PermissionDenied("只有管理员可以停用管理员账号")
    return None


def why_not_unsuspend(actor, user):
    refusal = _staff_refusal(actor)
    if refusal:
        return refusal
    if user.is_admin and not actor.is_admin:
        return PermissionDenied("只有管理员可以恢复管理员账号")
    if not user.is_suspended:
        return Conflict("该账号未被停用")
    return None


def why_not_decide_verification(actor, req):
    refusal = _staff_refusal(actor)
    if refusal:
        return refusal
    # Nobody decides their own verification, an administrator neither: a staff member could
    # otherwise apply under any identity and approve it.
    if req.user_id == actor.id:
        return PermissionDenied("不能审核自己的实名认证申请，须由其他工作人员审核")
    if req.state != "pending":
        return Conflict("该申请已处理")
    return None


def can_grant_role(actor, user):
    return why_not_grant_role(actor, user) is None


def can_revoke_role(actor, user, role):
    return why_not_revoke_role(actor, user, role) is None


def can_decide_verification(actor, req):
    return why_not_decide_verification(actor, req) is None


def can_suspend(actor, user):
    return why_not_suspend(actor, user) is None


def can_unsuspend(actor, user):
    return why_not_unsuspend(actor, user) is None
