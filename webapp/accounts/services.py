"""Account rules: authentication with throttling, passwords, sessions, profiles, avatars,
roles and suspension; registration (registration.py), API tokens (tokens.py) and real-name
verification (verification.py) are re-exported here, so callers ask `accounts.services` for
all of them.

Plain functions with explicit arguments; they flush, the caller's unit of work commits.
"""
import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.accounts import rules
from webapp.accounts.models import (
    REASON_MAX,
    AccountAction,
    Role,
    User,
    UserRole,
    VerificationRequest,
)
from webapp.accounts.registration import (  # noqa: F401  (re-exported: one entry point for callers)
    COMMON_PASSWORDS,
    MAX_TAGS,
    MIN_PASSWORD_LENGTH,
    REGISTRATION_SENT,
    TERMS_REFUSED,
    USERNAME_RE,
    _registration_serializer,
    _user_by_email,
    clean_tags,
    complete_registration,
    confirmation_problem,
    normalize_email,
    password_problem,
    pending_registration,
    register_user,
    registration_attempt,
    registration_problems,
    request_registration,
    sign_up,
    validate_username,
)
from webapp.accounts.tokens import (  # noqa: F401  (re-exported: one entry point for callers)
    active_tokens,
    create_token,
    list_tokens,
    revoke_all_tokens,
    revoke_token,
    user_for_token,
)
from webapp.accounts.verification import (  # noqa: F401
    account_counts,
    apply_for_verification,
    approve_verification,
    find_verification,
    get_verification,
    id_number_holder,
    identity_holders,
    pending_verification,
    reject_verification,
    verification_conflicts,
    verification_conflicts_of,
    verification_counts,
    verification_history,
    verification_ids_of,
    verification_queue,
)
from webapp.core import audit, ratelimit, uploads
from webapp.core.db import after_commit, get_by_id, utcnow
from webapp.core.errors import (
    NotFound,
    RateLimited,
    ValidationError,
)
from webapp.core.mail import send_mail, send_mail_now
from webapp.core.permissions import guard, require_login, require_staff
from webapp.extensions import db
from webapp.notifications.services import notify


def find_user(login):
    """A user by username or e-mail (case-insensitive)."""
    login = (login or "").strip()
    if not login:
        return None
    return User.query.filter(
        or_(func.lower(User.username) == login.lower(), func.lower(User.email) == login.lower())
    ).first()


def find_user_by_id(user_id):
    """The user with this id (an int or a string of digits), or None."""
    return get_by_id(User, user_id)


def get_user(user_id):
    user = find_user_by_id(user_id)
    if user is None:
        raise NotFound("找不到该用户")
    return user


def users_by_ids(ids):
    """{id: user} for these ids with their roles, in one query: what a page of rows naming
    people loads at once, instead of a query per person."""
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return {}
    return {u.id: u for u in User.query.options(joinedload(User.role_grants)).filter(User.id.in_(ids))}


def users_with_role(*roles, verified=None, active=True):
    """Query of the users holding any of `roles`, by id; other capabilities ask this, never
    the users and roles tables. `verified`: only real-name verified ones (True) or only
    unverified ones (False); `active`: leave suspended accounts out."""
    # A subquery, not a join with DISTINCT: PostgreSQL cannot compare the JSON column DISTINCT would need.
    holders = db.session.query(UserRole.user_id).filter(UserRole.role.in_([str(r) for r in roles]))
    # Their roles joined in (one query, not the relationship's second SELECT).
    q = User.query.options(joinedload(User.role_grants)).filter(User.id.in_(holders))
    if verified is True:
        q = q.filter(User.verified_at.isnot(None))
    elif verified is False:
        q = q.filter(User.verified_at.is_(None))
    if active:
        q = q.filter(User.suspended_at.is_(None))
    return q.order_by(User.id)


def names_with_role(*roles, verified=None):
    """(id, display_name, real_name, position) rows of `users_with_role`: what a select of
    people shows, without loading whole accounts and their roles."""
    return users_with_role(*roles, verified=verified).options(lazyload("*")).with_entities(
        User.id, User.display_name, User.real_name, User.position).all()


def users_by_username():
    """{username: user} of every account (demo seeding and scripts)."""
    return {u.username: u for u in User.query.all()}


def get_user_by_username(username):
    user = User.query.filter(func.lower(User.username) == (username or "").lower()).first()
    if user is None:
        raise NotFound("找不到该用户")
    return user


# ---------------------------------------------------------------- registration / login

def _throttle_keys(login, ip):
    # Counted by what was typed, never by the account it names: one budget shared by an
    # account's username and its e-mail address would tell that both belong to one account.
    return f"login:acct:{(login or '').strip().lower()}", f"login:ip:{ip or '-'}"


ACCOUNT_LOCKED = ("该账号登录失败次数过多，已暂时锁定。如果您输入的密码正确，我们已向该账号的邮箱发送一次性登录链接，"
                  "请查收邮件登录；也可以 {minutes} 分钟后再试。")


def authenticate(login, password, ip=None, login_link_for=None):
    """Check credentials, with throttling per IP and per account.

    Each attempt is recorded before the password is checked, and the decision is taken on
    the count that recording returned, so concurrent attempts cannot overrun a limit; an
    attempt with the right password is given back. Past the per-IP limit nothing is checked.
    Past the per-account limit (failures from anywhere), a correct password does not log in,
    but `login_link_for(token)` is e-mailed to the account: its owner gets in, an attacker
    guessing does not, and the answer is the same whether the password was right or not.

    Raises RateLimited while throttled, ValidationError on bad credentials or a suspended
    account. Returns the user on success.
    """
    missing = {field: message for field, value, message in (("username", login, "请填写用户名或邮箱"),
                                                             ("password", password, "请填写密码")) if not value}
    if missing:
        raise ValidationError("请填写用户名和密码", fields=missing)
    cfg = current_app.config
    window = cfg["LOGIN_FAIL_WINDOW"]
    acct_key, ip_key = _throttle_keys(login, ip)
    by_ip = ratelimit.acquire(ip_key, cfg["LOGIN_FAIL_LIMIT_IP"], window)
    if not by_ip.allowed:
        by_ip.release()
        raise RateLimited(f"登录失败次数过多，请 {_minutes(by_ip.retry_after)} 分钟后再试",
                          retry_after=int(by_ip.retry_after) + 1)
    by_account = ratelimit.acquire(acct_key, cfg["LOGIN_FAIL_LIMIT_ACCOUNT"], window)
    user = find_user(login)
    if user is None:
        # Spend the same hashing time as for a real account, so response timing does
        # not reveal which usernames exist.
        check_password_hash(_dummy_password_hash(), password or "")
    correct = user is not None and user.check_password(password or "")
    if not by_account.allowed:
        by_account.release()  # a refused attempt does not make the lock last longer
        if correct:
            by_ip.release()
            if not user.is_suspended and login_link_for is not None:
                _mail_login_link(user, login_link_for)
        raise RateLimited(ACCOUNT_LOCKED.format(minutes=_minutes(by_account.retry_after)),
                          retry_after=int(by_account.retry_after) + 1, code="account_locked")
    if not correct:
        raise ValidationError("用户名或密码错误", fields={"password": "用户名或密码错误"}, code="invalid_credentials")
    by_ip.release()
    by_account.release()
    if user.is_suspended:
        raise ValidationError("该账号已被停用" + (f"：{user.suspended_reason}" if user.suspended_reason else ""),
                              code="account_suspended")
    ratelimit.reset(acct_key)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def _minutes(seconds):
    return max(1, int(seconds // 60) + 1)


# ---------------------------------------------------------------- one-time login links

def _login_link_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="login-link")


def make_login_link_token(user):
    # Tied to the password and the session version: a password change or a suspension ends it.
    return _login_link_serializer().dumps({"u": user.id, "p": _reset_fingerprint(user), "v": user.session_version,
                                           "n": secrets.token_hex(8)})


def _mail_login_link(user, login_link_for):
    # Sent at once, not after the commit: the refused login answers 429, which rolls back.
    minutes = current_app.config["LOGIN_LINK_MAX_AGE"] // 60
    send_mail_now(user.email, "科技工作者之家：一次性登录链接", (
        f"{user.display_name}，您好：\n\n"
        "您的账号因多次登录失败已被暂时锁定，但刚才有人输入了正确的密码。如果是您本人，请在 "
        f"{minutes} 分钟内打开以下链接登录（只能使用一次）：\n\n{login_link_for(make_login_link_token(user))}\n\n"
        "如果不是您本人，说明您的密码已经泄露：请立即登录并修改密码。\n"))


def user_for_login_link(token, consume=False):
    """The user a one-time login link is for; `consume=True` uses it up (once, in every process)."""
    max_age = current_app.config["LOGIN_LINK_MAX_AGE"]
    try:
        data = _login_link_serializer().loads(token or "", max_age=max_age)
    except SignatureExpired:
        raise ValidationError("登录链接已过期，请重新登录", code="token_expired") from None
    except BadSignature:
        raise ValidationError("登录链接无效", code="token_invalid") from None
    user = db.session.get(User, data.get("u"))
    if (user is None or user.is_suspended or data.get("p") != _reset_fingerprint(user)
            or data.get("v") != user.session_version):
        raise ValidationError("登录链接无效或已失效", code="token_invalid")
    used_key = f"login-link:used:{data.get('n')}"
    if ratelimit.backend().count(used_key, max_age)[0]:
        raise ValidationError("该登录链接已使用过", code="token_used")
    if consume:
        if ratelimit.hit(used_key, max_age + 60) > 1:  # two clicks at once: the first one wins
            raise ValidationError("该登录链接已使用过", code="token_used")
        user.last_login_at = utcnow()
        db.session.flush()
    return user


_DUMMY_HASH = {}


def _dummy_password_hash():
    # Made with the configured method, so checking it costs what checking a real one does.
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASH[method]


def end_sessions(user, tokens=True):
    """End every browser session and remember-me cookie of `user` (the session version they
    carry no longer matches) and, with `tokens`, revoke every API token. A caller that keeps
    one browser logged in logs it in again with the new version."""
    user.session_version += 1
    if tokens:
        revoke_all_tokens(user)
    db.session.flush()


def log_out(user):
    """Logging out ends, on the server, the session and remember cookie it leaves: a copy of
    either saved before no longer logs anyone in. (Both carry the session version, so the
    account's other browsers are logged out too; its API tokens are left alone.)"""
    if user is not None and getattr(user, "is_authenticated", False):
        end_sessions(user, tokens=False)


def change_password(user, current_password, new_password, new_password_confirm=None):
    """Change the password (`new_password_confirm`, when given, must repeat it); ends the other sessions."""
    errors = {field: f"请填写{label}" for field, value, label in (
        ("current_password", current_password, "当前密码"), ("new_password", new_password, "新密码")) if not value}
    err = confirmation_problem(new_password, new_password_confirm, "确认新密码")
    if err:
        errors["new_password_confirm"] = err
    if errors:
        raise ValidationError(fields=errors)
    if not user.check_password(current_password or ""):
        raise ValidationError(fields={"current_password": "当前密码不正确"})
    err = password_problem(new_password, user.username)
    if err:
        raise ValidationError(fields={"new_password": err})
    user.set_password(new_password)
    end_sessions(user)
    audit.record(user, AccountAction.password_changed, "user", user.id, f"{user.username} 修改了密码")
    db.session.flush()
    return user


# ---------------------------------------------------------------- password reset

def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _reset_fingerprint(user):
    # Ties the link to the current password: it stops working once used.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user):
    return _reset_serializer().dumps({"u": user.id, "p": _reset_fingerprint(user)})


def request_password_reset(email, reset_url_for):
    """E-mail a reset link if the address belongs to an account.

    Answers the same either way, so the form does not reveal who is registered.
    `reset_url_for(token)` builds the absolute link.
    """
    if not (email or "").strip():
        raise ValidationError(fields={"email": "请填写电子邮箱"})
    email, err = normalize_email(email)
    if err:
        raise ValidationError(fields={"email": err})
    key = f"pwreset:{email.lower()}"
    if ratelimit.hit(key, 3600) > 5:
        return None
    user = User.query.filter(func.lower(User.email) == email.lower()).first()
    if user is None or user.is_suspended:
        return None
    token = make_reset_token(user)
    body = (
        f"{user.display_name}，您好：\n\n"
        f"我们收到了重置您在科技工作者之家的密码的请求。请在 2 小时内打开以下链接设置新密码：\n\n"
        f"{reset_url_for(token)}\n\n"
        "如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。\n"
    )
    send_mail(user.email, "科技工作者之家：重置密码", body)
    return token


def user_for_reset_token(token):
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise ValidationError("重置链接已过期，请重新申请", code="token_expired") from None
    except BadSignature:
        raise ValidationError("重置链接无效", code="token_invalid") from None
    user = db.session.get(User, data.get("u"))
    if user is None or data.get("p") != _reset_fingerprint(user):
        raise ValidationError("重置链接无效或已使用", code="token_invalid")
    return user


def reset_password(token, new_password, password_confirm=None):
    user = user_for_reset_token(token)
    errors = {} if new_password else {"password": "请填写新密码"}
    err = confirmation_problem(new_password, password_confirm, "确认新密码")
    if err:
        errors["password_confirm"] = err
    if errors:
        raise ValidationError(fields=errors)
    err = password_problem(new_password, user.username)
    if err:
        raise ValidationError(fields={"password": err})
    user.set_password(new_password)
    end_sessions(user)
    for login in (user.username, user.email):
        ratelimit.reset(_throttle_keys(login, None)[0])
    audit.record(user, AccountAction.password_reset, "user", user.id, f"{user.username} 通过邮件重置了密码")
    db.session.flush()
    return user


# ---------------------------------------------------------------- profile and avatar

_UNCHANGED = object()
BIRTH_YEAR_MIN = 1900


def latest_birth_year():
    return utcnow().year


def check_birth_year(birth_year):
    """The optional, private birth year (None clears it), or a ValidationError."""
    latest = latest_birth_year()
    if birth_year is None:
        return None
    if isinstance(birth_year, bool) or not isinstance(birth_year, int) or not BIRTH_YEAR_MIN <= birth_year <= latest:
        raise ValidationError(fields={"birth_year": f"出生年份须在 {BIRTH_YEAR_MIN}–{latest} 之间"})
    return birth_year


def update_profile(user, display_name, institution="", discipline_tags=(), bio="", birth_year=_UNCHANGED):
    errors = {}
    if birth_year is not _UNCHANGED:
        try:
            birth_year = check_birth_year(birth_year)
        except ValidationError as exc:
            errors.update(exc.fields)
    display_name = (display_name or "").strip()
    if not display_name:
        errors["display_name"] = "请填写显示名称"
    elif len(display_name) > 64:
        errors["display_name"] = "显示名称不能超过 64 个字符"
    institution = (institution or "").strip()
    if len(institution) > 128:
        errors["institution"] = "单位名称不能超过 128 个字符"
    bio = (bio or "").strip()
    if len(bio) > 2000:
        errors["bio"] = "个人简介不能超过 2000 个字符"
    try:
        tags = clean_tags(discipline_tags)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(fields=errors)
    user.display_name = display_name
    user.institution = institution
    user.discipline_tags = tags
    user.bio = bio
    if birth_year is not _UNCHANGED:
        user.birth_year = birth_year
    db.session.flush()
    return user


def referenced_avatar_files(names):
    """The stored avatar file names among `names` whose key a user still has (for `flask uploads sweep`)."""
    keys = {uploads.avatar_key_of(name): name for name in names}
    keys.pop(None, None)
    rows = db.session.query(User.avatar_key).filter(User.avatar_key.in_(list(keys)))
    in_use = {key for (key,) in rows}
    return {name for name in names if uploads.avatar_key_of(name) in in_use}


def referenced_proofs(names):
    """The stored proof file names among `names` that a verification request names."""
    rows = db.session.query(VerificationRequest.proof_key).filter(VerificationRequest.proof_key.in_(names))
    return {key for (key,) in rows}


def update_settings(user, email_notifications=_UNCHANGED, birth_year=_UNCHANGED):
    """The account's settings: whether e-mail about one's suggestions is sent; the private
    birth year (used only in aggregate statistics). What is not given stays as it is."""
    require_login(user)
    if email_notifications is not _UNCHANGED:
        if not isinstance(email_notifications, bool):
            raise ValidationError("请选择是否接收邮件通知", fields={"email_notifications": "必须是是或否"})
        user.email_notifications = email_notifications
    if birth_year is not _UNCHANGED:
        user.birth_year = check_birth_year(birth_year)
    db.session.flush()
    return user


def set_avatar(user, stream):
    """Validate and store a new avatar; the old files are removed after the commit."""
    if stream is None:
        raise ValidationError("请选择一张图片", fields={"avatar": "请选择一张图片"})
    old = user.avatar_key
    user.avatar_key = uploads.save_avatar(stream)  # staged: in place on commit, gone on rollback
    if old:
        after_commit(db.session(), lambda: uploads.delete_avatar(old))
    db.session.flush()
    return user


# ---------------------------------------------------------------- roles and suspension

def grant_role(actor, user, role):
    guard(rules.why_not_grant_role(actor, user))
    role = Role(str(role))
    if user.has_role(role):
        return False
    user.role_grants.append(UserRole(role=role.value, granted_by_id=actor.id))
    audit.record(actor, AccountAction.grant_role, "user", user.id, f"授予 {user.username} 角色「{role.title}」")
    notify(user, "role.granted", f"您已获得「{role.title}」角色", link=user.url, sender="科协工作人员")
    db.session.flush()
    return True


def revoke_role(actor, user, role):
    role = Role(str(role))
    guard(rules.why_not_revoke_role(actor, user, role))
    grant = next((g for g in user.role_grants if g.role == role.value), None)
    if grant is None:
        return False
    user.role_grants.remove(grant)
    audit.record(actor, AccountAction.revoke_role, "user", user.id, f"撤销 {user.username} 的角色「{role.title}」")
    db.session.flush()
    return True


def suspend_user(actor, user, reason):
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(fields={"reason": "请填写停用原因"})
    if len(reason) > REASON_MAX:
        raise ValidationError(fields={"reason": f"停用原因不能超过 {REASON_MAX} 个字"})
    guard(rules.why_not_suspend(actor, user))
    user.suspended_at = utcnow()
    user.suspended_reason = reason
    end_sessions(user)
    audit.record(actor, AccountAction.suspend, "user", user.id, f"停用 {user.username}", reason=reason)
    send_mail(user.email, "科技工作者之家：您的账号已被停用", (
        f"{user.display_name}，您好：\n\n"
        f"您在科技工作者之家的账号 {user.username} 已被工作人员停用，原因：{reason}\n\n"
        "所有设备上的登录均已退出，您的全部 API 令牌已被撤销。"
        "如有异议，请通过网站“联系我们”页面所列方式与我们联系。\n"
    ))
    db.session.flush()


def unsuspend_user(actor, user):
    guard(rules.why_not_unsuspend(actor, user))
    user.suspended_at = None
    user.suspended_reason = None
    audit.record(actor, AccountAction.unsuspend, "user", user.id, f"恢复 {user.username}")
    db.session.flush()


def search_users(q=None, role=None, state=None):
    query = User.query
    if q:
        like = f"%{q.strip()}%"
        query = query.filter(or_(User.username.ilike(like), User.email.ilike(like),
                                 User.display_name.ilike(like), User.real_name.ilike(like)))
    if role:
        query = query.filter(User.role_grants.any(UserRole.role == str(role)))
    if state == "suspended":
        query = query.filter(User.suspended_at.isnot(None))
    elif state == "verified":
        query = query.filter(User.verified_at.isnot(None))
    return query.order_by(User.id.desc())

