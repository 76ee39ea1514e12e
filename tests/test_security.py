"""Security headers, cookie flags, CSRF on forms, production start-up checks and
password hashing."""
import secrets
from html.parser import HTMLParser

import pytest
from flask import session

from tests.conftest import TEST_PASSWORD

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(resp):
    for name, value in HEADERS.items():
        assert resp.headers.get(name) == value, (name, resp.headers.get(name))
    assert resp.headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "same-origin", "no-referrer")
    csp = csp_directives(resp.headers["Content-Security-Policy"])
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src is not None
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        assert unsafe not in script_src, f"script-src allows {unsafe}"
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    return csp


def cookie_header(resp, name):
    for header in resp.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def cookie_flags(header):
    parts = [p.strip() for p in header.split(";")][1:]
    flags = {}
    for part in parts:
        key, _, value = part.partition("=")
        flags[key.lower()] = value
    return flags


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("path", ["/", "/login", "/section/forum", "/no-such-page"])
def test_security_headers_on_html_pages(client, path):
    resp = client.get(path)
    assert resp.mimetype == "text/html"
    assert_security_headers(resp)


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/me"),               # a 401 envelope
    ("GET", "/api/v1/no-such-thing"),    # a 404 envelope
    ("POST", "/api/v1/auth/register"),   # a 400 envelope
])
def test_security_headers_on_api_responses(client, method, path):
    resp = client.open(path, method=method)
    assert resp.mimetype == "application/json"
    assert_security_headers(resp)


def test_security_headers_on_a_successful_api_call(client, make_user, auth_headers):
    resp = client.get("/api/v1/me", headers=auth_headers(make_user("zhang")))
    assert resp.status_code == 200
    assert_security_headers(resp)


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


class _InlineScriptFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block (and so break)."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self._in_inline_script = True
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "style" or "style" in attrs:
            self.problems.append(f"inline style on <{tag}> (style-src is 'self')")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append("inline <script> block")


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/section/forum", "/no-such-page"])
def test_pages_have_nothing_the_csp_would_block(client, path):
    finder = _InlineScriptFinder()
    finder.feed(client.get(path).get_data(as_text=True))
    assert finder.problems == []


def test_inline_script_finder_finds_inline_code():
    finder = _InlineScriptFinder()
    finder.feed('<script>alert(1)</script><a href="javascript:x()" onclick="y()">z</a><p style="color:red">'
                '<script src="/static/ok.js"></script>')
    assert len(finder.problems) == 4


# ---------------------------------------------------------------- cookies

def test_session_cookie_flags_after_login(client, make_user, login):
    make_user("zhang")
    resp = login(client, "zhang", TEST_PASSWORD)
    assert resp.status_code == 302, "log-in failed: the cookie checks below need a real log-in"
    header = cookie_header(resp, "session")
    assert header, resp.headers.getlist("Set-Cookie")
    flags = cookie_flags(header)
    assert "httponly" in flags
    assert flags.get("samesite") == "Lax"
    assert "secure" not in flags  # plain http in development and tests


def test_remember_cookie_flags(client, make_user, post_form):
    make_user("zhang")
    resp = post_form(client, "/login", {"username": "zhang", "password": TEST_PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    flags = cookie_flags(cookie_header(resp, "remember_token"))
    assert "httponly" in flags and flags.get("samesite") == "Lax"


def test_session_cookie_flags_from_the_session_interface(app):
    # The same check without depending on the log-in page.
    with app.test_request_context("/"):
        session["probe"] = 1
        resp = app.response_class()
        app.session_interface.save_session(app, session, resp)
    flags = cookie_flags(cookie_header(resp, app.config.get("SESSION_COOKIE_NAME", "session")))
    assert "httponly" in flags and flags.get("samesite") == "Lax"


# ---------------------------------------------------------------- CSRF

def test_register_form_without_csrf_token_is_refused(client, db):
    from webapp.accounts.models import User

    resp = client.post("/register", data={"username": "li_ming", "email": "li@example.org",
                                          "password": "Qiming-Star-2026", "password_confirm": "Qiming-Star-2026",
                                          "display_name": "李明"})
    assert resp.status_code == 400
    assert resp.mimetype == "text/html" and "安全校验" in resp.get_data(as_text=True)
    assert User.query.count() == 0


def test_login_form_without_csrf_token_is_refused(client, make_user):
    make_user("zhang")
    resp = client.post("/login", data={"username": "zhang", "password": TEST_PASSWORD})
    assert resp.status_code == 400
    with client.session_transaction() as sess:
        assert not sess.get("_user_id")


def test_logout_without_csrf_token_is_refused(client, make_user, login, csrf):
    make_user("zhang")
    assert login(client, "zhang").status_code == 302
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    with client.session_transaction() as sess:
        assert sess.get("_user_id")  # still logged in
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 302
    with client.session_transaction() as sess:
        assert not sess.get("_user_id")


def test_csrf_token_from_another_session_is_refused(client, make_client, csrf):
    other = make_client()
    token = csrf(other)
    csrf(client)  # this client has its own secret
    assert client.post("/logout", data={"csrf_token": token}).status_code == 400


def test_api_is_exempt_from_csrf_even_with_a_browser_session(client, csrf, app):
    csrf(client)  # the client now has a session with a CSRF secret, as a browser would
    assert app.config["WTF_CSRF_ENABLED"] is True
    resp = client.post("/api/v1/auth/register", json={"username": "li_ming", "email": "li@example.org",
                                                      "password": "Qiming-Star-2026", "display_name": "李明"})
    assert resp.status_code == 202  # the first step of registration: a code goes by mail


# ---------------------------------------------------------------- production start-up

@pytest.fixture
def production_config(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "APP_ENV", "REDIS_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return {
        "APP_ENV": "production",
        "IDNUMBER_KEY": "idnumber-key-for-the-production-tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "INDEX_DIR": str(tmp_path / "index"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "REDIS_URL": "",
    }


@pytest.mark.parametrize("key", [None, "", "dev-secret-key-change-me", "short-key"])
def test_production_refuses_a_missing_default_or_short_secret_key(production_config, key, tmp_path):
    from webapp import create_app
    from webapp.config import ConfigError

    if key is not None:
        production_config["SECRET_KEY"] = key
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(production_config)
    assert not (tmp_path / "uploads").exists()  # refused before touching the disk


def test_production_refuses_when_only_the_environment_says_production(production_config, monkeypatch):
    from webapp import create_app
    from webapp.config import ConfigError

    del production_config["APP_ENV"]
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError):
        create_app(production_config)


def test_production_starts_with_a_long_random_key(production_config):
    from webapp import create_app

    production_config["SECRET_KEY"] = secrets.token_urlsafe(48)
    app = create_app(production_config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug and not app.testing

    with app.test_request_context("/"):
        session["probe"] = 1
        resp = app.response_class()
        app.session_interface.save_session(app, session, resp)
    flags = cookie_flags(cookie_header(resp, "session"))
    assert {"secure", "httponly"} <= set(flags) and flags["samesite"] == "Lax"

    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    assert_security_headers(resp)


def test_production_key_from_the_environment(production_config, monkeypatch):
    from webapp import create_app

    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    assert create_app(production_config).config["SESSION_COOKIE_SECURE"] is True


def test_development_default_is_not_secure_cookie(production_config):
    from webapp import create_app

    production_config["APP_ENV"] = "development"
    app = create_app(production_config)  # the default key is fine outside production
    assert app.config["SESSION_COOKIE_SECURE"] is False


# ---------------------------------------------------------------- passwords

def test_passwords_are_stored_with_scrypt(production_password_hash, make_user, db, client, login):
    from webapp.accounts.models import User

    user = make_user("zhang")
    stored = db.session.execute(db.text("SELECT password_hash FROM users WHERE id = :id"), {"id": user.id}).scalar()
    assert stored.startswith("scrypt:")
    assert TEST_PASSWORD not in stored
    assert user.check_password(TEST_PASSWORD) and not user.check_password(TEST_PASSWORD.lower())
    # Salted: the same password gives a different hash for another user.
    other = make_user("lisi")
    assert db.session.get(User, other.id).password_hash != stored
    assert login(client, "zhang").status_code == 302


def test_api_registration_stores_scrypt_too(production_password_hash, client, db, outbox):
    import re

    from webapp.accounts.models import User

    body = {"username": "li_ming", "email": "li@example.org", "password": "Qiming-Star-2026", "display_name": "李明"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 202
    code = re.search(r"确认码：\s*(\S+)", outbox()[0].get_content()).group(1)
    resp = client.post("/api/v1/auth/register", json={**body, "code": code, "accept_terms": True})
    assert resp.status_code == 201
    assert db.session.get(User, resp.get_json()["id"]).password_hash.startswith("scrypt:")
