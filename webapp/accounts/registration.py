"""Registration: the checks of a new account's fields (username, e-mail, password), and the
two steps of signing up by e-mail (the form mails a link; the link's page sets the password,
accepts 用户协议 and makes the account). Re-exported by `accounts.services`.

Plain functions with explicit arguments; they flush, the caller's unit of work commits.
"""
import re

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import (
    Role,
    User,
    UserRole,
)
from webapp.core import ratelimit
from webapp.core.db import utcnow
from webapp.core.errors import (
    RateLimited,
    ValidationError,
)
from webapp.core.mail import send_mail
from webapp.extensions import db

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


def confirmation_problem(password, confirm, label="确认密码"):
    """A repeated password that is missing or differs (None: the caller did not ask for one)."""
    if confirm is None:
        return None
    if not confirm:
        return f"请填写{label}"
    if confirm != password:
        return "两次输入的密码不一致"
    return None


TERMS_REFUSED = "请阅读并同意用户协议和隐私政策"


def registration_problems(username, email, password, display_name, password_confirm=None, accept_terms=None,
                          email_taken=True):
    """Check a registration without writing: (cleaned values, {field: message}).

    `accept_terms`: None when not asked (accounts made by staff or the CLI), else it must be true.
    `password=None` leaves the password out (the first step of registration asks none).
    `email_taken=False` leaves out whether the address is registered: what the first step
    answers must not tell (the address's owner hears it by e-mail instead)."""
    errors = {}
    if accept_terms is not None and accept_terms is not True:
        errors["accept_terms"] = TERMS_REFUSED
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
    err = password_problem(password, username) if password is not None else None
    if err:
        errors["password"] = err
    if "username" not in errors and User.query.filter(func.lower(User.username) == username.lower()).first():
        # Usernames are public (every profile shows one); the check is throttled per IP.
        errors["username"] = "该用户名已被注册"
    if email_taken and "email" not in errors and _user_by_email(email):
        errors["email"] = "该邮箱已被注册"
    return (username, email, display_name), errors


def _user_by_email(email):
    return User.query.filter(func.lower(User.email) == (email or "").strip().lower()).first()


def sign_up(username, email, password, display_name, accept_terms, password_confirm=None):
    """Someone registering themself (the page and the API): they must accept 用户协议 and
    隐私政策, and the acceptance is recorded."""
    return register_user(username, email, password, display_name, password_confirm=password_confirm,
                         accept_terms=bool(accept_terms))


def register_user(username, email, password, display_name, roles=(Role.member,), password_confirm=None,
                  accept_terms=None):
    """Register an account; `password_confirm`, when given, must repeat the password;
    `accept_terms`, when given, must be true (see `sign_up`)."""
    (username, email, display_name), errors = registration_problems(username, email, password, display_name,
                                                                    password_confirm, accept_terms)
    if errors:
        raise ValidationError("注册信息有误", fields=errors)
    user = User(username=username, email=email, display_name=display_name, discipline_tags=[],
                terms_accepted_at=utcnow() if accept_terms else None)
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


# Registration is two steps, so that it answers the same whether or not an address is
# registered: the first step mails the address (a link completing the registration, or
# "you already have an account"); the link's holder sets the password and gets the account.
REGISTRATION_SENT = "我们已向 {email} 发送了一封邮件，请在 24 小时内按邮件中的说明完成注册。"


def _registration_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registration")


def registration_attempt(ip):
    """Count one registration attempt from `ip` (valid or not: the username check answers,
    so it is throttled too); raises RateLimited past REGISTER_LIMIT_IP per REGISTER_LIMIT_WINDOW."""
    cfg = current_app.config
    attempt = ratelimit.acquire(f"register:ip:{ip or '-'}", cfg["REGISTER_LIMIT_IP"], cfg["REGISTER_LIMIT_WINDOW"])
    if not attempt.allowed:
        attempt.release()
        minutes = max(1, int(attempt.retry_after // 60) + 1)
        raise RateLimited(f"注册尝试过于频繁，请 {minutes} 分钟后再试", retry_after=int(attempt.retry_after) + 1)
    return attempt


def request_registration(username, email, display_name, complete_url_for, login_url, password=None,
                         password_confirm=None):
    """The first step: check the fields (the address's registration excepted) and e-mail the
    address. Returns the message to show, the same whether or not the address is registered.

    `complete_url_for(token)` builds the absolute link of the second step; `login_url` is the
    absolute login page for the mail to an existing account. `password` (the API's first step
    sends one) is only checked: the second step asks for it again, nothing keeps it meanwhile.
    """
    (username, email, display_name), errors = registration_problems(
        username, email, password, display_name, password_confirm, email_taken=False)
    if errors:
        raise ValidationError("注册信息有误", fields=errors)
    message = REGISTRATION_SENT.format(email=email)
    # One address gets a few of these mails an hour, however many IPs ask.
    if ratelimit.hit(f"register:mail:{email.lower()}", 3600) > 3:
        return message, None
    existing = _user_by_email(email)
    if existing is not None:
        send_mail(existing.email, "科技工作者之家：您已有账号", (
            f"{existing.display_name}，您好：\n\n"
            f"有人（可能是您本人）刚刚使用本邮箱在科技工作者之家申请注册。您已有账号（用户名：{existing.username}），"
            f"无需再次注册，请直接登录：\n\n{login_url}\n\n"
            "如果忘记了密码，可以在登录页点击“忘记密码”重新设置。如果这不是您本人的操作，请忽略本邮件。\n"))
        return message, None
    token = _registration_serializer().dumps({"u": username, "e": email, "d": display_name})
    send_mail(email, "科技工作者之家：完成注册", (
        f"{display_name}，您好：\n\n"
        f"感谢您注册科技工作者之家（用户名：{username}）。请在 24 小时内打开以下链接设置密码、完成注册：\n\n"
        f"{complete_url_for(token)}\n\n"
        f"使用手机客户端注册的，也可以在客户端中填写以下确认码：\n{token}\n\n"
        "如果这不是您本人的操作，请忽略本邮件，不会有账号被创建。\n"))
    return message, token


def pending_registration(token):
    """(username, email, display_name) that a registration link carries; ValidationError if
    the link is invalid, expired or already used."""
    try:
        data = _registration_serializer().loads(token or "", max_age=current_app.config["REGISTER_LINK_MAX_AGE"])
    except SignatureExpired:
        raise ValidationError("注册链接已过期，请重新注册", code="token_expired") from None
    except BadSignature:
        raise ValidationError("注册链接无效", code="token_invalid") from None
    if _user_by_email(data.get("e")) is not None:
        raise ValidationError("该注册链接已使用过，请直接登录", code="token_used")
    return data.get("u"), data.get("e"), data.get("d")


def complete_registration(token, password, password_confirm=None, display_name=None, username=None, email=None,
                          accept_terms=False):
    """The second step: the link's holder sets the password, accepts 用户协议 and 隐私政策 and
    gets the account. The API sends the username and address again (`username`, `email`):
    they must be the code's."""
    try:
        linked_username, email_of_link, linked_name = pending_registration(token)
    except ValidationError as exc:
        raise ValidationError(exc.message, fields={"code": exc.message}, code=exc.code) from None
    if (username is not None and username.strip().lower() != linked_username.lower()) or (
            email is not None and normalize_email(email)[0].lower() != email_of_link.lower()):
        raise ValidationError("确认码与用户名或邮箱不符", fields={"code": "确认码与用户名或邮箱不符"})
    username, email = linked_username, email_of_link
    display_name = linked_name if display_name is None else display_name
    return sign_up(username, email, password, display_name, accept_terms, password_confirm=password_confirm)
