"""The accounts API: registration, bearer tokens (hashed, listable, revocable), /me,
throttled token creation, and the rule that the API never trusts the session cookie."""
import hashlib
import re
from datetime import timedelta

import pytest

from tests.conftest import TEST_PASSWORD
from tests.web_helpers import wait_for_mail

STRONG_PASSWORD = "Qiming-Star-2026"


# ---------------------------------------------------------------- helpers

def assert_error(resp, status, code=None):
    """The response is the API error envelope with `status`; returns the error object."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if code is not None:
        assert error["code"] == code, error
    return error


def has_chinese(text):
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def new_token(client, username, password=TEST_PASSWORD, **kw):
    return client.post("/api/v1/auth/tokens", json={"username": username, "password": password}, **kw)


def registration(**overrides):
    body = {"username": "li_ming", "email": "li.ming@example.org", "password": STRONG_PASSWORD,
            "display_name": "李明", "accept_terms": True}
    body.update(overrides)
    return body


@pytest.fixture
def suspend(db):
    from webapp.core.db import utcnow

    def _suspend(user, reason="违反社区规定"):
        user.suspended_at = utcnow()
        user.suspended_reason = reason
        db.session.commit()

    return _suspend


# ---------------------------------------------------------------- register

def registration_code(outbox, to="li.ming@example.org"):
    (mail,) = [m for m in outbox() if m["To"] == to]
    return re.search(r"确认码：\s*(\S+)", mail.get_content()).group(1)


def test_register_mails_a_code_and_the_second_request_creates_the_member(client, db, outbox):
    from webapp.accounts.models import User

    resp = client.post("/api/v1/auth/register", json=registration())
    assert resp.status_code == 202
    assert resp.get_json() == {"message": "我们已向 li.ming@example.org 发送了一封邮件，请在 24 小时内按邮件中的说明完成注册。"}
    assert User.query.count() == 0
    resp = client.post("/api/v1/auth/register", json=registration(code=registration_code(outbox)))
    assert resp.status_code == 201
    body = resp.get_json()
    user = db.session.get(User, body["id"])
    assert user is not None and user.username == "li_ming"
    assert body["url"] == "/u/li_ming"
    assert body["username"] == "li_ming" and body["display_name"] == "李明"
    assert body["roles"] == ["member"] and body["verified"] is False
    # The public user shape: nothing secret, and no e-mail (that is only in /me).
    text = resp.get_data(as_text=True)
    for leaked in (STRONG_PASSWORD, "li.ming@example.org", user.password_hash):
        assert leaked not in text
    assert not {"password", "password_hash", "email"} & set(body)
    # The account really works.
    assert new_token(client, "li_ming", STRONG_PASSWORD).status_code == 201
    # The code is used up.
    again = client.post("/api/v1/auth/register", json=registration(code=registration_code(outbox)))
    assert assert_error(again, 422)["fields"] == {"code": "该注册链接已使用过，请直接登录"}


def test_a_code_is_only_good_for_its_own_username_and_address(client, db, outbox):
    from webapp.accounts.models import User

    client.post("/api/v1/auth/register", json=registration())
    code = registration_code(outbox)
    for other in ({"username": "someone_else"}, {"email": "other@example.org"}):
        error = assert_error(client.post("/api/v1/auth/register", json=registration(code=code, **other)), 422)
        assert set(error["fields"]) == {"code"}
    assert assert_error(client.post("/api/v1/auth/register", json=registration(code="forged")), 422)["fields"] == {
        "code": "注册链接无效"}
    assert User.query.count() == 0


def test_register_needs_no_csrf_token_and_sets_no_session(client, app, outbox):
    assert app.config["WTF_CSRF_ENABLED"] is True
    resp = client.post("/api/v1/auth/register", json=registration())
    assert resp.status_code == 202
    assert "Set-Cookie" not in resp.headers
    resp = client.post("/api/v1/auth/register", json=registration(code=registration_code(outbox)))
    assert resp.status_code == 201
    assert "Set-Cookie" not in resp.headers


def test_register_duplicate_username_is_a_field_error(client, make_user):
    make_user("li_ming", email="other@example.org")
    error = assert_error(client.post("/api/v1/auth/register", json=registration(username="LI_MING")),
                         422, "validation_error")
    assert set(error["fields"]) == {"username"}
    assert error["fields"]["username"] == "该用户名已被注册"


@pytest.mark.parametrize("email", ["not-an-email", "li@", "@example.org", "li ming@example.org", ""])
def test_register_bad_email(client, email):
    error = assert_error(client.post("/api/v1/auth/register", json=registration(email=email)), 422)
    assert "email" in error["fields"] and has_chinese(error["fields"]["email"])


@pytest.mark.parametrize("password, why", [
    ("short1!", "至少需要 10 个字符"),
    ("password123", "过于简单"),
    ("1234567890", "过于简单"),       # a common one
    ("98127364519283", "全部是数字"),
    ("li_ming-is-great", "不能包含用户名"),
    ("aaaaabbbbbbbb", "过于简单"),     # too few distinct characters
])
def test_register_weak_password(client, db, password, why):
    from webapp.accounts.models import User

    error = assert_error(client.post("/api/v1/auth/register", json=registration(password=password)), 422)
    assert set(error["fields"]) == {"password"}
    assert why in error["fields"]["password"]
    assert User.query.count() == 0


def test_register_reports_every_bad_field_at_once(client):
    error = assert_error(client.post("/api/v1/auth/register", json={}), 422)
    # 用户协议 is accepted in the request that makes the account (the one with the code).
    assert set(error["fields"]) == {"username", "email", "password", "display_name"}


@pytest.mark.parametrize("field, value", [("username", 123), ("email", ["a@b.org"]), ("password", {"x": 1}),
                                          ("display_name", True)])
def test_register_non_string_fields_are_field_errors_not_crashes(client, field, value):
    error = assert_error(client.post("/api/v1/auth/register", json=registration(**{field: value})), 422)
    assert set(error["fields"]) == {field}


@pytest.mark.parametrize("kwargs", [
    {"data": '{"username": "li_ming", ', "content_type": "application/json"},   # malformed JSON
    {"data": "[1, 2, 3]", "content_type": "application/json"},                  # an array, not an object
    {"json": ["li_ming", "li.ming@example.org"]},
    {"data": '"just a string"', "content_type": "application/json"},
    {"data": "null", "content_type": "application/json"},
    {"data": "", "content_type": "application/json"},
    {"data": {"username": "li_ming"}},                                          # a form, not JSON
])
def test_register_body_that_is_not_a_json_object_is_400(client, kwargs):
    error = assert_error(client.post("/api/v1/auth/register", **kwargs), 400, "malformed_json")
    assert error["fields"] == {}


# ---------------------------------------------------------------- tokens

def test_token_is_created_and_only_its_hash_is_stored(client, make_user, db):
    from webapp.accounts.models import ApiToken

    user = make_user("zhang")
    resp = client.post("/api/v1/auth/tokens", json={"username": "zhang", "password": TEST_PASSWORD,
                                                    "name": "我的手机"})
    assert resp.status_code == 201
    body = resp.get_json()
    secret = body["token"]
    assert len(secret) >= 40
    assert body["name"] == "我的手机"
    assert secret.startswith(body["prefix"]) and len(body["prefix"]) < len(secret) // 3
    assert body["user"]["id"] == user.id and body["user"]["email"] == "zhang@example.org"
    assert body["expires_at"] and body["created_at"]

    rows = ApiToken.query.all()
    assert len(rows) == 1 and rows[0].id == body["id"]
    assert rows[0].token_hash == hashlib.sha256(secret.encode()).hexdigest()
    for column in ApiToken.__table__.columns:
        assert secret not in str(getattr(rows[0], column.key)), column.key
    # Also straight from the table, in case a column is not mapped.
    for row in db.session.execute(db.text("SELECT * FROM api_tokens")):
        assert all(secret not in str(value) for value in row)


def test_each_token_is_different(client, make_user):
    make_user("zhang")
    first = new_token(client, "zhang").get_json()["token"]
    second = new_token(client, "zhang").get_json()["token"]
    assert first != second


def test_token_by_email_and_any_case(client, make_user):
    make_user("zhang")
    assert new_token(client, "ZHANG@example.org").status_code == 201
    assert new_token(client, "Zhang").status_code == 201


def test_token_defaults_its_name_to_the_user_agent(client, make_user):
    make_user("zhang")
    resp = new_token(client, "zhang", headers={"User-Agent": "KexieApp/2.1 (Android 14)"})
    assert resp.get_json()["name"] == "KexieApp/2.1 (Android 14)"


def test_token_creation_needs_no_csrf_token(client, make_user, app):
    make_user("zhang")
    assert app.config["WTF_CSRF_ENABLED"] is True
    # A browser-like client with a session but no CSRF token at all.
    client.get("/")
    resp = new_token(client, "zhang")
    assert resp.status_code == 201
    assert "Set-Cookie" not in resp.headers  # the API does not start sessions


def test_token_wrong_password(client, make_user, db):
    from webapp.accounts.models import ApiToken

    make_user("zhang")
    error = assert_error(new_token(client, "zhang", "wrong-password-1"), 422, "invalid_credentials")
    assert error["message"] == "用户名或密码错误"
    # Unknown users get exactly the same answer.
    assert assert_error(new_token(client, "nobody", "wrong-password-1"), 422)["message"] == error["message"]
    assert ApiToken.query.count() == 0


@pytest.mark.parametrize("body, fields", [
    ({}, {"username", "password"}),
    ({"username": "zhang"}, {"password"}),
    ({"password": TEST_PASSWORD}, {"username"}),
    ({"username": "zhang", "password": 12345678901}, {"password"}),
    ({"username": ["zhang"], "password": TEST_PASSWORD}, {"username"}),
    ({"username": "zhang", "password": TEST_PASSWORD, "name": 7}, {"name"}),
])
def test_token_request_validation(client, make_user, body, fields):
    make_user("zhang")
    error = assert_error(client.post("/api/v1/auth/tokens", json=body), 422)
    assert set(error["fields"]) == fields


def test_token_malformed_json(client):
    assert_error(client.post("/api/v1/auth/tokens", data="{", content_type="application/json"), 400, "malformed_json")
    assert_error(client.post("/api/v1/auth/tokens", json=[1]), 400, "malformed_json")


def test_suspended_user_cannot_get_a_token(client, make_user, suspend, db):
    from webapp.accounts.models import ApiToken

    suspend(make_user("zhang"), reason="违反社区规定")
    error = assert_error(new_token(client, "zhang"), 422, "account_suspended")
    assert "已被停用" in error["message"] and "违反社区规定" in error["message"]
    assert ApiToken.query.count() == 0


def test_suspension_ends_existing_tokens(client, make_user, api_token, suspend):
    user = make_user("zhang")
    secret = api_token(user)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    suspend(user)
    assert_error(client.get("/api/v1/me", headers=bearer(secret)), 401, "invalid_token")


# ---------------------------------------------------------------- /me

def test_me_with_a_fresh_token(client, make_user):
    make_user("zhang", display_name="张三")
    secret = new_token(client, "zhang").get_json()["token"]
    resp = client.get("/api/v1/me", headers=bearer(secret))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["username"] == "zhang" and body["display_name"] == "张三"
    assert body["url"] == "/u/zhang"
    assert body["email"] == "zhang@example.org"
    assert body["unread_notifications"] == 0
    assert "password_hash" not in body and TEST_PASSWORD not in resp.get_data(as_text=True)
    assert "Set-Cookie" not in resp.headers


def test_me_bio_html_is_escaped(client, make_user, auth_headers):
    user = make_user("zhang", bio="<script>alert(1)</script>\n\n第二段")
    body = client.get("/api/v1/me", headers=auth_headers(user)).get_json()
    assert body["bio"] == "<script>alert(1)</script>\n\n第二段"
    assert "<script" not in body["bio_html"] and body["bio_html"].endswith("<p>第二段</p>")


def test_me_without_a_token_is_401(client):
    resp = client.get("/api/v1/me")
    error = assert_error(resp, 401, "unauthorized")
    assert has_chinese(error["message"])
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert "invalid_token" not in resp.headers["WWW-Authenticate"]


def test_forged_token_challenge_names_invalid_token(client):
    resp = client.get("/api/v1/me", headers={"Authorization": "Bearer sh_forged"})
    assert_error(resp, 401, "invalid_token")
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'


@pytest.mark.parametrize("header", [
    "Bearer sh_not-a-real-token",
    "Bearer ",
    "bearer sh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
])
def test_me_with_a_bad_token_is_401(client, make_user, header):
    make_user("zhang")
    resp = client.get("/api/v1/me", headers={"Authorization": header})
    assert_error(resp, 401)
    assert "Bearer" in resp.headers["WWW-Authenticate"]


def test_me_with_another_auth_scheme_is_401(client, make_user):
    make_user("zhang")
    resp = client.get("/api/v1/me", auth=("zhang", TEST_PASSWORD))  # HTTP Basic is not accepted
    assert_error(resp, 401, "unauthorized")


def test_expired_token_is_401(client, make_user, api_token, db):
    from webapp.accounts.models import ApiToken
    from webapp.core.db import utcnow

    secret = api_token(make_user("zhang"))
    token = ApiToken.query.one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=bearer(secret)), 401, "invalid_token")


def test_token_use_is_recorded(client, make_user, api_token, db):
    from webapp.accounts.models import ApiToken

    secret = api_token(make_user("zhang"))
    assert ApiToken.query.one().last_used_at is None
    client.get("/api/v1/me", headers=bearer(secret))
    db.session.expire_all()
    assert ApiToken.query.one().last_used_at is not None


def test_session_cookie_alone_does_not_authenticate_the_api(client, make_user, api_token):
    user = make_user("zhang")
    keep = api_token(user)
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    # The session is a real login for the HTML pages...
    assert client.get("/account/password").status_code == 200
    # ...but the API ignores it, for reads and for writes.
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")
    assert_error(client.get("/api/v1/auth/tokens"), 401)
    token_id = client.get("/api/v1/auth/tokens", headers=bearer(keep)).get_json()["items"][0]["id"]
    assert_error(client.delete(f"/api/v1/auth/tokens/{token_id}"), 401)
    assert client.get("/api/v1/me", headers=bearer(keep)).status_code == 200


def test_bearer_token_wins_over_a_session_for_someone_else(client, make_user, api_token):
    zhang, li = make_user("zhang"), make_user("lisi")
    with client.session_transaction() as sess:
        sess["_user_id"] = zhang.get_id()
    body = client.get("/api/v1/me", headers=bearer(api_token(li))).get_json()
    assert body["username"] == "lisi"


# ---------------------------------------------------------------- list and revoke

def test_list_tokens_shows_the_callers_active_tokens_without_secrets(client, make_user):
    make_user("zhang")
    make_user("lisi")
    created = [client.post("/api/v1/auth/tokens", json={"username": "zhang", "password": TEST_PASSWORD,
                                                        "name": f"设备{i}"}).get_json() for i in range(3)]
    new_token(client, "lisi")
    resp = client.get("/api/v1/auth/tokens", headers=bearer(created[0]["token"]))
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert body["total"] == 3 and body["page"] == 1
    assert [t["id"] for t in body["items"]] == [c["id"] for c in reversed(created)]  # newest first
    assert [t["name"] for t in body["items"]] == ["设备2", "设备1", "设备0"]
    text = resp.get_data(as_text=True)
    for c in created:
        assert c["token"] not in text
    assert all("token" not in t for t in body["items"])


def test_list_tokens_is_paginated_and_capped(client, make_user, api_token, app):
    user = make_user("zhang")
    secrets_ = [api_token(user, f"t{i}") for i in range(5)]
    headers = bearer(secrets_[0])
    body = client.get("/api/v1/auth/tokens?page=2&per_page=2", headers=headers).get_json()
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)
    assert [t["name"] for t in body["items"]] == ["t2", "t1"]
    body = client.get("/api/v1/auth/tokens?per_page=100000", headers=headers).get_json()
    assert body["per_page"] == app.config["API_MAX_PER_PAGE"] and len(body["items"]) == 5
    # What the document refuses the API refuses too (tests/security/test_schema_agreement.py).
    resp = client.get("/api/v1/auth/tokens?page=0&per_page=abc", headers=headers)
    assert resp.status_code == 422 and set(resp.get_json()["error"]["fields"]) == {"page", "per_page"}


def test_list_tokens_leaves_out_revoked_and_expired(client, make_user, api_token, db):
    from webapp.accounts import services
    from webapp.accounts.models import ApiToken
    from webapp.core.db import utcnow

    user = make_user("zhang")
    keep = api_token(user, "keep")
    api_token(user, "revoked")
    api_token(user, "expired")
    services.revoke_token(user, ApiToken.query.filter_by(name="revoked").one().id)
    ApiToken.query.filter_by(name="expired").one().expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    body = client.get("/api/v1/auth/tokens", headers=bearer(keep)).get_json()
    assert [t["name"] for t in body["items"]] == ["keep"] and body["total"] == 1


def test_list_tokens_needs_a_token(client):
    resp = client.get("/api/v1/auth/tokens")
    assert_error(resp, 401)
    assert "WWW-Authenticate" in resp.headers


def test_revoke_a_token(client, make_user, db):
    from webapp.accounts.models import ApiToken

    make_user("zhang")
    phone = new_token(client, "zhang").get_json()
    laptop = new_token(client, "zhang").get_json()
    resp = client.delete(f"/api/v1/auth/tokens/{phone['id']}", headers=bearer(laptop["token"]))
    assert resp.status_code == 204
    assert resp.get_data() == b""
    assert db.session.get(ApiToken, phone["id"]).revoked_at is not None

    resp = client.get("/api/v1/me", headers=bearer(phone["token"]))
    error = assert_error(resp, 401, "invalid_token")
    assert "撤销" in error["message"]
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    # The other token is untouched; revoking twice is a 404.
    assert client.get("/api/v1/me", headers=bearer(laptop["token"])).status_code == 200
    assert_error(client.delete(f"/api/v1/auth/tokens/{phone['id']}", headers=bearer(laptop["token"])), 404)


def test_a_token_can_revoke_itself(client, make_user, api_token):
    secret = api_token(make_user("zhang"))
    token_id = client.get("/api/v1/auth/tokens", headers=bearer(secret)).get_json()["items"][0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=bearer(secret)).status_code == 204
    assert_error(client.get("/api/v1/me", headers=bearer(secret)), 401, "invalid_token")


def test_revoking_someone_elses_token_is_404(client, make_user, api_token, db):
    from webapp.accounts.models import ApiToken

    zhang, li = make_user("zhang"), make_user("lisi")
    li_secret = api_token(li)
    li_token_id = ApiToken.query.filter_by(user_id=li.id).one().id
    error = assert_error(client.delete(f"/api/v1/auth/tokens/{li_token_id}", headers=bearer(api_token(zhang))),
                         404, "not_found")
    assert has_chinese(error["message"])
    assert db.session.get(ApiToken, li_token_id).revoked_at is None
    assert client.get("/api/v1/me", headers=bearer(li_secret)).status_code == 200
    assert_error(client.delete("/api/v1/auth/tokens/999999", headers=bearer(li_secret)), 404)


def test_revoke_needs_a_token_and_no_csrf(client, make_user, api_token, app):
    secret = api_token(make_user("zhang"))
    token_id = client.get("/api/v1/auth/tokens", headers=bearer(secret)).get_json()["items"][0]["id"]
    assert_error(client.delete(f"/api/v1/auth/tokens/{token_id}"), 401)
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=bearer(secret)).status_code == 204


# ---------------------------------------------------------------- throttling

def test_token_endpoint_throttles_an_account_after_ten_failures(client, make_user, app, outbox):
    make_user("zhang")
    assert app.config["LOGIN_FAIL_LIMIT_ACCOUNT"] == 10
    for _ in range(10):
        assert_error(new_token(client, "zhang", "wrong-password-1"), 422, "invalid_credentials")
    resp = new_token(client, "zhang")  # the right password, too late: no token, but a login link by mail
    error = assert_error(resp, 429, "account_locked")
    assert "登录失败次数过多" in error["message"] and "分钟后再试" in error["message"]
    assert 0 < int(resp.headers["Retry-After"]) <= app.config["LOGIN_FAIL_WINDOW"] + 1
    assert [m["Subject"] for m in wait_for_mail(outbox)] == ["科技工作者之家：一次性登录链接"]
    # Per account: the same account from another address is still locked.
    other_ip = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    assert_error(new_token(client, "zhang", "wrong-password-2", **other_ip), 429)


def test_throttle_does_not_lock_other_accounts_below_the_ip_limit(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_ACCOUNT", 3)
    make_user("zhang")
    make_user("lisi")
    for _ in range(3):
        new_token(client, "zhang", "wrong-password-1")
    assert_error(new_token(client, "zhang"), 429)
    assert new_token(client, "lisi").status_code == 201


def test_success_resets_the_account_counter(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_ACCOUNT", 3)
    make_user("zhang")
    for _ in range(2):
        new_token(client, "zhang", "wrong-password-1")
    assert new_token(client, "zhang").status_code == 201
    for _ in range(2):
        assert_error(new_token(client, "zhang", "wrong-password-1"), 422)
    assert new_token(client, "zhang").status_code == 201
    for _ in range(3):  # a fresh budget of three, and no more
        assert_error(new_token(client, "zhang", "wrong-password-1"), 422)
    assert_error(new_token(client, "zhang"), 429)


def test_token_endpoint_throttles_an_address_across_accounts(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_IP", 4)  # restored after the test
    make_user("zhang")
    make_user("lisi")
    attacker = {"environ_base": {"REMOTE_ADDR": "198.51.100.7"}}
    for name in ("zhang", "nobody1", "nobody2", "zhang"):
        assert_error(new_token(client, name, "wrong-password-1", **attacker), 422)
    # A different account from the same address is now refused, even with its right password.
    error = assert_error(new_token(client, "lisi", **attacker), 429, "rate_limited")
    assert "登录失败次数过多" in error["message"]
    # The same account from elsewhere is fine: it had only two failures.
    assert new_token(client, "lisi", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 201
    assert new_token(client, "zhang", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 201


def test_register_race_on_unique_username_gives_422_not_500(client, db, monkeypatch):
    """Two registrations that both pass the duplicate check: the unique index decides."""
    from webapp.accounts import services
    from webapp.accounts.models import User

    services.register_user("racer", "racer@example.org", "Racing-Pass-123", "赛跑者")
    db.session.commit()
    # Make the pre-insert duplicate checks miss, as a concurrent request would.
    class _Blind:
        def filter(self, *a, **k):
            class _Q:
                def first(self_inner):
                    return None
            return _Q()

    body = {"username": "racer", "email": "racer2@example.org", "password": "Racing-Pass-456", "display_name": "又一个"}
    # The code of a first request made before the other registration took the name.
    body["accept_terms"] = True
    body["code"] = services._registration_serializer().dumps({"u": "racer", "e": "racer2@example.org", "d": "又一个"})
    monkeypatch.setattr(User, "query", _Blind())
    resp = client.post("/api/v1/auth/register", json=body)
    monkeypatch.undo()
    assert resp.status_code == 422
    assert "username" in resp.get_json()["error"]["fields"]
    assert User.query.filter_by(username="racer").count() == 1


def test_unknown_username_still_costs_a_password_hash(production_password_hash, app, monkeypatch):
    """Timing must not reveal whether an account exists: a hash check runs either way."""
    from webapp.accounts import services
    from webapp.core.errors import ValidationError

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    try:
        services.authenticate("nobody-here", "Whatever-123", ip="10.0.0.9")
    except ValidationError:
        pass
    assert len(calls) == 1 and calls[0].startswith("scrypt:")


def test_trusted_proxy_setting_uses_forwarded_address(tmp_path):
    from flask import request

    from webapp import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "TRUSTED_PROXIES": 1,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                      "UPLOAD_DIR": str(tmp_path / "u"), "INDEX_DIR": str(tmp_path / "i"),
                      "MAIL_OUTBOX_DIR": str(tmp_path / "o")})
    seen = []
    app.before_request(lambda: seen.append(request.remote_addr))
    app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen == ["203.0.113.7"]
