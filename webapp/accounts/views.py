"""Account pages: register, log in and out, passwords, profiles, avatars and
real-name verification. Each view parses a form, calls accounts.services and
shows a ServiceError on the form it came from.
"""
import os

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_remembered, login_required, login_user, logout_user

from webapp.accounts import services
from webapp.accounts.forms import (
    AvatarForm,
    ChangePasswordForm,
    CompleteRegistrationForm,
    ForgotPasswordForm,
    LoginForm,
    LoginLinkForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SettingsForm,
    VerificationForm,
)
from webapp.core import uploads
from webapp.core.errors import RateLimited, ServiceError, ValidationError
from webapp.core.forms import already_submitted, redirect_after_submission, show_service_error, uploaded
from webapp.core.urls import safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")


# ---------------------------------------------------------------- helpers

def me():
    """The logged-in User itself, not the current_user proxy (services return it, and
    login_user must not be handed a proxy of itself)."""
    return current_user._get_current_object()


def form_status(form):
    """422 for a submitted form that failed validation, else 200."""
    return 422 if form.is_submitted() else 200


# ---------------------------------------------------------------- log in and out

@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(current_user.url)
    form = RegisterForm()
    status = form_status(form)
    retry_after = None
    if form.validate_on_submit():
        try:
            services.registration_attempt(request.remote_addr)
            message, _ = services.request_registration(form.username.data, form.email.data, form.display_name.data,
                                                       registration_link_url, absolute_url("accounts.login"))
        except RateLimited as exc:
            status = show_service_error(form, exc)
            retry_after = exc.retry_after
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            # The same page whether or not the address is registered: its owner learns which by mail.
            return render_template("accounts/register_sent.html", message=message)
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return render_template("accounts/register.html", form=form), status, headers


def absolute_url(endpoint, **values):
    # On the configured public address, never the request's Host header (see reset_link).
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)


def registration_link_url(token):
    return absolute_url("accounts.complete_registration", token=token)


def login_link_url(token):
    return absolute_url("accounts.login_link", token=token)


@bp.route("/register/complete/<token>", methods=["GET", "POST"])
def complete_registration(token):
    form = CompleteRegistrationForm()
    if form.validate_on_submit():
        # The page submitted twice: the first one made the account (and used the link up).
        done = already_submitted(None, form)
        if done:
            return done
    try:
        username, email, display_name = services.pending_registration(token)
    except ValidationError as exc:
        return render_template("accounts/link_invalid.html", message=exc.message, title="注册链接无效",
                               again=url_for("accounts.register"), again_label="重新注册"), 400
    if request.method == "GET":
        form.display_name.data = display_name
    status = form_status(form)
    if form.validate_on_submit():
        try:
            user = services.complete_registration(token, form.password.data, form.password_confirm.data or "",
                                                  display_name=form.display_name.data,
                                                  accept_terms=form.accept_terms.data)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            if current_user.is_authenticated:
                logout_user()
            login_user(user)
            flash(f"注册成功，欢迎加入科技工作者之家，{user.display_name}！", "success")
            return redirect_after_submission(None, form, user.url)
    return render_template("accounts/register_complete.html", form=form, username=username, email=email), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or current_user.url)
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    status = form_status(form)
    retry_after = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data, ip=request.remote_addr,
                                         login_link_for=login_link_url)
        except RateLimited as exc:
            status = show_service_error(form, exc)
            retry_after = exc.retry_after
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            login_user(user, remember=form.remember.data)
            flash(f"欢迎回来，{user.display_name}。", "success")
            return redirect(safe_next(form.next.data) or user.url)
    response = render_template("accounts/login.html", form=form, throttled=retry_after is not None)
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return response, status, headers


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def login_link(token):
    """The one-time link mailed for a locked account: the GET only shows a button (mail
    scanners open links), the POST uses the link up and logs in."""
    form = LoginLinkForm()
    consume = form.validate_on_submit()
    try:
        user = services.user_for_login_link(token, consume=consume)
    except ValidationError as exc:
        return render_template("accounts/link_invalid.html", message=exc.message, title="登录链接无效",
                               again=url_for("accounts.login"), again_label="返回登录"), 400
    if consume:
        if current_user.is_authenticated:
            logout_user()
        login_user(user)
        flash(f"欢迎回来，{user.display_name}。", "success")
        return redirect(user.url)
    return render_template("accounts/login_link.html", form=form, user=user)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.log_out(me())
        logout_user()
        flash("您已退出登录（本账号在其他浏览器上的登录也已结束）。", "info")
    return redirect(url_for("main.index"))


# ---------------------------------------------------------------- passwords

@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = form_status(form)
    if form.validate_on_submit():
        remembered = login_remembered()
        try:
            user = services.change_password(me(), form.current_password.data, form.new_password.data,
                                            form.new_password_confirm.data or "")
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            # The session id carries the session version, which the change bumped:
            # log in again so this browser stays signed in while all others are not.
            login_user(user, remember=remembered)
            flash("密码已修改。其他设备上的登录和您的全部 API 令牌已失效，请在这些设备上重新登录。", "success")
            return redirect(user.url)
    return render_template("accounts/change_password.html", form=form), status


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            services.request_password_reset(form.email.data, reset_link)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            # The same answer whether or not the address is registered.
            flash("如果该邮箱已注册，我们已向其发送重置密码的链接，请在 2 小时内查收并完成设置。", "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), status


def reset_link(token):
    # Built on the configured public address, not on the request's Host header: a
    # requester controls that header and could have the link (and token) point to
    # their own site.
    return current_app.config["SITE_URL"].rstrip("/") + url_for("accounts.reset_password", token=token)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        services.user_for_reset_token(token)
    except ValidationError as exc:
        return render_template("accounts/reset_invalid.html", message=exc.message), 400
    form = ResetPasswordForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, form.password_confirm.data or "")
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash("密码已重置。所有设备上的登录和您的全部 API 令牌均已失效，请使用新密码登录。", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), status


# ---------------------------------------------------------------- profiles and avatars

@bp.route("/u/<username>")
def profile(username):
    user = services.get_user_by_username(username)
    return render_template("accounts/profile.html", user=user,
                           is_self=current_user.is_authenticated and current_user.id == user.id)


def _profile_form_for(user):
    return ProfileForm(formdata=None, display_name=user.display_name, institution=user.institution,
                       discipline_tags="，".join(user.discipline_tags or []), bio=user.bio,
                       birth_year=str(user.birth_year or ""))


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm() if request.method == "POST" else _profile_form_for(me())
    status = form_status(form)
    if form.validate_on_submit():
        try:
            year = (form.birth_year.data or "").strip()
            if year and not (year.isascii() and year.isdigit() and len(year) == 4):
                raise ValidationError(fields={"birth_year": "请填写四位数的年份"})
            services.update_profile(me(), form.display_name.data, form.institution.data,
                                    form.discipline_tags.data, form.bio.data, birth_year=int(year) if year else None)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("个人资料已保存。", "success")
            return redirect(url_for("accounts.edit_profile"))
    return render_template("accounts/edit_profile.html", form=form, avatar_form=AvatarForm(formdata=None)), status


@bp.route("/account/settings", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "GET":
        form = SettingsForm(formdata=None, email_notifications=me().email_notifications)
        return render_template("accounts/settings.html", form=form)
    form = SettingsForm()
    if not form.validate_on_submit():  # only the CSRF token is checked here
        return render_template("accounts/settings.html", form=form), 400
    services.update_settings(me(), bool(form.email_notifications.data))
    flash("设置已保存。", "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/account/profile/avatar", methods=["POST"])
@login_required
def upload_avatar():
    form = AvatarForm()
    status = 422
    if form.validate_on_submit():
        try:
            services.set_avatar(me(), uploaded(form.avatar))
        except ServiceError as exc:
            status = show_service_error(form, exc, default_field="avatar")
        else:
            flash("头像已更新。", "success")
            return redirect(url_for("accounts.edit_profile"))
    return render_template("accounts/edit_profile.html", form=_profile_form_for(me()),
                           avatar_form=form), status


@bp.route("/avatars/<key>-<size>.webp")
def avatar(key, size):
    path = uploads.stored_file(uploads.avatar_path(key, size))
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/webp", max_age=86400)


# ---------------------------------------------------------------- real-name verification

@bp.route("/account/verification", methods=["GET", "POST"])
@login_required
def verification():
    form = VerificationForm()
    status = form_status(form)
    if form.validate_on_submit():
        done = already_submitted(me(), form)
        if done:
            return done
        try:
            services.apply_for_verification(me(), form.real_name.data, form.organisation.data,
                                            form.position.data, uploaded(form.proof), form.id_number.data)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("认证申请已提交，工作人员审核后会通知您。", "success")
            return redirect_after_submission(me(), form, url_for("accounts.verification"))
    # The resident ID number is never sent back to the browser, not even on a re-render.
    form.id_number.data = ""
    return render_template(
        "accounts/verification.html", form=form,
        pending=services.pending_verification(me()),
        history=services.verification_history(me()),
    ), status


@bp.route("/account/verification/<int:request_id>/proof")
@login_required
def verification_proof(request_id):
    req = services.get_verification(me(), request_id)  # NotFound for anyone else
    path = uploads.stored_file(uploads.private_document_path(req.proof_key))
    if path is None:
        abort(404)
    is_pdf = req.proof_mime == "application/pdf"
    suffix = os.path.splitext(req.proof_key)[1]
    response = send_file(path, mimetype=req.proof_mime, as_attachment=is_pdf,
                         download_name=f"verification-{req.id}-proof{suffix}", max_age=0)
    if is_pdf:
        uploads.download_headers(response)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
