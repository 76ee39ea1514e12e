"""Staff pages: dashboard, users (roles, suspension), the verification queue, the audit log.

Every page needs a staff member or an administrator (checked once, before each request);
the services check again, and role grants are refused to anyone but an administrator
(a staff member's POST gets the 403 page from the app's ServiceError handler).
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts import rules
from webapp.accounts import services as accounts
from webapp.accounts.models import Role, VerificationState
from webapp.admin import services
from webapp.admin.forms import (
    ApproveForm,
    AuditFilterForm,
    GrantRoleForm,
    RejectForm,
    SuspendForm,
    UserSearchForm,
    select_choices,
)
from webapp.core.errors import Conflict, PermissionDenied, ServiceError, ValidationError
from webapp.core.forms import flash_service_error, show_service_error
from webapp.core.pagination import paginate, parse_page_args
from webapp.core.permissions import guard, staff_required

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
@staff_required
def _staff_only():
    """Anonymous visitors are sent to the login page, members get 403."""


@bp.app_template_global()
def verification_proof_url(req):
    # The proof download route belongs to the accounts pages.
    return url_for("accounts.verification_proof", request_id=req.id)


@bp.app_template_global()
def verification_refusal(req):
    """Why the viewer may not decide `req` (their own request), or None."""
    return rules.why_not_decide_verification(current_user, req)


@bp.app_template_filter()
def ordered_roles(roles):
    """Roles in their declared order (member first, admin last)."""
    return [r for r in Role if r in set(roles)]


@bp.app_template_global()
def audit_action_title(action):
    return services.action_title(action)


# ---------------------------------------------------------------- dashboard

@bp.route("/")
def index():
    from webapp.suggestions import services as suggestions

    counts = services.dashboard_counts(current_user)
    recent = services.audit_log(current_user).limit(8).all()
    return render_template("admin/index.html", counts=counts, recent=recent,
                           suggestion_counts=suggestions.staff_queue_counts(current_user))


# ---------------------------------------------------------------- users

@bp.route("/users")
def users():
    form = UserSearchForm(request.args)
    form.validate()
    # An invalid filter (a role that does not exist, say) is dropped, the others kept.
    q, role, state = (None if f.errors else f.data for f in (form.q, form.role, form.state))
    page, per_page = parse_page_args(request.args, default_per_page=25)
    result = paginate(services.list_users(current_user, q=q, role=role, state=state), page, per_page)
    return render_template("admin/users.html", form=form, page=result)


def _render_user(user, suspend_form=None, grant_form=None, status=200):
    verifications = accounts.verification_history(user)
    return render_template(
        "admin/user.html", user=user, verifications=verifications,
        audit_entries=services.audit_about_user(current_user, user),
        suspend_form=suspend_form or SuspendForm(formdata=None),
        grant_form=grant_form or GrantRoleForm(formdata=None),
        grantable=[r for r in Role if not user.has_role(r)], can=_user_permissions(user),
    ), status


def _user_permissions(user):
    """Which staff actions the page offers on `user`: the accounts rules."""
    return {
        "grant_role": rules.can_grant_role(current_user, user),
        "revoke_role": {role.value: rules.can_revoke_role(current_user, user, role) for role in user.roles},
        "suspend": not user.is_suspended and rules.can_suspend(current_user, user),
        "unsuspend": rules.can_unsuspend(current_user, user),
    }


@bp.route("/users/<int:user_id>")
def user(user_id):
    return _render_user(services.get_user(current_user, user_id))


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
def grant_role(user_id):
    user = services.get_user(current_user, user_id)
    guard(rules.why_not_grant_role(current_user, user))
    form = GrantRoleForm()
    if not form.validate_on_submit():
        return _render_user(user, grant_form=form, status=422)
    try:
        granted = services.grant_role(current_user, user, form.role.data)
    except PermissionDenied:
        raise
    except ServiceError as exc:
        show_service_error(form, exc, flash_unplaced=True)
        return _render_user(user, grant_form=form, status=exc.status)
    title = Role(form.role.data).title
    if granted:
        flash(f"已授予 {user.display_name}「{title}」角色", "success")
    else:
        flash(f"{user.display_name} 已经拥有「{title}」角色", "info")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/roles/<role>/revoke", methods=["POST"])
def revoke_role(user_id, role):
    user = services.get_user(current_user, user_id)
    try:
        revoked = services.revoke_role(current_user, user, role)
    except PermissionDenied:
        raise
    except ServiceError as exc:
        flash_service_error(exc)
        return redirect(url_for("admin.user", user_id=user.id))
    title = Role(role).title
    if revoked:
        flash(f"已撤销 {user.display_name} 的「{title}」角色", "success")
    else:
        flash(f"{user.display_name} 没有「{title}」角色", "info")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/suspend", methods=["POST"])
def suspend(user_id):
    user = services.get_user(current_user, user_id)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _render_user(user, suspend_form=form, status=422)
    try:
        accounts.suspend_user(current_user, user, form.reason.data)
    except PermissionDenied:
        raise
    except ServiceError as exc:
        show_service_error(form, exc, flash_unplaced=True)
        return _render_user(user, suspend_form=form, status=exc.status)
    flash(f"已停用 {user.display_name} 的账号", "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/unsuspend", methods=["POST"])
def unsuspend(user_id):
    user = services.get_user(current_user, user_id)
    try:
        accounts.unsuspend_user(current_user, user)
    except Conflict as exc:  # already restored, e.g. from another tab
        flash_service_error(exc, "warning")
        return redirect(url_for("admin.user", user_id=user.id))
    flash(f"已恢复 {user.display_name} 的账号", "success")
    return redirect(url_for("admin.user", user_id=user.id))


# ---------------------------------------------------------------- verification

@bp.route("/verifications")
def verifications():
    state = request.args.get("state") or VerificationState.pending.value
    try:
        state = services.parse_verification_state(state)
    except ValidationError:
        state = VerificationState.pending
    page, per_page = parse_page_args(request.args, default_per_page=20)
    result = paginate(services.list_verifications(current_user, state), page, per_page)
    pending = [r for r in result.items if r.state == VerificationState.pending.value]
    return render_template("admin/verifications.html", page=result, state=state,
                           counts=services.verification_counts(current_user),
                           conflicts=accounts.verification_conflicts_of(pending),
                           approve_form=ApproveForm(formdata=None), reject_form=RejectForm(formdata=None))


def _render_verification(req, approve_form=None, reject_form=None, status=200):
    return render_template("admin/verification.html", req=req,
                           conflicts=accounts.verification_conflicts_of([req]),
                           approve_form=approve_form or ApproveForm(formdata=None),
                           reject_form=reject_form or RejectForm(formdata=None)), status


@bp.route("/verifications/<int:request_id>")
def verification(request_id):
    return _render_verification(services.get_verification(current_user, request_id))


def _decided_elsewhere(req, exc):
    flash_service_error(exc)
    return redirect(url_for("admin.verification", request_id=req.id))


def _decide_verification(request_id, form, decide, form_name, success):
    """Approve or reject: validate the form, call the service, report the outcome."""
    req = services.get_verification(current_user, request_id)
    if not form.validate_on_submit():
        return _render_verification(req, status=422, **{form_name: form})
    try:
        decide(req)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        show_service_error(form, exc, flash_unplaced=True)
        return _render_verification(req, status=exc.status, **{form_name: form})
    except ServiceError as exc:
        return _decided_elsewhere(req, exc)
    flash(success.format(name=req.real_name), "success")
    return redirect(url_for("admin.verifications"))


@bp.route("/verifications/<int:request_id>/approve", methods=["POST"])
def approve_verification(request_id):
    form = ApproveForm()
    return _decide_verification(request_id, form,
                                lambda req: accounts.approve_verification(
                                    current_user, req, form.note.data, override=form.override.data,
                                    override_reason=form.override_reason.data),
                                "approve_form", "已通过 {name} 的实名认证")


@bp.route("/verifications/<int:request_id>/reject", methods=["POST"])
def reject_verification(request_id):
    form = RejectForm()
    return _decide_verification(request_id, form,
                                lambda req: accounts.reject_verification(current_user, req, form.reason.data),
                                "reject_form", "已驳回 {name} 的实名认证申请")


# ---------------------------------------------------------------- audit log

@bp.route("/audit")
def audit():
    form = AuditFilterForm(request.args)
    actions = services.audit_actions(current_user)
    form.action.choices = select_choices([("", "全部操作")] + [(a, f"{audit_action_title(a)}（{a}）") for a in actions])
    action = form.action.data if form.action.data in actions else None
    page, per_page = parse_page_args(request.args, default_per_page=50)
    result = paginate(services.audit_log(current_user, action=action), page, per_page)
    return render_template("admin/audit.html", form=form, page=result)
