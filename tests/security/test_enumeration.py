"""Finding 10 (user enumeration): registration answers the same whether or not an address is
registered (the address's owner is told by mail instead), the username check is throttled,
and the per-account login throttle does not tell that a username and an address are one account."""
import re

from tests.conftest import TEST_PASSWORD
from tests.web_helpers import html, mailed_link

API = "/api/v1"


def registration(username, email):
    return {"username": username, "email": email, "display_name": "某研究员"}


def _page(resp, email):
    # The page names the address typed; nothing else may differ.
    text = html(resp).replace(email, "EMAIL")
    return re.sub(r'name="csrf_token"[^>]*>', "", text)


def test_registration_page_answers_the_same_for_a_taken_address(client, make_client, post_form, make_user, outbox,
                                                                db):
    from webapp.accounts.models import User

    make_user("owner", email="owner@example.org")
    taken = post_form(client, "/register", registration("newcomer1", "OWNER@example.org"))
    other = make_client()
    free = post_form(other, "/register", registration("newcomer2", "free@example.org"))
    assert taken.status_code == free.status_code == 200
    assert _page(taken, "OWNER@example.org") == _page(free, "free@example.org")
    assert "该邮箱已被注册" not in html(taken)
    # Only the mails differ: the owner hears that they already have an account.
    mails = {m["To"]: m for m in outbox()}
    assert set(mails) == {"owner@example.org", "free@example.org"}
    assert mails["owner@example.org"]["Subject"] == "科技工作者之家：您已有账号"
    assert "用户名：owner" in mails["owner@example.org"].get_content()
    assert mailed_link(mails["owner@example.org"], "/register/complete/") is None
    assert mailed_link(mails["free@example.org"], "/register/complete/")
    assert User.query.count() == 1  # nothing created for either until a link is used


def test_registration_api_answers_the_same_for_a_taken_address(client, make_user, outbox):
    make_user("owner", email="owner@example.org")
    body = {"password": "Qiming-Star-2026", "display_name": "某研究员"}
    taken = client.post(f"{API}/auth/register", json={"username": "new1", "email": "owner@example.org", **body})
    free = client.post(f"{API}/auth/register", json={"username": "new2", "email": "free@example.org", **body})
    assert taken.status_code == free.status_code == 202
    assert taken.get_json()["message"].replace("owner@", "X@") == free.get_json()["message"].replace("free@", "X@")
    assert sorted(m["Subject"] for m in outbox()) == ["科技工作者之家：完成注册", "科技工作者之家：您已有账号"]


def test_a_flood_of_registrations_mails_an_address_only_a_few_times(client, make_user, app, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_IP", 100)
    make_user("owner", email="owner@example.org")
    body = {"password": "Qiming-Star-2026", "display_name": "某研究员", "email": "owner@example.org"}
    for i in range(8):
        assert client.post(f"{API}/auth/register", json={"username": f"new{i}", **body}).status_code == 202
    assert len(outbox()) == 3


def test_the_username_check_is_throttled_per_ip(client, make_client, post_form, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_IP", 3)
    make_user("taken_name")
    for i in range(3):
        resp = post_form(client, "/register", registration("taken_name", f"x{i}@example.org"))
        assert resp.status_code == 422 and "该用户名已被注册" in html(resp)
    resp = post_form(client, "/register", registration("taken_name", "y@example.org"))
    assert resp.status_code == 429 and "该用户名已被注册" not in html(resp)
    assert "注册尝试过于频繁" in html(resp) and int(resp.headers["Retry-After"]) > 0
    # The API shares the count, and answers before it looks at the body.
    resp = client.post(f"{API}/auth/register", json={"username": "taken_name"})
    assert resp.status_code == 429 and "username" not in resp.get_json()["error"]["fields"]


def test_username_and_address_of_one_account_do_not_share_a_lock(client, make_user, app, monkeypatch):
    """Before: 5 failures under the username + 5 under the address tripped one lock of 10."""
    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_ACCOUNT", 4)
    make_user("zhang", email="zhang@example.org")
    make_user("lisi", email="lisi@example.org")

    def attempt(login, ip):
        return client.post(f"{API}/auth/tokens", json={"username": login, "password": "wrong-password-1"},
                           environ_base={"REMOTE_ADDR": ip}).status_code

    for i in range(4):
        assert attempt("zhang", f"198.51.100.{i}") == 422
    # The account's address answers exactly as an unrelated account's does.
    assert attempt("zhang@example.org", "198.51.100.50") == attempt("lisi@example.org", "198.51.100.51") == 422
    assert attempt("zhang", "198.51.100.52") == 429


def test_a_locked_login_answers_the_same_for_any_account_and_any_password(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_ACCOUNT", 2)
    make_user("zhang")

    def token(login, password, ip):
        return client.post(f"{API}/auth/tokens", json={"username": login, "password": password},
                           environ_base={"REMOTE_ADDR": ip})

    for login in ("zhang", "nobody"):
        for i in range(2):
            token(login, "wrong-password-1", f"192.0.2.{i}")
    answers = [token("zhang", TEST_PASSWORD, "192.0.2.10"), token("zhang", "wrong-password-2", "192.0.2.11"),
               token("nobody", "wrong-password-2", "192.0.2.12")]
    bodies = {(r.status_code, re.sub(r"\d+ 分钟", "N 分钟", r.get_json()["error"]["message"])) for r in answers}
    assert len(bodies) == 1 and bodies.pop()[0] == 429


def test_a_locked_login_does_not_wait_for_the_mail_a_right_password_sends(client, make_user, app, monkeypatch):
    """Sending the login link inside the request would make a right password answer slower."""
    import time

    from webapp.core import mail

    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_ACCOUNT", 1)
    make_user("zhang")
    client.post(f"{API}/auth/tokens", json={"username": "zhang", "password": "wrong-password-1"})
    sent = []
    monkeypatch.setattr(mail, "deliver", lambda *a: (time.sleep(1.0), sent.append(a)))
    started = time.monotonic()
    resp = client.post(f"{API}/auth/tokens", json={"username": "zhang", "password": TEST_PASSWORD},
                       environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert resp.status_code == 429 and time.monotonic() - started < 0.5
    deadline = time.monotonic() + 5
    while not sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sent  # it was sent, in the background
