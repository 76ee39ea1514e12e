"""Scientists' Home (科技工作者之家): the application factory."""
import logging
import os
from datetime import timedelta

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from webapp.config import BASE_DIR, check_production, load_config
from webapp.core import demo
from webapp.core.db import MAX_ID
from webapp.core.uow import TransactionalFlask
from webapp.extensions import csrf, db, login_manager, migrate, socketio


def capabilities():
    """The capabilities, in the order their pages, API routes, CLI commands and demo content
    are registered. A new capability is one package with an `init_app(app)`, added here.
    (Imported here, not at the top, so `import webapp.api` or a model alone loads no capability.)"""
    from webapp import accounts, admin, chat, forum, main, notifications, review, salons, science, search, suggestions

    return (main, accounts, notifications, admin, suggestions, forum, science, salons, review, chat, search)


def _digits_at_most(n):
    """A regex of the decimal numbers from 0 to `n` (leading zeros only within n's length - 1 digits)."""
    digits = str(n)
    parts = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(d) > low:
            rest = len(digits) - i - 1
            parts.append(f"{digits[:i]}[{low}-{int(d) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` limited to what our integer primary keys hold (32-bit in PostgreSQL).

    The bound is in the regex, not only in `to_python`: a number the converter refuses after
    matching makes werkzeug answer 405 when the same path has a rule for another method
    (GET and PATCH on /suggestions/<id>); one the regex does not match is a plain 404.
    """

    regex = _digits_at_most(MAX_ID)

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config=None):
    """Create the app. `config` is a dict of settings overriding the environment."""
    app = TransactionalFlask(
        __name__,
        static_folder=str(BASE_DIR / "static"),
        template_folder="templates",
        instance_path=str(BASE_DIR / "instance"),
    )
    app.config.update(load_config())
    if config:
        app.config.update(config)
        # load_config() derived these from the environment's APP_ENV; follow an
        # overridden APP_ENV unless they were overridden too.
        production = app.config["APP_ENV"] == "production"
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if key not in config:
                app.config[key] = production
        if "REMEMBER_COOKIE_DAYS" in config and "REMEMBER_COOKIE_DURATION" not in config:
            app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=config["REMEMBER_COOKIE_DAYS"])
    check_production(app.config)
    app.json.ensure_ascii = False
    # An id beyond 32 bits is no row of ours: unbounded, SQLite raised OverflowError and
    # PostgreSQL 'integer out of range' (a 500).
    app.url_map.converters["int"] = BoundedIntConverter
    os.makedirs(app.instance_path, exist_ok=True)
    for key in ("UPLOAD_DIR", "INDEX_DIR", "MAIL_OUTBOX_DIR"):
        os.makedirs(app.config[key], exist_ok=True)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    _init_extensions(app)
    for capability in capabilities():
        capability.init_app(app)
    from webapp import api

    api.init_app(app)
    demo.init_app(app)
    _register_error_handlers(app)
    _register_template_helpers(app)
    return app


def _init_extensions(app):
    from webapp.core import assets, idempotency, ratelimit, security, uploads

    assets.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录后再访问该页面"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"
    queue = app.config.get("SOCKETIO_MESSAGE_QUEUE", app.config.get("REDIS_URL")) or None
    socketio.init_app(app, async_mode=app.config["SOCKETIO_ASYNC_MODE"], message_queue=queue,
                      channel=app.config["SOCKETIO_CHANNEL"], manage_session=False)
    ratelimit.init_app(app)
    security.init_app(app)
    uploads.init_app(app)
    idempotency.init_app(app)

    from sqlalchemy.orm import joinedload

    from webapp.accounts.models import AnonymousUser, User

    login_manager.anonymous_user = AnonymousUser

    @login_manager.user_loader
    def load_user(user_id):
        try:
            uid, version = (int(p) for p in str(user_id).split(":", 1))
        except ValueError:
            return None
        # Roles joined in: one query for the signed-in user on every page, not two.
        user = db.session.get(User, uid, options=[joinedload(User.role_grants)])
        if user is None or user.session_version != version or user.is_suspended:
            return None
        return user


def _wants_json():
    return request.path.startswith("/api/")


def _register_error_handlers(app):
    from werkzeug.exceptions import HTTPException

    from webapp.api.errors import error_response
    from webapp.core.errors import ServiceError
    from webapp.core.forms import install_resubmission, show_again_after_csrf_error

    install_resubmission(app)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if _wants_json():
            return error_response(400, "csrf_failed", "CSRF 校验失败")
        shown_again = show_again_after_csrf_error()
        if shown_again is not None:
            return shown_again
        return render_template("errors/error.html", code=400,
                               title="请求无法验证", message="页面已过期或缺少安全校验，请返回刷新后重试。"), 400

    @app.errorhandler(ServiceError)
    def service_error(exc):
        if _wants_json():
            retry_after = getattr(exc, "retry_after", None)
            headers = {"Retry-After": str(retry_after)} if retry_after else None
            return error_response(exc.status, exc.code, exc.message, exc.fields, headers=headers)
        return render_template("errors/error.html", code=exc.status, title="无法完成操作", message=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc):
        code = exc.code or 500
        # Keep the exception's own headers (e.g. Allow on 405), not its HTML content type.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        if _wants_json():
            names = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                     405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
                     429: "rate_limited"}
            messages = {404: "找不到该资源", 405: "不支持该请求方法", 403: "没有权限执行此操作",
                        401: "需要登录（Bearer 令牌）", 413: "上传内容过大"}
            return error_response(code, names.get(code, "http_error"), messages.get(code, exc.description),
                                  headers=headers)
        titles = {400: "请求有误", 401: "请先登录", 403: "没有权限", 404: "页面不存在",
                  405: "不支持的请求", 413: "上传文件过大", 429: "操作过于频繁"}
        messages = {403: "您没有访问该页面的权限。", 404: "您访问的页面不存在或已被删除。",
                    413: "上传的文件超过了大小限制。"}
        return render_template("errors/error.html", code=code, title=titles.get(code, "出错了"),
                               message=messages.get(code, exc.description)), code, headers

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        if _wants_json():
            return error_response(500, "server_error", "服务器内部错误")
        return render_template("errors/error.html", code=500, title="服务器出错",
                               message="服务器暂时无法处理请求，请稍后再试。"), 500


def _register_template_helpers(app):
    from webapp.core.pagination import page_url
    from webapp.core.text import plain_text, render_markdown

    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["plaintext"] = plain_text

    @app.template_filter("datetime")
    def format_datetime(value, fmt="%Y-%m-%d %H:%M"):
        from webapp.core.timeutil import to_local

        return to_local(value).strftime(fmt) if value else ""

    @app.context_processor
    def inject_globals():
        unread = 0
        if current_user.is_authenticated:
            from webapp.notifications.services import unread_count

            unread = unread_count(current_user)
        return {"unread_notifications": unread, "site_name": "科技工作者之家"}
