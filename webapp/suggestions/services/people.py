"""The people suggestions concern, asked of the accounts capability: leaders and staff."""
from webapp.accounts import services as accounts
from webapp.accounts.models import Role
from webapp.core.errors import NotFound, ValidationError


def leaders_query():
    """Verified, active users holding the leader role: who suggestions may be addressed to."""
    return accounts.users_with_role(Role.leader, verified=True)


def leaders():
    return leaders_query().all()


def leader_names():
    """(id, display_name, real_name, position) of the leaders, for the pages' selects."""
    return accounts.names_with_role(Role.leader, verified=True)


def get_leader(leader_id):
    user = accounts.find_user_by_id(leader_id)
    if user is None or not user.is_verified_leader or user.is_suspended:
        raise NotFound("找不到该领导")
    return user


def staff_users():
    return accounts.users_with_role(Role.staff, Role.admin).all()


def assignable_leader(leader_id):
    if leader_id in (None, ""):
        raise ValidationError("请选择领导", fields={"leader_id": "请选择领导"})
    try:
        return get_leader(leader_id)
    except NotFound:
        raise ValidationError("请选择一位已实名认证的领导", fields={"leader_id": "不是已认证的领导"}) from None
