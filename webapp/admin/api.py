"""Staff API: users, roles, suspension, the verification queue and the audit log.

The services decide who may do what (staff or admin; role changes admin only), so a
member gets the 403 envelope from the same check the pages use. Also here: the
applicant's own view of their verification requests (`/me/verification`), which shares
the verification serializer.
"""
from flask import request
from flask_login import current_user

from webapp.accounts import services as accounts
from webapp.accounts.models import Role
from webapp.accounts.serializers import iso, user_json
from webapp.admin import services
from webapp.api import api_route
from webapp.api.auth import json_body, list_response, page_args, text_fields, token_required
from webapp.api.openapi import list_of, ref, registry
from webapp.core.pagination import paginate

ADMIN_USER_SCHEMA = registry.schema("AdminUser", {
    "allOf": [ref("User"), {
        "type": "object",
        "required": ["email", "suspended"],
        "properties": {
            "email": {"type": "string"},
            "suspended": {"type": "boolean"},
            "suspended_at": {"type": "string", "format": "date-time", "nullable": True},
            "suspended_reason": {"type": "string", "nullable": True},
            "last_login_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    }],
})

VERIFICATION_SCHEMA = registry.schema("VerificationRequest", {
    "type": "object",
    "required": ["id", "url", "user", "real_name", "organisation", "position", "id_number_masked",
                 "state", "state_title", "created_at", "decided_at", "decision_reason"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string"},
        "user": ref("User"),
        "real_name": {"type": "string"},
        "organisation": {"type": "string"},
        "position": {"type": "string"},
        "id_number_masked": {"type": "string", "nullable": True,
                             "description": "First 6 and last 4 digits; the full number is never stored"},
        "state": {"type": "string", "enum": ["pending", "approved", "rejected"]},
        "state_title": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "decided_at": {"type": "string", "format": "date-time", "nullable": True},
        "decision_reason": {"type": "string", "nullable": True,
                            "description": "Why it was rejected, or the approver's note"},
    },
})

AUDIT_ENTRY_SCHEMA = registry.schema("AuditEntry", {
    "type": "object",
    "required": ["id", "created_at", "actor", "action", "object_type", "object_id", "summary", "reason"],
    "properties": {
        "id": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "actor": {"allOf": [ref("User")], "nullable": True},
        "action": {"type": "string"},
        "action_title": {"type": "string"},
        "object_type": {"type": "string"},
        "object_id": {"type": "integer", "nullable": True},
        "summary": {"type": "string"},
        "reason": {"type": "string", "nullable": True},
    },
})

ROLE_NAMES = [r.value for r in Role]


def admin_user_json(user):
    data = user_json(user)
    data.update({
        "email": user.email,
        "suspended": user.is_suspended,
        "suspended_at": iso(user.suspended_at),
        "suspended_reason": user.suspended_reason,
        "last_login_at": iso(user.last_login_at),
    })
    return data


def verification_json(req, url=None):
    return {
        "id": req.id,
        "url": url or f"/admin/verifications/{req.id}",
        "user": user_json(req.user),
        "real_name": req.real_name,
        "organisation": req.organisation,
        "position": req.position,
        "id_number_masked": req.id_number_masked,
        "state": req.state,
        "state_title": req.state_enum.title,
        "created_at": iso(req.created_at),
        "decided_at": iso(req.decided_at),
        "decision_reason": req.decision_reason,
    }


def audit_entry_json(entry):
    return {
        "id": entry.id,
        "created_at": iso(entry.created_at),
        "actor": user_json(entry.actor) if entry.actor else None,
        "action": entry.action,
        "action_title": services.action_title(entry.action),
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "reason": entry.reason,
    }


def optional_body():
    """The JSON object sent, or {} when the body is empty (an optional note)."""
    if not request.get_data(cache=True):
        return {}
    return json_body()


# ---------------------------------------------------------------- users

@api_route("/admin/users", methods=["GET"], summary="Search users (staff)", tags=["admin"], auth=True,
           paginated=True,
           parameters=[
               {"name": "q", "in": "query", "schema": {"type": "string"},
                "description": "Part of the username, e-mail, display name or real name"},
               {"name": "role", "in": "query", "schema": {"type": "string", "enum": ROLE_NAMES}},
               {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["suspended", "verified"]}},
           ],
           responses={200: list_of(ADMIN_USER_SCHEMA), 403: ref("Error"), 422: ref("Error")})
@token_required
def admin_list_users():
    query = services.list_users(current_user, q=request.args.get("q"), role=request.args.get("role"),
                                state=request.args.get("state"))
    page, per_page = page_args()
    return list_response(paginate(query, page, per_page), admin_user_json)


@api_route("/admin/users/<int:user_id>", methods=["GET"], summary="One user with private fields (staff)",
           tags=["admin"], auth=True, responses={200: ADMIN_USER_SCHEMA, 403: ref("Error")})
@token_required
def admin_get_user(user_id):
    return admin_user_json(services.get_user(current_user, user_id))


@api_route("/admin/users/<int:user_id>/roles", methods=["POST"], summary="Grant a role (admin)",
           description="201 when the role is granted, 200 when the user already had it.",
           tags=["admin"], auth=True,
           request={"type": "object", "required": ["role"],
                    "properties": {"role": {"type": "string", "enum": ROLE_NAMES}}},
           responses={201: ADMIN_USER_SCHEMA, 200: ADMIN_USER_SCHEMA, 403: ref("Error")})
@token_required
def admin_grant_role(user_id):
    user = services.get_user(current_user, user_id)
    (role,) = text_fields(json_body(), "role")
    granted = services.grant_role(current_user, user, role)
    return admin_user_json(user), 201 if granted else 200


@api_route("/admin/users/<int:user_id>/roles/<role>", methods=["DELETE"], summary="Revoke a role (admin)",
           tags=["admin"], auth=True, responses={200: ADMIN_USER_SCHEMA, 403: ref("Error"), 409: ref("Error"),
                                                 422: ref("Error")})
@token_required
def admin_revoke_role(user_id, role):
    user = services.get_user(current_user, user_id)
    services.revoke_role(current_user, user, role)
    return admin_user_json(user)


@api_route("/admin/users/<int:user_id>/suspend", methods=["POST"],
           summary="Suspend an account (staff): ends its sessions and revokes its tokens", tags=["admin"], auth=True,
           request={"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}},
           responses={200: ADMIN_USER_SCHEMA, 403: ref("Error"), 409: ref("Error")})
@token_required
def admin_suspend_user(user_id):
    user = services.get_user(current_user, user_id)
    (reason,) = text_fields(json_body(), "reason")
    accounts.suspend_user(current_user, user, reason)
    return admin_user_json(user)


@api_route("/admin/users/<int:user_id>/unsuspend", methods=["POST"], summary="Restore a suspended account (staff)",
           tags=["admin"], auth=True, responses={200: ADMIN_USER_SCHEMA, 403: ref("Error")})
@token_required
def admin_unsuspend_user(user_id):
    user = services.get_user(current_user, user_id)
    accounts.unsuspend_user(current_user, user)
    return admin_user_json(user)


# ---------------------------------------------------------------- verification

@api_route("/admin/verifications", methods=["GET"],
           summary="The verification queue (staff): pending oldest first, decided most recent first",
           tags=["admin"], auth=True, paginated=True,
           parameters=[{"name": "state", "in": "query",
                        "schema": {"type": "string", "enum": ["pending", "approved", "rejected"],
                                   "default": "pending"}}],
           responses={200: list_of(VERIFICATION_SCHEMA), 403: ref("Error"), 422: ref("Error")})
@token_required
def admin_list_verifications():
    query = services.list_verifications(current_user, request.args.get("state") or "pending")
    page, per_page = page_args()
    return list_response(paginate(query, page, per_page), verification_json)


@api_route("/admin/verifications/<int:request_id>", methods=["GET"], summary="One verification request (staff)",
           tags=["admin"], auth=True, responses={200: VERIFICATION_SCHEMA, 403: ref("Error")})
@token_required
def admin_get_verification(request_id):
    return verification_json(services.get_verification(current_user, request_id))


@api_route("/admin/verifications/<int:request_id>/approve", methods=["POST"],
           summary="Approve a pending request (staff); the applicant becomes verified and is notified",
           tags=["admin"], auth=True,
           request={"type": "object", "properties": {"note": {"type": "string"}}},
           responses={200: VERIFICATION_SCHEMA, 403: ref("Error"), 409: ref("Error")})
@token_required
def admin_approve_verification(request_id):
    req = services.get_verification(current_user, request_id)
    (note,) = text_fields(optional_body(), "note")
    accounts.approve_verification(current_user, req, note)
    return verification_json(req)


@api_route("/admin/verifications/<int:request_id>/reject", methods=["POST"],
           summary="Reject a pending request with a reason (staff); the applicant is notified",
           tags=["admin"], auth=True,
           request={"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}},
           responses={200: VERIFICATION_SCHEMA, 403: ref("Error"), 409: ref("Error")})
@token_required
def admin_reject_verification(request_id):
    req = services.get_verification(current_user, request_id)
    (reason,) = text_fields(json_body(), "reason")
    accounts.reject_verification(current_user, req, reason)
    return verification_json(req)


# ---------------------------------------------------------------- audit log

@api_route("/admin/audit", methods=["GET"], summary="The audit log, newest first (staff)", tags=["admin"],
           auth=True, paginated=True,
           parameters=[
               {"name": "action", "in": "query", "schema": {"type": "string"}, "description": "e.g. role.grant"},
               {"name": "object_type", "in": "query", "schema": {"type": "string"}, "description": "e.g. user"},
               {"name": "object_id", "in": "query", "schema": {"type": "integer"}},
           ],
           responses={200: list_of(AUDIT_ENTRY_SCHEMA), 403: ref("Error")})
@token_required
def admin_audit_log():
    object_id = request.args.get("object_id", type=int)
    query = services.audit_log(current_user, action=request.args.get("action"),
                               object_type=request.args.get("object_type"), object_id=object_id)
    page, per_page = page_args()
    return list_response(paginate(query, page, per_page), audit_entry_json)


# ---------------------------------------------------------------- the applicant's own view

@api_route("/me/verification", methods=["GET"],
           summary="The caller's verification requests, newest first, with the decision and its reason",
           tags=["auth"], auth=True, responses={200: list_of(VERIFICATION_SCHEMA)})
@token_required
def my_verification():
    requests = accounts.verification_history(current_user)
    return {"items": [verification_json(r, url="/account/verification") for r in requests],
            "page": 1, "per_page": max(1, len(requests)), "total": len(requests)}
