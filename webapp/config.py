"""Configuration read from the environment, with development defaults in code.

Every setting can be overridden by an environment variable of the same name.
`create_app(config)` also accepts a dict of overrides (used by tests).
"""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))

DEFAULT_SECRET_KEY = "dev-secret-key-change-me"
DEFAULT_IDNUMBER_KEY = "dev-idnumber-key-change-me"


def _bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, not {value!r}") from None


def load_config():
    """Build the settings dict from the environment (read at app creation time)."""
    env = os.environ.get("APP_ENV", "development")
    return {
        "APP_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        # Its own key for hashing resident ID numbers (core.idnumber); required in production.
        "IDNUMBER_KEY": os.environ.get("IDNUMBER_KEY") or DEFAULT_IDNUMBER_KEY,
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'scientists_home.db'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        "INDEX_DIR": os.environ.get("INDEX_DIR", str(INSTANCE_DIR / "search_index")),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "mail_outbox")),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "科技工作者之家 <noreply@localhost>"),
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000"),
        "SOCKETIO_ASYNC_MODE": os.environ.get("SOCKETIO_ASYNC_MODE", "threading"),
        # The Redis pub/sub channel of the Socket.IO message queue (channels are not per Redis
        # database: sites, or test runs, sharing a Redis server need channels of their own).
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "scientists-home"),
        # The Socket.IO message queue between server processes: REDIS_URL unless set otherwise
        # (an empty value: this process's clients only).
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE", os.environ.get("REDIS_URL", "")),
        # Upload limits
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 20 * 1024 * 1024),
        "AVATAR_MAX_BYTES": _int("AVATAR_MAX_BYTES", 5 * 1024 * 1024),
        "IMAGE_MAX_PIXELS": _int("IMAGE_MAX_PIXELS", 40_000_000),
        "PROOF_MAX_BYTES": _int("PROOF_MAX_BYTES", 10 * 1024 * 1024),
        # Login throttling: failures allowed per window, per account and per IP
        "LOGIN_FAIL_WINDOW": _int("LOGIN_FAIL_WINDOW", 15 * 60),
        "LOGIN_FAIL_LIMIT_ACCOUNT": _int("LOGIN_FAIL_LIMIT_ACCOUNT", 10),
        "LOGIN_FAIL_LIMIT_IP": _int("LOGIN_FAIL_LIMIT_IP", 30),
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 2 * 3600),
        # A correct password for an account locked by failures elsewhere gets a one-time login
        # link by e-mail, valid this long.
        "LOGIN_LINK_MAX_AGE": _int("LOGIN_LINK_MAX_AGE", 15 * 60),
        # Registration: attempts per IP and window; the e-mailed link that completes it lives this long.
        "REGISTER_LIMIT_IP": _int("REGISTER_LIMIT_IP", 20),
        "REGISTER_LIMIT_WINDOW": _int("REGISTER_LIMIT_WINDOW", 3600),
        "REGISTER_LINK_MAX_AGE": _int("REGISTER_LINK_MAX_AGE", 24 * 3600),
        # Where throttling counts: auto (Redis when REDIS_URL is set, else the database),
        # redis, database, or memory (one process only). RATELIMIT_DATABASE_URL: the database
        # store's database (default: the app's; on SQLite a sibling file <db>-ratelimit.db).
        "RATELIMIT_STORE": os.environ.get("RATELIMIT_STORE", "auto"),
        "RATELIMIT_DATABASE_URL": os.environ.get("RATELIMIT_DATABASE_URL", ""),
        # Werkzeug's password hash method: its default, scrypt (a memory-hard KDF), in
        # production; the tests use a cheap one ("pbkdf2:sha256:1") so creating users is fast.
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "API_MAX_PER_PAGE": _int("API_MAX_PER_PAGE", 100),
        "API_TOKEN_MAX_AGE_DAYS": _int("API_TOKEN_MAX_AGE_DAYS", 180),
        # How long the first answer to an Idempotency-Key (and a form's one-time token) is kept.
        "IDEMPOTENCY_KEY_HOURS": _int("IDEMPOTENCY_KEY_HOURS", 24),
        "TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        # Public holidays and exchanged working days (调休) for working-day deadlines.
        "WORK_CALENDAR_FILE": os.environ.get("WORK_CALENDAR_FILE", str(BASE_DIR / "content" / "work_calendar.json")),
        # Academic salons (学术沙龙): filed N days before they start, minutes and attendance filed
        # within N days after they end (前后10天报备).
        "SALON_FILE_DAYS_BEFORE": _int("SALON_FILE_DAYS_BEFORE", 10),
        "SALON_REPORT_DAYS_AFTER": _int("SALON_REPORT_DAYS_AFTER", 10),
        "SALON_SLIDES_MAX_BYTES": _int("SALON_SLIDES_MAX_BYTES", 15 * 1024 * 1024),
        # Suggestions to leaders (建言献策): deadlines in working days, co-signing, statistics.
        "SUGGESTION_SCREEN_DAYS": _int("SUGGESTION_SCREEN_DAYS", 3),
        "SUGGESTION_ANSWER_DAYS": _int("SUGGESTION_ANSWER_DAYS", 15),
        "SUGGESTION_REMIND_DAYS": _int("SUGGESTION_REMIND_DAYS", 3),
        "SUGGESTION_SUPPORT_THRESHOLD": _int("SUGGESTION_SUPPORT_THRESHOLD", 100),
        "SUGGESTION_STATS_MIN_SAMPLE": _int("SUGGESTION_STATS_MIN_SAMPLE", 10),
        # Seconds a worker keeps the suggestion lists' totals (cleared by its own changes;
        # other workers' can lag this long). 0: count on every page.
        "SUGGESTION_COUNT_CACHE_SECONDS": _int("SUGGESTION_COUNT_CACHE_SECONDS", 30),
        "SUGGESTION_POST_LIMIT": _int("SUGGESTION_POST_LIMIT", 5),
        "SUGGESTION_POST_WINDOW": _int("SUGGESTION_POST_WINDOW", 24 * 3600),
        "SUGGESTION_MAX_ATTACHMENTS": _int("SUGGESTION_MAX_ATTACHMENTS", 5),
        # Forum anti-spam (per account and per IP; real-name verified users and staff are exempt).
        "FORUM_NEW_POST_LIMIT": _int("FORUM_NEW_POST_LIMIT", 10),
        "FORUM_NEW_POST_WINDOW": _int("FORUM_NEW_POST_WINDOW", 3600),
        "FORUM_IP_POST_LIMIT": _int("FORUM_IP_POST_LIMIT", 60),
        "FORUM_IP_POST_WINDOW": _int("FORUM_IP_POST_WINDOW", 3600),
        "FORUM_LINK_MIN_POSTS": _int("FORUM_LINK_MIN_POSTS", 3),
        "FORUM_IMAGE_MAX_BYTES": _int("FORUM_IMAGE_MAX_BYTES", 5 * 1024 * 1024),
        # Chat (webapp.chat): messages one member may send per window (seconds), in all rooms.
        "CHAT_RATE_LIMIT": _int("CHAT_RATE_LIMIT", 5),
        "CHAT_RATE_WINDOW": _int("CHAT_RATE_WINDOW", 5),
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are
        # trusted (so per-IP throttling sees the client's address). 0: none.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        # "Remember me" keeps a browser logged in this many days (logout or a password
        # change ends it earlier, on the server).
        "REMEMBER_COOKIE_DAYS": _int("REMEMBER_COOKIE_DAYS", 30),
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int("REMEMBER_COOKIE_DAYS", 30)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,
        "JSON_AS_ASCII": False,
    }


class ConfigError(RuntimeError):
    """A setting the app cannot or must not start with (missing, unsafe, malformed).

    Every start-up check raises this one class; the entry points (wsgi.py, hence the
    `flask` CLI and gunicorn) print it as one line on stderr and exit with status 1
    (`exit_on_config_error`) instead of a traceback.
    """


def config_error_line(exc):
    """The one line an operator reads for `exc`."""
    return "配置错误 (configuration error): " + " ".join(str(exc).split())


def exit_on_config_error(exc):
    """End the process on a ConfigError: its one line on stderr, exit status 1.

    In a gunicorn worker (the app is loaded there unless `--preload`) the status is
    gunicorn's APP_LOAD_ERROR (4), on which the arbiter stops with that status instead of
    booting the worker again and again."""
    import sys
    import traceback

    print(config_error_line(exc), file=sys.stderr, flush=True)
    in_gunicorn_worker = "gunicorn" in os.environ.get("SERVER_SOFTWARE", "") and any(
        frame.name == "init_process" for frame in traceback.extract_stack())
    raise SystemExit(4 if in_gunicorn_worker else 1)


def check_production(config):
    if config.get("APP_ENV") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if not key or key == DEFAULT_SECRET_KEY or len(key) < 16:
        raise ConfigError(
            "SECRET_KEY must be set to a long random value in production "
            "(refusing to start with a missing or default key)."
        )
    id_key = config.get("IDNUMBER_KEY") or ""
    if not id_key or id_key == DEFAULT_IDNUMBER_KEY or len(id_key) < 16 or id_key == key:
        raise ConfigError(
            "IDNUMBER_KEY must be set to a long random value of its own in production, not SECRET_KEY "
            "(it keys the hash of resident ID numbers; refusing to start without it)."
        )
