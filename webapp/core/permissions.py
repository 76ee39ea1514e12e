"""Who may act: the guards services call, and view decorators for roles.

Services check every permission themselves (`require_login`, `require_role`, and each
capability's `can_<action>(user, obj)` rules); the view decorators only send a visitor to
the login page or a 403 early, before a form is built.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from webapp.core.errors import AuthenticationRequired, PermissionDenied

STAFF_ROLES = ("staff", "admin")


def is_authenticated(user):
    """True for a logged-in user; False for None and the anonymous user."""
    return bool(getattr(user, "is_authenticated", False))


def is_staff(user):
    return is_authenticated(user) and user.has_role(*STAFF_ROLES)


def require_login(user):
    if not is_authenticated(user):
        raise AuthenticationRequired()


def require_role(user, *roles, message=None):
    """`user` is logged in and holds any of `roles` (401 / 403 otherwise)."""
    require_login(user)
    if not user.has_role(*roles):
        raise PermissionDenied(message)


def require_staff(user):
    require_role(user, *STAFF_ROLES, message="只有工作人员可以执行此操作")


def guard(refusal):
    """Raise the ServiceError a `why_not_<action>` rule returned, if any."""
    if refusal is not None:
        raise refusal


def roles_required(*roles):
    """The view needs a logged-in user holding any of `roles` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def staff_required(view):
    return roles_required(*STAFF_ROLES)(view)


def admin_required(view):
    return roles_required("admin")(view)
