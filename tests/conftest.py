"""Test fixtures: an app on a migrated database (SQLite by default, PostgreSQL when
DATABASE_URL says so), factories, and helpers for forms with CSRF tokens.

Every test starts from empty tables, an empty outbox, no uploads and no throttling. Its
database work happens in one transaction, rolled back at the end: `db.session.commit()` in
the code only releases a savepoint. Tests whose data another thread, connection or app must
see commit for real and the tables are emptied afterwards: every test using the live server
(the browser tests), and those marked `real_commits` (the migration tests).
"""
import os
import re
import secrets
import shutil
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import g, request_started
from flask_sqlalchemy.session import Session as FlaskSession
from itsdangerous import URLSafeTimedSerializer

DEMO_PASSWORD = "demo-password-2026"
TEST_PASSWORD = "Correct-Horse-42"
# No search writer thread in any app the tests create (a production-mode app included): it would
# share the test's connection. Tests drain the search outbox themselves (webapp.search.indexer.drain).
os.environ.setdefault("SEARCH_WORKER", "off")


def _database_url(tmp_root):
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_root / 'test.db'}"


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory):
    return tmp_path_factory.mktemp("scientists_home")


@pytest.fixture(scope="session")
def app(tmp_root):
    from webapp import create_app
    from webapp.extensions import db

    url = _database_url(tmp_root)
    config = {
        "TESTING": True,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret-key-" + secrets.token_hex(8),
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(tmp_root / "uploads"),
        "INDEX_DIR": str(tmp_root / "index"),
        "MAIL_OUTBOX_DIR": str(tmp_root / "outbox"),
        "SMTP_HOST": "",
        "SERVER_NAME": None,
        "RATELIMIT_PREFIX": f"sh-test-{secrets.token_hex(4)}:",
        "SOCKETIO_CHANNEL": f"sh-test-{secrets.token_hex(4)}",
        # The suite's one app serves its browser tests' sockets in this process: no queue between
        # processes (the many apps a session creates rebind the shared Socket.IO object, and a
        # queued emit then went astray). tests/test_chat_processes.py runs real server processes
        # through Redis, as production does.
        "SOCKETIO_MESSAGE_QUEUE": "",
        # Flask refuses session cookies older than this; tests move the shared clock weeks ahead
        # of a login to reach deadlines.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=3650),
        # One round instead of scrypt's ~0.26 s per user; test_security checks the default.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }
    app = create_app(config)
    # Tests hold an app context open, and Flask reuses it for every test-client request,
    # so `g` (where Flask-Login caches the user and Flask-WTF the CSRF token) would leak
    # from one client's request into the next. Start each request clean, as a server would.
    request_started.connect(_forget_request_globals, app)
    with app.app_context():
        if url.startswith("postgresql"):
            _reset_postgres(db)
        from flask_migrate import upgrade

        upgrade()
        # SQLite savepoints nest in the test's outer transaction through the app's own
        # pysqlite recipe (webapp.core.db), as they do in the action's transaction.
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _forget_request_globals(sender, **extra):
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    g.pop("_api_bad_token", None)


def _reset_postgres(db):
    """Start from an empty schema. Refuses databases whose name does not mention test."""
    name = db.engine.url.database or ""
    if "test" not in name:
        raise RuntimeError(f"refusing to wipe database {name!r}: its name must contain 'test'")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")


def _clean_tables(db):
    db.session.rollback()
    tables = [t for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(db.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


class _ConnectionSession(FlaskSession):
    """A session that runs everything on the connection it is bound to (Flask-SQLAlchemy's
    get_bind would pick the engine and so open a connection outside the test's transaction)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@contextmanager
def _rolled_back(db):
    """SQLAlchemy 2.0's "join a session into an external transaction": one connection with
    an outer transaction, and db.session bound to it so that its commits only release
    savepoints; the outer transaction is rolled back at the end."""
    connection = db.engine.connect()
    outer = connection.begin()
    shared = db.session
    db.session = db._make_scoped_session({
        "class_": _ConnectionSession, "bind": connection, "join_transaction_mode": "create_savepoint",
    })
    try:
        yield
    finally:
        db.session.remove()
        db.session = shared
        outer.rollback()
        connection.close()


def _commits_for_real(request):
    # The live server answers in its own threads, on connections of its own.
    return request.node.get_closest_marker("real_commits") is not None or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    from webapp.core.mail import wait_for_background_mail
    from webapp.extensions import db

    with app.app_context():
        if _commits_for_real(request):
            yield
            db.session.remove()
            _clean_tables(db)
        else:
            with _rolled_back(db):
                yield
        app.extensions["ratelimit"].clear()
        # A mail still on its way in the background would land in the next test's outbox.
        wait_for_background_mail()
        for key in ("UPLOAD_DIR", "MAIL_OUTBOX_DIR"):
            path = Path(app.config[key])
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True, exist_ok=True)
        app.config["WTF_CSRF_ENABLED"] = True


@pytest.fixture
def db(app):
    from webapp.extensions import db as _db

    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_client(app):
    """A fresh client (another browser) — for tests with several people."""
    return lambda: app.test_client()


# ---------------------------------------------------------------- factories

@pytest.fixture
def make_user(app):
    """make_user(username=..., roles=["leader"], verified=True, position=...) → User."""
    from webapp.accounts import services
    from webapp.accounts.models import Role
    from webapp.core.db import utcnow
    from webapp.extensions import db as _db

    counter = {"n": 0}

    def factory(username=None, password=TEST_PASSWORD, roles=("member",), display_name=None, email=None,
                verified=False, real_name=None, organisation="某省科学技术协会", position="副主席", **fields):
        counter["n"] += 1
        username = username or f"user{counter['n']}"
        user = services.register_user(
            username, email or f"{username}@example.org", password, display_name or f"用户{username}",
            roles=[Role(r) for r in roles],
        )
        if verified:
            user.verified_at = utcnow()
            user.real_name = real_name or f"张{counter['n']}"
            user.organisation = organisation
            user.position = position
        for key, value in fields.items():
            setattr(user, key, value)
        _db.session.commit()
        return user

    return factory


@pytest.fixture
def make_member(make_user):
    """make_member(username=None, **fields) → a member, as registration makes one."""
    return lambda username=None, **fields: make_user(username, roles=["member"], **fields)


@pytest.fixture
def make_staff(make_user):
    """make_staff(username=None, **fields) → a member who is also staff."""
    return lambda username=None, **fields: make_user(username, roles=["member", "staff"], **fields)


@pytest.fixture
def make_admin(make_user):
    """make_admin(username=None, **fields) → a member who is also an administrator."""
    return lambda username=None, **fields: make_user(username, roles=["member", "admin"], **fields)


@pytest.fixture
def make_leader(make_user):
    """make_leader(username=None, verified=True, **fields) → a member with the leader role,
    real-name verified unless told otherwise."""
    return lambda username=None, verified=True, **fields: make_user(
        username, roles=["member", "leader"], verified=verified, **fields)


# ---------------------------------------------------------------- forms and login

def csrf_token_for(app, client):
    """Put a CSRF secret in the client's session and return the matching form token.

    Mirrors Flask-WTF's scheme (session key and salt "wtf-csrf-token").
    """
    with client.session_transaction() as sess:
        raw = sess.get("csrf_token")
        if not raw:
            raw = secrets.token_hex(20)
            sess["csrf_token"] = raw
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture
def csrf(app):
    return lambda client: csrf_token_for(app, client)


@pytest.fixture
def post_form(app):
    """post_form(client, url, data, **kw): POST a form with a valid CSRF token."""

    def _post(client, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token_for(app, client))
        return client.post(url, data=data, **kwargs)

    return _post


@pytest.fixture
def login(post_form):
    """login(client, user_or_username, password) → response of the login POST."""

    def _login(client, user, password=TEST_PASSWORD):
        username = getattr(user, "username", user)
        return post_form(client, "/login", {"username": username, "password": password})

    return _login


@pytest.fixture
def outbox(app):
    from webapp.core.mail import read_outbox

    return lambda: read_outbox(app.config["MAIL_OUTBOX_DIR"])


@pytest.fixture
def api_token(app):
    """api_token(user) → a bearer secret for the user (created through the service)."""
    from webapp.accounts import services
    from webapp.extensions import db as _db

    def _token(user, name="test"):
        _, secret = services.create_token(user, name)
        _db.session.commit()
        return secret

    return _token


@pytest.fixture
def auth_headers(api_token):
    return lambda user: {"Authorization": f"Bearer {api_token(user)}"}


def extract_csrf(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else None


# ---------------------------------------------------------------- browser tests

@pytest.fixture(scope="session")
def live_server(app):
    """The app served on a free local port in a background thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} (REQUIRE_BROWSER is set)")
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# ---------------------------------------------------------------- suggestions

@pytest.fixture
def suggestion_lists(app):
    """The default suggestion categories and screening reasons (made again in every test)."""
    from webapp.suggestions import services

    services.ensure_defaults()
    return {"categories": services.categories(), "reasons": services.screening_reasons()}


@pytest.fixture
def make_suggestion(app, make_member, make_staff, make_leader, suggestion_lists):
    """make_suggestion(author=None, state="submitted", leader=None, visibility="public",
    staff=None, title=..., body=..., addressee=None) → a Suggestion walked through the real
    services to `state` (submitted, not_accepted, accepted, assigned, answered, closed).
    Missing people are created: a member author, a staff member, a verified leader."""
    from webapp.core import ratelimit
    from webapp.extensions import db as _db
    from webapp.suggestions import services

    people = {}

    def person(key, factory, **kw):
        if key not in people:
            people[key] = factory(username=f"sg_{key}", **kw)
        return people[key]

    def walk(author=None, state="submitted", leader=None, visibility="public", staff=None,
             title="关于优化科研项目经费管理的建议", body="建议简化科研经费报销流程，减少科研人员的事务性负担。",
             addressee=None, category=None, answer="感谢您的建议，我们将认真研究并推动落实。",
             rating="satisfied"):
        author = author or person("author", make_member)
        staff = staff or person("staff", make_staff)
        category = category or suggestion_lists["categories"][0]
        s = services.submit(author, title, body, category.id, getattr(addressee, "id", None), visibility)
        # Factories build many suggestions per author; the posting limit has its own tests.
        ratelimit.reset(f"suggestion-post:{author.id}")
        if state == "submitted":
            return s
        if state == "not_accepted":
            return services.refuse(staff, s, reason_id=suggestion_lists["reasons"][0].id, note="测试")
        services.accept(staff, s)
        if state == "accepted":
            return s
        if s.assigned_leader_id is None or (leader is not None and s.assigned_leader_id != leader.id):
            leader = leader or person("leader", make_leader, real_name="王领导")
            services.assign(staff, s, leader.id)
        if state == "assigned":
            return s
        services.save_answer(s.assigned_leader, s, answer)
        if state == "answered":
            return s
        if state == "closed":
            services.rate(s.author, s, rating)
            return s
        raise ValueError(state)

    def factory(*args, **kwargs):
        suggestion = walk(*args, **kwargs)
        _db.session.commit()  # the factory call is the test's unit of work
        return suggestion

    factory.people = people
    return factory


@pytest.fixture
def production_password_hash(app, monkeypatch):
    """The configured default password hash method (production's KDF) instead of the tests' cheap one."""
    from webapp.config import load_config

    monkeypatch.delenv("PASSWORD_HASH_METHOD", raising=False)
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", load_config()["PASSWORD_HASH_METHOD"])


@pytest.fixture
def clock():
    """One frozen clock for every capability (time-machine patches datetime and time, so
    `webapp.core.db.utcnow()`, `datetime.now()` and `time.time()` agree), set by the test:
    `clock.set("2026-09-25T01:00")` (naive UTC); `clock.now` is the moment set."""

    class Clock:
        now = datetime(2026, 9, 23, 1, 0)

        def set(self, value):
            moment = datetime.fromisoformat(value) if isinstance(value, str) else value
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
            self.now = moment
            traveller.move_to(moment.replace(tzinfo=UTC))

        def set_day(self, day):
            """10:00 in Asia/Shanghai on `day` (02:00 UTC): the services' `today()` is then `day`."""
            self.set(datetime(day.year, day.month, day.day, 2, 0))

    c = Clock()
    with time_machine.travel(c.now.replace(tzinfo=UTC), tick=False) as traveller:
        yield c
