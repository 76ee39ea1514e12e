"""Production mode as an operator starts it: `APP_ENV=production` and the settings in the
environment (no test overrides). Its responses carry HSTS, the CSP and the other security
headers, and its cookies are Secure; a missing or unsafe setting (a `ConfigError`) ends
every entry point (`import wsgi`, `python wsgi.py`, the `flask` CLI, gunicorn) with one
clear line on stderr and exit status 1 — not a traceback."""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD, extract_csrf
from tests.test_security import assert_security_headers, cookie_flags, cookie_header

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
HTTPS = "https://localhost"
# Another app on another database: db.session must be its own, not the test transaction's.
pytestmark = pytest.mark.real_commits


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FLASK_APP", "FLASK_DEBUG")}
    env.update({"APP_ENV": "production", "INSTANCE_DIR": str(tmp_path / "instance"),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
                "UPLOAD_DIR": str(tmp_path / "uploads"), "INDEX_DIR": str(tmp_path / "index"),
                "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    env.update(extra)
    return env


def valid_keys():
    """The keys production requires (IDNUMBER_KEY: sec-auth's, of its own), long and random."""
    return {"SECRET_KEY": secrets.token_urlsafe(48), "IDNUMBER_KEY": secrets.token_urlsafe(48)}


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    """create_app() reading a production environment only."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.accounts import services
    from webapp.core.uow import unit_of_work
    from webapp.extensions import db

    for key in list(os.environ):
        if key in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(key)
    for key, value in production_env(tmp_path, **valid_keys()).items():
        monkeypatch.setenv(key, value)
    app = create_app()
    assert app.config["APP_ENV"] == "production" and not app.debug and not app.testing
    with app.app_context():
        upgrade()
        with unit_of_work():
            services.register_user("zhang", "zhang@example.org", TEST_PASSWORD, "张三")
        yield app
        db.session.remove()
        db.engine.dispose()


def test_pages_api_and_errors_carry_hsts_and_the_csp(production_app):
    client = production_app.test_client()
    for path in ("/", "/login", "/suggestions/", "/no-such-page", "/api/v1/openapi.json", "/api/v1/me",
                 "/api/v1/no-such-thing", "/healthz"):
        resp = client.get(path, base_url=HTTPS)
        assert resp.status_code < 500, path
        hsts = resp.headers.get("Strict-Transport-Security", "")
        assert re.fullmatch(r"max-age=(\d+).*", hsts) and int(hsts.split("=")[1].split(";")[0]) >= 31536000, path
        assert_security_headers(resp)


def test_log_in_sets_only_secure_http_only_cookies(production_app):
    client = production_app.test_client()
    token = extract_csrf(client.get("/login", base_url=HTTPS).get_data(as_text=True))
    # Over HTTPS Flask-WTF also checks that the Referer is this site, as a browser sends it.
    resp = client.post("/login", base_url=HTTPS, headers={"Referer": f"{HTTPS}/login"}, data={"username": "zhang", "password": TEST_PASSWORD,
                                                       "remember": "y", "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    names = {h.split("=", 1)[0] for h in resp.headers.getlist("Set-Cookie")}
    assert {"session", "remember_token"} <= names
    for name in names:
        flags = cookie_flags(cookie_header(resp, name))
        assert {"secure", "httponly"} <= set(flags), (name, flags)
        assert flags.get("samesite") == "Lax", (name, flags)
    assert "Strict-Transport-Security" in resp.headers


# ---------------------------------------------------------------- start-up refusals

ENTRY_POINTS = {
    "import wsgi": [PYTHON, "-c", "import wsgi"],
    "python wsgi.py": [PYTHON, "wsgi.py"],
    "flask CLI": [PYTHON, "-m", "flask", "--app", "wsgi.py", "routes"],
}


def run(command, env, timeout=60):
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def assert_one_clear_line(result, setting):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert len(lines) == 1, lines
    assert setting in lines[0] and "配置错误" in lines[0], lines[0]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_missing_secret_key_is_one_line_and_status_1(entry, tmp_path):
    assert_one_clear_line(run(ENTRY_POINTS[entry], production_env(tmp_path)), "SECRET_KEY")


@pytest.mark.parametrize("key", ["", "dev-secret-key-change-me", "short"])
def test_a_default_or_short_secret_key_too(key, tmp_path):
    assert_one_clear_line(run(ENTRY_POINTS["import wsgi"], production_env(tmp_path, SECRET_KEY=key)), "SECRET_KEY")


def test_a_malformed_integer_setting_is_a_config_error_too(tmp_path):
    env = production_env(tmp_path, SMTP_PORT="twenty-five", **valid_keys())
    assert_one_clear_line(run(ENTRY_POINTS["import wsgi"], env), "SMTP_PORT")


@pytest.mark.parametrize("preload, status", [(True, 1), (False, 4)])
def test_gunicorn_stops_with_one_line(preload, status, tmp_path):
    """With --preload the master loads the app: status 1. Without, the worker does, and exits
    with gunicorn's APP_LOAD_ERROR (4) so that the arbiter stops (it would boot a worker
    exiting 1 again for ever) with that status. Either way our line is the one complaint."""
    gunicorn = Path(PYTHON).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed next to this Python")
    command = [str(gunicorn), "--no-control-socket", "-w", "1", "-b", "127.0.0.1:0", "wsgi:app"]
    result = run(command + (["--preload"] if preload else []), production_env(tmp_path), timeout=60)
    assert result.returncode == status, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    config_lines = [line for line in result.stderr.splitlines() if "SECRET_KEY" in line]
    assert len(config_lines) == 1 and "配置错误" in config_lines[0], result.stderr[-2000:]


def test_the_mechanism_is_one_error_class(tmp_path):
    """Other start-up checks (e.g. a key required in production) raise ConfigError and get the
    same one line: the entry point catches the class, not a message."""
    from webapp.config import ConfigError, config_error_line

    line = config_error_line(ConfigError("IDNUMBER_KEY must be set in production\n(a long random value)"))
    assert "\n" not in line and line.startswith("配置错误") and "IDNUMBER_KEY" in line
