"""Findings 11, 12, 15 and 16: throttles that an attacker cannot turn against an account's
owner, registration throttled per IP, limits that hold across processes without Redis, and
limits that hold exactly under concurrent requests (the attempt is recorded before it is
decided, on the count the recording returned).

The concurrent tests fire threads at the live server (a real threaded WSGI server on the
session's database: SQLite with the database store, or PostgreSQL with Redis when DATABASE_URL
and REDIS_URL say so) and at the stores themselves on separate connections; the cross-process
test runs two Python processes against one database.
"""
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD
from tests.web_helpers import html, mailed_link, wait_for_link, wait_for_mail

API = "/api/v1"
ATTACKER = {"environ_base": {"REMOTE_ADDR": "203.0.113.66"}}
OWNER = {"environ_base": {"REMOTE_ADDR": "198.51.100.7"}}
ELSEWHERE = {"environ_base": {"REMOTE_ADDR": "192.0.2.200"}}
ROOT = Path(__file__).resolve().parents[2]


def login_as(post_form, client, username, password, where):
    return post_form(client, "/login", {"username": username, "password": password}, **where)


def logged_in(client):
    return client.get("/account/password").status_code == 200


# ---------------------------------------------------------------- 11: nobody can lock the owner out

def test_an_attacker_cannot_lock_the_owner_out(client, make_client, post_form, make_user, app, outbox):
    make_user("zhang")
    attacker, owner = client, make_client()
    for _ in range(app.config["LOGIN_FAIL_LIMIT_ACCOUNT"]):
        assert login_as(post_form, attacker, "zhang", "wrong-password-1", ATTACKER).status_code == 422
    locked = login_as(post_form, attacker, "zhang", "wrong-password-2", ATTACKER)
    assert locked.status_code == 429 and "已暂时锁定" in html(locked)

    # The owner, elsewhere, with the right password: the same answer, and a one-time link by mail.
    resp = login_as(post_form, owner, "zhang", TEST_PASSWORD, OWNER)
    assert resp.status_code == 429 and "已暂时锁定" in html(resp) and not logged_in(owner)
    (mail,) = wait_for_mail(outbox)
    assert mail["To"] == "zhang@example.org" and mail["Subject"] == "科技工作者之家：一次性登录链接"
    link = mailed_link(mail, "/login/link/")
    # Opening the link (as a mail scanner would) does not use it up; the button does.
    assert owner.get(link).status_code == 200 and owner.get(link).status_code == 200
    assert not logged_in(owner)
    resp = post_form(owner, link, {})
    assert resp.status_code == 302 and resp.headers["Location"] == "/u/zhang"
    assert logged_in(owner)

    # The link works once; the attacker is still refused, from anywhere, and gets no mail.
    again = post_form(make_client(), link, {})
    assert again.status_code == 400 and "已使用" in html(again)
    for where in (ATTACKER, ELSEWHERE):
        resp = login_as(post_form, make_client(), "zhang", "wrong-password-3", where)
        assert resp.status_code == 429 and not logged_in(attacker)
    assert len(wait_for_mail(outbox, 2, timeout=0.5)) == 1


def test_the_login_link_also_answers_the_api_and_dies_with_a_password_change(client, make_user, app, outbox, db):
    from webapp.accounts import services

    user = make_user("zhang")
    for _ in range(app.config["LOGIN_FAIL_LIMIT_ACCOUNT"]):
        client.post(f"{API}/auth/tokens", json={"username": "zhang", "password": "nope-nope-1"}, **ATTACKER)
    resp = client.post(f"{API}/auth/tokens", json={"username": "zhang", "password": TEST_PASSWORD}, **OWNER)
    assert resp.status_code == 429 and resp.get_json()["error"]["code"] == "account_locked"
    link = wait_for_link(outbox, "/login/link/")
    assert client.get(link).status_code == 200
    services.change_password(user, TEST_PASSWORD, "Another-Secret-77")
    db.session.commit()
    assert client.get(link).status_code == 400


def test_the_login_link_expires(client, make_user, app, outbox, clock, post_form):
    make_user("zhang")
    for _ in range(app.config["LOGIN_FAIL_LIMIT_ACCOUNT"]):
        login_as(post_form, client, "zhang", "wrong-password-1", ATTACKER)
    login_as(post_form, client, "zhang", TEST_PASSWORD, OWNER)
    link = wait_for_link(outbox, "/login/link/")
    clock.set(clock.now + timedelta(seconds=app.config["LOGIN_LINK_MAX_AGE"] + 60))
    resp = post_form(client, link, {})
    assert resp.status_code == 400 and "已过期" in html(resp)


def test_the_per_ip_limit_stays_strict_even_for_a_right_password(client, post_form, make_user, app, monkeypatch,
                                                                 outbox):
    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_IP", 5)
    for i in range(5):
        make_user(f"victim{i}")
        assert login_as(post_form, client, f"victim{i}", "wrong-password-1", ATTACKER).status_code == 422
    make_user("zhang")
    resp = login_as(post_form, client, "zhang", TEST_PASSWORD, ATTACKER)
    assert resp.status_code == 429 and "登录失败次数过多，请" in html(resp)
    assert wait_for_mail(outbox, 1, timeout=0.5) == [] and not logged_in(client)
    # Nothing was checked, so nothing counts against the account: from elsewhere it logs in.
    assert login_as(post_form, client, "zhang", TEST_PASSWORD, OWNER).status_code == 302


# ---------------------------------------------------------------- 12: registration per IP

def test_registration_is_throttled_per_ip(client, make_client, post_form, app, monkeypatch, outbox):
    assert (app.config["REGISTER_LIMIT_IP"], app.config["REGISTER_LIMIT_WINDOW"]) == (20, 3600)
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_IP", 3)

    def register(i, where=ATTACKER, browser=client):
        return post_form(browser, "/register", {"username": f"bot{i}", "email": f"bot{i}@example.org",
                                                "display_name": "机器人"}, **where)

    for i in range(3):
        assert register(i).status_code == 200
    resp = register(3)
    assert resp.status_code == 429 and "注册尝试过于频繁" in html(resp)
    assert 0 < int(resp.headers["Retry-After"]) <= 3601
    api = client.post(f"{API}/auth/register", json={"username": "bot9", "email": "bot9@example.org",
                                                    "password": "Qiming-Star-2026", "display_name": "机器人"},
                      **ATTACKER)
    assert api.status_code == 429 and api.headers["Retry-After"]
    assert len(outbox()) == 3
    assert register(4, OWNER, make_client()).status_code == 200  # another address is not held up
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_IP", 100)  # what load scripts do
    assert register(5).status_code == 200


# ---------------------------------------------------------------- 16: exact limits under concurrency

def _post(url, payload, headers=None):
    data, content_type = json.dumps(payload).encode(), "application/json"
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _fire(n, fn):
    barrier = threading.Barrier(n)

    def one(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return sorted(pool.map(one, range(n)))


@pytest.mark.real_commits
def test_concurrent_wrong_passwords_get_exactly_the_limit(live_server, app, make_user, monkeypatch,
                                                          production_password_hash):
    """Before: 50 concurrent attempts got 13 to 30 password checks through a limit of 10."""
    make_user("target")
    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_IP", 1000)
    limit = app.config["LOGIN_FAIL_LIMIT_ACCOUNT"]
    statuses = _fire(30, lambda i: _post(f"{live_server}{API}/auth/tokens",
                                         {"username": "target", "password": f"wrong-password-{i}"}))
    assert statuses.count(422) == limit and statuses.count(429) == 30 - limit, statuses


@pytest.fixture
def own_server(tmp_path):
    """The app as deployed, in a threaded server of its own: on a fresh SQLite file (the test
    app's engine emits BEGIN at the first SELECT, so concurrent writers on SQLite collide
    there, which the app's own engine does not), or on PostgreSQL and Redis when DATABASE_URL
    says so. Yields (app, base URL)."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from webapp import create_app
    from webapp.extensions import db

    base = os.environ.get("DATABASE_URL", "")
    url = base if base.startswith("postgresql") else f"sqlite:///{tmp_path / 'own.db'}"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "own-server-" + "x" * 20, "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(tmp_path / "u"), "INDEX_DIR": str(tmp_path / "i"), "MAIL_OUTBOX_DIR": str(tmp_path / "o"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", "RATELIMIT_PREFIX": f"sh-test-own-{os.getpid()}:",
        "REDIS_URL": os.environ.get("REDIS_URL", "") if url == base else "",
    })
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        app.extensions["ratelimit"].clear()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.real_commits
def test_concurrent_submissions_get_exactly_the_posting_limit(own_server, monkeypatch):
    """Before: 7 of 5 got through with Redis on gevent. Here every submission that gets past the
    limit waits (up to 1.5 s) for the others inside the checks, as a slow request would: the
    old check-then-count let all of them through."""
    from webapp.accounts import services as accounts
    from webapp.core.db import utcnow
    from webapp.extensions import db
    from webapp.suggestions import services
    from webapp.suggestions.models import Suggestion

    app, url = own_server
    app.config["SUGGESTION_POST_LIMIT"] = 3
    with app.app_context():
        services.ensure_defaults()
        author = accounts.register_user("prolific", "prolific@example.org", TEST_PASSWORD, "多产者")
        token, secret = accounts.create_token(author, "load")
        token.last_used_at = utcnow()  # a client busy with its token: no write when it authenticates
        category_id = services.categories()[0].id
        db.session.commit()
        author_id = author.id
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"title": "关于优化科研项目经费管理的建议", "body": "建议简化科研经费报销流程，减少科研人员的事务性负担。" * 2,
            "category_id": category_id, "visibility": "public"}
    from webapp.suggestions.services import submission

    checks, arrived, all_in = submission.suggestion_problems, [], threading.Event()

    def slow_checks(*args, **kwargs):
        arrived.append(1)
        if len(arrived) == 12:
            all_in.set()
        all_in.wait(timeout=1.5)
        return checks(*args, **kwargs)

    monkeypatch.setattr(submission, "suggestion_problems", slow_checks)
    statuses = _fire(12, lambda i: _post(f"{url}{API}/suggestions", body, headers))
    assert statuses.count(201) == 3 and statuses.count(429) == 9, statuses
    with app.app_context():
        assert Suggestion.query.filter_by(author_id=author_id).count() == 3
        db.session.remove()


@pytest.fixture(params=["database", "redis"])
def shared_store(request, tmp_path):
    """A store that several processes share, on connections of its own."""
    from webapp.core.ratelimit import DatabaseBackend, RedisBackend

    if request.param == "redis":
        url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
        try:
            store = RedisBackend(url, prefix=f"sh-test-conc-{os.getpid()}:")
            store._redis.ping()
        except Exception as exc:  # noqa: BLE001 - no server to test against
            pytest.skip(f"Redis not reachable at {url} ({exc.__class__.__name__})")
    else:
        url = os.environ.get("DATABASE_URL", "")
        store = DatabaseBackend(url if url.startswith("postgresql") else f"sqlite:///{tmp_path / 'conc.db'}")
    store.clear()
    yield store
    store.clear()
    if hasattr(store, "dispose"):
        store.dispose()


def test_concurrent_attempts_on_a_store_are_counted_exactly(shared_store):
    # Every attempt is recorded with a different count: no two are decided on the same one.
    assert _fire(40, lambda i: shared_store.add("race", 600)[1]) == list(range(1, 41))


def test_concurrent_attempts_let_exactly_the_limit_through(shared_store):
    from webapp.core.ratelimit import Attempt

    def attempt(i):
        member, n, retry = shared_store.add("race", 600)
        a = Attempt("race", member, n, 10, retry, shared_store)
        if not a.allowed:
            a.release()  # refused attempts are given back, as the services do
        return a.allowed

    assert _fire(40, attempt).count(True) == 10
    assert shared_store.count("race", 600)[0] == 10


# ---------------------------------------------------------------- 15: across processes, without Redis

WORKER = """
import json, sys
from webapp import create_app
from webapp.accounts import services
from webapp.core.errors import RateLimited, ValidationError
url, login, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": "",
                  "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", "LOGIN_FAIL_LIMIT_IP": 10000})
if login == "--migrate":
    from flask_migrate import upgrade
    with app.app_context():
        upgrade()
    sys.exit(0)
seen = {"checked": 0, "refused": 0}
with app.test_request_context():
    for i in range(n):
        try:
            services.authenticate(login, "wrong-password", ip=f"10.0.{i}.1")
        except ValidationError:
            seen["checked"] += 1
        except RateLimited:
            seen["refused"] += 1
print(json.dumps(seen))
"""


@pytest.mark.real_commits
def test_two_processes_without_redis_share_the_login_limit(tmp_path):
    """Before: with two workers the 10-failure limit let 20 through."""
    base = os.environ.get("DATABASE_URL", "")
    url = base if base.startswith("postgresql") else f"sqlite:///{tmp_path / 'two.db'}"
    env = {**os.environ, "INSTANCE_DIR": str(tmp_path), "UPLOAD_DIR": str(tmp_path / "u"),
           "INDEX_DIR": str(tmp_path / "i"), "MAIL_OUTBOX_DIR": str(tmp_path / "o")}
    env.pop("REDIS_URL", None)
    env.pop("RATELIMIT_STORE", None)
    run = [sys.executable, "-c", WORKER, url]
    if not base.startswith("postgresql"):
        subprocess.run([*run, "--migrate", "0"], check=True, cwd=ROOT, env=env, capture_output=True, timeout=120)
    login = f"ghost-{os.getpid()}-{tmp_path.name}"
    workers = [subprocess.Popen([*run, login, "15"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["checked"] for r in results) == 10, results
    assert sum(r["refused"] for r in results) == 20, results


def test_a_failure_outlives_the_rollback_of_its_request(app, client, post_form, make_user):
    """A refused login answers 4xx, which rolls the request's unit of work back: the store must
    not be part of it (the database store writes on a connection of its own)."""
    from webapp.core.ratelimit import DatabaseBackend, RedisBackend

    store = app.extensions["ratelimit"]
    assert isinstance(store, RedisBackend if os.environ.get("REDIS_URL") else DatabaseBackend)
    make_user("zhang")
    assert login_as(post_form, client, "zhang", "wrong-password-1", ATTACKER).status_code == 422
    assert store.count("login:acct:zhang", app.config["LOGIN_FAIL_WINDOW"])[0] == 1
    assert store.count("login:ip:203.0.113.66", app.config["LOGIN_FAIL_WINDOW"])[0] == 1
    # A success is not a failure: its attempt is given back (and the account's failures forgotten).
    assert login_as(post_form, make_fresh(client), "zhang", TEST_PASSWORD, ATTACKER).status_code == 302
    assert store.count("login:acct:zhang", app.config["LOGIN_FAIL_WINDOW"])[0] == 0
    assert store.count("login:ip:203.0.113.66", app.config["LOGIN_FAIL_WINDOW"])[0] == 1


def make_fresh(client):
    return client.application.test_client()
