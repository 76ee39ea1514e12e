"""Issue 10, findings 1 and 4: what a password change, a reset, a suspension or a logout
ends is ended on the server — API tokens, other sessions, saved session and remember
cookies — and the user is told so."""
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "Xinmima-Qiming-2026"


def me_status(client, secret):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code


def logged_in(client):
    # The account menu's log-out form is on every page only for a logged-in browser.
    return 'action="/logout"' in client.get("/").get_data(as_text=True)


def cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


def test_password_change_revokes_tokens_and_other_sessions_but_keeps_this_one(
        client, make_client, make_user, login, post_form, api_token):
    user = make_user("zhang")
    secret = api_token(user)
    other = make_client()
    assert login(client, user).status_code == 302 and login(other, user).status_code == 302
    assert me_status(client, secret) == 200 and logged_in(other)

    resp = post_form(client, "/account/password", {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
                                                   "new_password_confirm": NEW_PASSWORD}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "API 令牌" in page and "已失效" in page
    assert me_status(client, secret) == 401
    error = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).get_json()["error"]
    assert error["code"] == "invalid_token" and "修改或重置密码" in error["message"]
    assert not logged_in(other)
    assert logged_in(client)


def test_password_reset_revokes_tokens_and_every_session(client, make_client, make_user, login, post_form,
                                                         api_token, db):
    from webapp.accounts import services

    user = make_user("zhang")
    secret = api_token(user)
    other = make_client()
    assert login(other, user).status_code == 302
    token = services.make_reset_token(user)
    resp = post_form(client, f"/reset-password/{token}", {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
                     follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "API 令牌" in page
    assert me_status(client, secret) == 401
    assert not logged_in(other)
    assert login(client, user, NEW_PASSWORD).status_code == 302


def test_password_change_service_revokes_tokens(app, make_user, db):
    from webapp.accounts import services

    user = make_user("zhang")
    _, secret = services.create_token(user, "phone")
    db.session.commit()
    services.change_password(user, TEST_PASSWORD, NEW_PASSWORD)
    assert services.user_for_token(secret) is None
    assert services.active_tokens(user).count() == 0


def test_suspension_revokes_tokens_and_sessions_and_tells_the_user(client, make_client, make_user, make_staff, login,
                                                                    api_token, db, outbox):
    from webapp.accounts import services

    user, staff = make_user("zhang"), make_staff("wang")
    secret = api_token(user)
    assert login(client, user).status_code == 302
    services.suspend_user(staff, user, "发布违规内容")
    db.session.commit()
    assert me_status(client, secret) == 401
    assert not logged_in(client)
    mails = [m for m in outbox() if m["To"] == user.email]
    assert mails and "发布违规内容" in mails[-1].get_content() and "令牌" in mails[-1].get_content()


def test_a_session_cookie_saved_before_logout_no_longer_works(client, make_user, login, csrf):
    user = make_user("zhang")
    assert login(client, user).status_code == 302
    saved = cookie(client, "session")
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 302
    assert not logged_in(client)
    client.set_cookie("session", saved)
    assert not logged_in(client)


def test_a_remember_cookie_saved_before_logout_no_longer_works(client, make_client, make_user, post_form, csrf):
    user = make_user("zhang")
    resp = post_form(client, "/login", {"username": "zhang", "password": TEST_PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    remembered = cookie(client, "remember_token")
    assert remembered
    # The cookie alone logs a fresh browser in before the logout...
    fresh = make_client()
    fresh.set_cookie("remember_token", remembered)
    assert logged_in(fresh)
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 302
    # ...and not after it.
    again = make_client()
    again.set_cookie("remember_token", remembered)
    assert not logged_in(again)
    assert user.username  # the account itself is untouched


def test_remember_me_lasts_the_configured_days(app, client, make_user, post_form):
    from tests.test_security import cookie_flags, cookie_header

    assert app.config["REMEMBER_COOKIE_DAYS"] == 30
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    make_user("zhang")
    resp = post_form(client, "/login", {"username": "zhang", "password": TEST_PASSWORD, "remember": "y"})
    flags = cookie_flags(cookie_header(resp, "remember_token"))
    expires = parsedate_to_datetime(flags["expires"])
    left = expires - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30, minutes=1)  # not 365 days


def test_remember_cookie_days_is_read_from_the_environment(monkeypatch):
    from webapp.config import load_config

    monkeypatch.setenv("REMEMBER_COOKIE_DAYS", "7")
    config = load_config()
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=7)
