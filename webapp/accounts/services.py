"""Account rules: registration, authentication with throttling, passwords, profiles,
avatars, roles and suspension; API tokens (tokens.py) and real-name verification
(verification.py) are re-exported here, so callers ask `accounts.services` for all of them.

Plain functions with explicit arguments; they flush, the caller's unit of work commits.
"""
import hashlib
import re
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.accounts import rules
from webapp.accounts.models import (
    REASON_MAX,
    AccountAction,
    Role,
    User,
    UserRole,
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
    pending_verification,
    reject_verification,
    verification_counts,
    verification_history,
    verification_ids_of,
    verification_queue,
)
from webapp.core import audit, ratelimit, uploads
from webapp.core.db import after_commit, after_rollback, get_by_id, utcnow
from webapp.core.errors import (
    NotFound,
    RateLimited,
    ValidationError,
)
from webapp.core.mail import send_mail
from webapp.core.permissions import guard, require_staff
from webapp.extensions import db
from webapp.notifications.services import notify

USERNAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{2,31}$")
MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = {
    "password", "password1", "password123", "1234567890", "12345678910", "qwertyuiop",
    "1qaz2wsx3edc", "abcdefghij", "iloveyou12", "woaini1314", "aaaaaaaaaa", "0123456789",
    "passw0rd123", "qwerty1234", "admin12345", "abc1234567",
}
MAX_TAGS = 10


# ---------------------------------------------------------------- validation helpers

def validate_username(username):
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        return username, "用户名须为 3–32 位字母、数字、下划线、点或连字符"
    return username, None


def normalize_email(email):
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized, None
    except EmailNotValidError:
        return (email or "").strip(), "请输入有效的电子邮箱地址"


def password_problem(password, username=""):
    """Return a Chinese message saying why a password is too weak, or None."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符"
    if len(password) > 128:
        return "密码不能超过 128 个字符"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "密码过于简单，请换一个不易猜到的密码"
    if password.isdigit():
        return "密码不能全部是数字"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名"
    return None


def clean_tags(tags):
    if isinstance(tags, str):
        tags = re.split(r"[,，、;；\s]+", tags)
    result = []
    for tag in tags or []:
        tag = str(tag).strip()[:32]
        if tag and tag not in result:
            result.append(tag)
    if len(result) > MAX_TAGS:
        raise ValidationError(fields={"discipline_tags": f"学科标签最多 {MAX_TAGS} 个"})
    return result


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

def confirmation_problem(password, confirm, label="确认密码"):
    """A repeated password that is missing or differs (None: the caller did not ask for one)."""
    if confirm is None:
        return None
    if not confirm:
        return f"请填写{label}"
    if confirm != password:
        return "两次输入的密码不一致"
    return None


def registration_problems(username, email, password, display_name, password_confirm=None):
    """Check a registration without writing: (cleaned values, {field: message})."""
    errors = {}
    err = confirmation_problem(password, password_confirm)
    if err:
        errors["password_confirm"] = err
    username, err = validate_username(username)
    if err:
        errors["username"] = err
    email, err = normalize_email(email)
    if err:
        errors["email"] = err
    display_name = (display_name or "").strip()
    if not display_name:
        errors["display_name"] = "请填写显示名称"
    elif len(display_name) > 64:
        errors["display_name"] = "显示名称不能超过 64 个字符"
    err = password_problem(password, username)
    if err:
        errors["password"] = err
    if "username" not in errors and User.query.filter(func.lower(User.username) == username.lower()).first():
        errors["username"] = "该用户名已被注册"
    if "email" not in errors and User.query.filter(func.lower(User.email) == email.lower()).first():
        errors["email"] = "该邮箱已被注册"
    return (username, email, display_name), errors


def register_user(username, email, password, display_name, roles=(Role.member,), password_confirm=None):
    """Register an account; `password_confirm`, when given, must repeat the password."""
    (username, email, display_name), errors = registration_problems(username, email, password, display_name,
                                                                    password_confirm)
    if errors:
        raise ValidationError("注册信息有误", fields=errors)
    user = User(username=username, email=email, display_name=display_name, discipline_tags=[])
    user.set_password(password)
    for role in roles:
        user.role_grants.append(UserRole(role=str(role)))
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        # Two registrations raced past the checks above: the unique index decides.
        raise ValidationError("注册信息有误", fields={"username": "该用户名或邮箱已被注册"}) from None
    return user


def _throttle_keys(login, ip, user=None):
    # An existing account is counted by its id, so trying it under its username and its
    # e-mail address shares one budget; unknown names are counted by the name typed.
    account = f"login:user:{user.id}" if user is not None else f"login:acct:{(login or '').strip().lower()}"
    return account, f"login:ip:{ip or '-'}"


def authenticate(login, password, ip=None):
    """Check credentials, with throttling per account and per IP.

    Raises RateLimited while throttled, ValidationError on bad credentials or a
    suspended account. Returns the user on success.
    """
    missing = {field: message for field, value, message in (("username", login, "请填写用户名或邮箱"),
                                                             ("password", password, "请填写密码")) if not value}
    if missing:
        raise ValidationError("请填写用户名和密码", fields=missing)
    cfg = current_app.config
    window = cfg["LOGIN_FAIL_WINDOW"]
    user = find_user(login)
    acct_key, ip_key = _throttle_keys(login, ip, user)
    for key, limit in ((acct_key, cfg["LOGIN_FAIL_LIMIT_ACCOUNT"]), (ip_key, cfg["LOGIN_FAIL_LIMIT_IP"])):
        limited, retry = ratelimit.is_limited(key, limit, window)
        if limited:
            minutes = max(1, int(retry // 60) + 1)
            raise RateLimited(f"登录失败次数过多，请 {minutes} 分钟后再试", retry_after=int(retry) + 1)
    if user is None:
        # Spend the same hashing time as for a real account, so response timing does
        # not reveal which usernames exist.
        check_password_hash(_dummy_password_hash(), password or "")
    if user is None or not user.check_password(password or ""):
        ratelimit.hit(acct_key, window)
        ratelimit.hit(ip_key, window)
        raise ValidationError("用户名或密码错误", fields={"password": "用户名或密码错误"}, code="invalid_credentials")
    if user.is_suspended:
        raise ValidationError("该账号已被停用" + (f"：{user.suspended_reason}" if user.suspended_reason else ""),
                              code="account_suspended")
    ratelimit.reset(acct_key)
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
    user.session_version += 1
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
    user.session_version += 1
    ratelimit.reset(_throttle_keys(user.username, None, user)[0])
    audit.record(user, AccountAction.password_reset, "user", user.id, f"{user.username} 通过邮件重置了密码")
    db.session.flush()
    return user


# ---------------------------------------------------------------- profile and avatar

def update_profile(user, display_name, institution="", discipline_tags=(), bio=""):
    errors = {}
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
    db.session.flush()
    return user


def set_avatar(user, stream):
    """Validate and store a new avatar; the old files are removed after the commit."""
    if stream is None:
        raise ValidationError("请选择一张图片", fields={"avatar": "请选择一张图片"})
    old = user.avatar_key
    user.avatar_key = uploads.save_avatar(stream)
    new = user.avatar_key
    after_rollback(db.session(), lambda: uploads.delete_avatar(new))
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
    notify(user, "role.granted", f"您已获得「{role.title}」角色", link=user.url, actor=actor)
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
    user.session_version += 1  # ends existing sessions
    revoke_all_tokens(user)
    audit.record(actor, AccountAction.suspend, "user", user.id, f"停用 {user.username}", reason=reason)
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

