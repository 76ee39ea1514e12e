"""Staff API: users, roles, suspension, the verification queue and the audit log.

The services decide who may do what (staff or admin; role changes admin only), so a
member gets the 403 envelope from the same check the pages use. Also here: the
applicant's own view of their verification requests (`/me/verification`), which shares
the verification schema.
"""
from flask_login import current_user

from webapp.accounts import rules
from webapp.accounts import services as accounts
from webapp.admin import services
from webapp.admin.schemas import (
    AdminUserSchema,
    ApproveVerificationSchema,
    AuditEntrySchema,
    AuditLogArgs,
    ReasonSchema,
    RoleGrantSchema,
    UserSearchArgs,
    VerificationQueueArgs,
    VerificationRequestSchema,
)
from webapp.api import api_route
from webapp.api.schemas import page_of
from webapp.core.pagination import Page, paginate
from webapp.core.permissions import guard

TAGS = ["admin"]
STAFF = [403]


# ---------------------------------------------------------------- users

@api_route("/admin/users", methods=["GET"], summary="Search users (staff)", tags=TAGS, auth=True,
           query=UserSearchArgs, responses={200: page_of(AdminUserSchema)}, errors=STAFF)
def admin_list_users(page, per_page, q=None, role=None, state=None):
    return paginate(services.list_users(current_user, q=q, role=role, state=state), page, per_page)


@api_route("/admin/users/<int:user_id>", methods=["GET"], summary="One user with private fields (staff)",
           tags=TAGS, auth=True, responses={200: AdminUserSchema}, errors=STAFF)
def admin_get_user(user_id):
    return services.get_user(current_user, user_id)


def _staff_on_user(user_id):
    """Staff only, on a user that exists: checked before the body (403, then 404, then 422)."""
    return services.get_user(current_user, user_id)


def _admin_on_user(user_id):
    guard(rules.why_not_grant_role(current_user, _staff_on_user(user_id)))


def _staff_on_request(request_id):
    return services.get_verification(current_user, request_id)


def _decider_on_request(request_id):
    """Staff, on a request that exists, which this staff member may decide (not their own,
    still pending): 403/404/409 before the body."""
    guard(rules.why_not_decide_verification(current_user, _staff_on_request(request_id)))


@api_route("/admin/users/<int:user_id>/roles", methods=["POST"], summary="Grant a role (admin)",
           description="201 when the role is granted, 200 when the user already had it.",
           tags=TAGS, auth=True, before=_admin_on_user, request=RoleGrantSchema,
           responses={201: AdminUserSchema, 200: AdminUserSchema}, errors=STAFF)
def admin_grant_role(user_id, role):
    user = services.get_user(current_user, user_id)
    granted = services.grant_role(current_user, user, role)
    return user, 201 if granted else 200


@api_route("/admin/users/<int:user_id>/roles/<role>", methods=["DELETE"], summary="Revoke a role (admin)",
           tags=TAGS, auth=True, responses={200: AdminUserSchema}, errors=[403, 409, 422])
def admin_revoke_role(user_id, role):
    user = services.get_user(current_user, user_id)
    services.revoke_role(current_user, user, role)
    return user


@api_route("/admin/users/<int:user_id>/suspend", methods=["POST"],
           summary="Suspend an account (staff): ends its sessions and revokes its tokens", tags=TAGS, auth=True,
           before=_staff_on_user, request=ReasonSchema, responses={200: AdminUserSchema}, errors=[403, 409])
def admin_suspend_user(user_id, reason):
    user = services.get_user(current_user, user_id)
    accounts.suspend_user(current_user, user, reason)
    return user


@api_route("/admin/users/<int:user_id>/unsuspend", methods=["POST"], summary="Restore a suspended account (staff)",
           tags=TAGS, auth=True, responses={200: AdminUserSchema}, errors=STAFF)
def admin_unsuspend_user(user_id):
    user = services.get_user(current_user, user_id)
    accounts.unsuspend_user(current_user, user)
    return user


# ---------------------------------------------------------------- verification

@api_route("/admin/verifications", methods=["GET"],
           summary="The verification queue (staff): pending oldest first, decided most recent first",
           tags=TAGS, auth=True, query=VerificationQueueArgs, responses={200: page_of(VerificationRequestSchema)},
           errors=STAFF)
def admin_list_verifications(state, page, per_page):
    return paginate(services.list_verifications(current_user, state), page, per_page)


@api_route("/admin/verifications/<int:request_id>", methods=["GET"], summary="One verification request (staff)",
           tags=TAGS, auth=True, responses={200: VerificationRequestSchema}, errors=STAFF)
def admin_get_verification(request_id):
    return services.get_verification(current_user, request_id)


@api_route("/admin/verifications/<int:request_id>/approve", methods=["POST"],
           summary="Approve a pending request (staff); the applicant becomes verified and is notified",
           tags=TAGS, auth=True, before=_decider_on_request, request=ApproveVerificationSchema, optional_body=True,
           responses={200: VerificationRequestSchema}, errors=[403, 409])
def admin_approve_verification(request_id, note=None, override=False, override_reason=None):
    req = services.get_verification(current_user, request_id)
    accounts.approve_verification(current_user, req, note, override=override, override_reason=override_reason)
    return req


@api_route("/admin/verifications/<int:request_id>/reject", methods=["POST"],
           summary="Reject a pending request with a reason (staff); the applicant is notified",
           tags=TAGS, auth=True, before=_decider_on_request, request=ReasonSchema,
           responses={200: VerificationRequestSchema}, errors=[403, 409])
def admin_reject_verification(request_id, reason):
    req = services.get_verification(current_user, request_id)
    accounts.reject_verification(current_user, req, reason)
    return req


# ---------------------------------------------------------------- audit log

@api_route("/admin/audit", methods=["GET"], summary="The audit log, newest first (staff)", tags=TAGS,
           auth=True, query=AuditLogArgs, responses={200: page_of(AuditEntrySchema)}, errors=STAFF)
def admin_audit_log(page, per_page, action=None, object_type=None, object_id=None):
    query = services.audit_log(current_user, action=action, object_type=object_type, object_id=object_id)
    return paginate(query, page, per_page)


# ---------------------------------------------------------------- the applicant's own view

@api_route("/me/verification", methods=["GET"],
           summary="The caller's verification requests, newest first, with the decision and its reason",
           tags=["auth"], auth=True, responses={200: page_of(VerificationRequestSchema)},
           context={"own_requests": True})
def my_verification():
    requests = accounts.verification_history(current_user)
    return Page(items=requests, page=1, per_page=max(1, len(requests)), total=len(requests))
