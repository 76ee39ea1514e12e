"""Account pages: register, log in and out, remember-me, throttling, passwords,
password reset by e-mail, profiles and form validation."""
import re

import pytest

from tests.conftest import TEST_PASSWORD, extract_csrf
from tests.web_helpers import field_error, html, mailed_link

NEW_PASSWORD = "Another-Secret-77"


def register_data(**overrides):
    data = {"username": "lihua", "email": "lihua@example.org", "display_name": "李华"}
    data.update(overrides)
    return data


def password_data(**overrides):
    data = {"display_name": "李华", "password": TEST_PASSWORD, "password_confirm": TEST_PASSWORD, "accept_terms": "y"}
    data.update(overrides)
    return data


def registration_link(outbox, to="lihua@example.org"):
    (mail,) = [m for m in outbox() if m["To"] == to]
    return mailed_link(mail, "/register/complete/")


# ---------------------------------------------------------------- register, login, logout

def test_register_mails_a_link_that_sets_the_password_and_logs_in(client, post_form, db, outbox):
    from webapp.accounts.models import User

    resp = post_form(client, "/register", register_data())
    assert resp.status_code == 200
    assert "我们已向 lihua@example.org 发送了一封邮件" in html(resp)
    assert User.query.count() == 0  # nothing exists until the link is used
    link = registration_link(outbox)
    page = html(client.get(link))
    assert "lihua" in page and "设置密码" in page
    resp = post_form(client, link, password_data())
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/u/lihua"
    user = User.query.filter_by(username="lihua").one()
    assert user.display_name == "李华" and user.check_password(TEST_PASSWORD)
    page = html(client.get("/u/lihua"))
    assert "注册成功" in page
    assert "编辑资料" in page  # own profile: logged in
    assert "退出登录" in page
    # The link is used up.
    assert client.get(link).status_code == 400
    assert post_form(make_fresh(client), link, password_data()).status_code == 400


def make_fresh(client):
    return client.application.test_client()


@pytest.mark.parametrize("overrides, field_message", [
    ({"email": "not-an-email"}, "请输入有效的电子邮箱地址"),
    ({"username": "a b"}, "用户名须为"),
    ({"display_name": ""}, "请填写显示名称"),
])
def test_register_rejects_bad_input(client, post_form, db, overrides, field_message, outbox):
    from webapp.accounts.models import User

    resp = post_form(client, "/register", register_data(**overrides))
    assert resp.status_code == 422
    assert field_error(html(resp), field_message)
    assert User.query.count() == 0 and outbox() == []


@pytest.mark.parametrize("overrides, field_message", [
    ({"password": "short", "password_confirm": "short"}, "密码至少需要 10 个字符"),
    ({"password": "password123", "password_confirm": "password123"}, "密码过于简单"),
    ({"password_confirm": "Something-Else-99"}, "两次输入的密码不一致"),
    ({"display_name": ""}, "请填写显示名称"),
])
def test_completing_registration_rejects_bad_passwords(client, post_form, db, outbox, overrides, field_message):
    from webapp.accounts.models import User

    post_form(client, "/register", register_data())
    resp = post_form(client, registration_link(outbox), password_data(**overrides))
    assert resp.status_code == 422
    assert field_error(html(resp), field_message)
    assert User.query.count() == 0


def test_register_rejects_a_taken_username(client, post_form, make_user, db):
    make_user("lihua", email="taken@example.org")
    resp = post_form(client, "/register", register_data(username="LiHua"))
    assert resp.status_code == 422
    assert field_error(html(resp), "该用户名已被注册")
    assert "注册信息有误" in html(resp)


def test_register_shows_every_problem_at_once(client, post_form, make_user, db, outbox):
    """A mismatched confirmation must not hide the other problems until the next try."""
    from webapp.accounts.models import User

    make_user("lihua")
    resp = post_form(client, "/register", register_data(email="bad-email", display_name=""))
    assert resp.status_code == 422
    page = html(resp)
    for message in ("该用户名已被注册", "请输入有效的电子邮箱地址", "请填写显示名称"):
        assert field_error(page, message), message
    post_form(client, "/register", register_data(username="lihua2", email="lihua2@example.org"))
    resp = post_form(client, registration_link(outbox, "lihua2@example.org"), password_data(password="123", password_confirm="124"))
    page = html(resp)
    for message in ("密码至少需要 10 个字符", "两次输入的密码不一致"):
        assert field_error(page, message), message
    assert User.query.count() == 1


def test_login_logout(client, login, make_user, csrf):
    make_user("zhang")
    resp = login(client, "zhang")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/u/zhang"
    assert client.get("/account/password").status_code == 200
    assert client.get_cookie("remember_token") is None
    # Logout is POST only, with a CSRF token.
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 302
    resp = client.get("/account/password")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_login_by_email_and_remember_me(client, post_form, make_user):
    user = make_user("zhang", email="Zhang@Example.org")
    resp = post_form(client, "/login", {"username": "zhang@example.org", "password": TEST_PASSWORD,
                                        "remember": "y"})
    assert resp.status_code == 302
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.value.startswith(f"{user.id}:1|")


def test_remember_cookie_alone_restores_the_login(app, client, post_form, make_user, make_client):
    make_user("zhang")
    post_form(client, "/login", {"username": "zhang", "password": TEST_PASSWORD, "remember": "y"})
    other = make_client()  # a new browser session holding only the remember cookie
    other.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert other.get("/account/password").status_code == 200


def test_wrong_password(client, login, make_user):
    make_user("zhang")
    resp = login(client, "zhang", "wrong-password-1")
    assert resp.status_code == 422
    assert "用户名或密码错误" in html(resp)
    assert client.get("/account/password").status_code == 302
    resp = login(client, "nobody", "wrong-password-1")
    assert resp.status_code == 422 and "用户名或密码错误" in html(resp)


def test_login_throttling(client, login, make_user):
    make_user("zhang")
    for _ in range(10):
        assert login(client, "zhang", "wrong-password-1").status_code == 422
    resp = login(client, "zhang")  # the right password, but too late
    assert resp.status_code == 429
    assert "登录失败次数过多" in html(resp)
    assert int(resp.headers["Retry-After"]) > 0
    assert client.get("/account/password").status_code == 302


def test_suspended_user_cannot_log_in(client, login, make_user, db):
    from webapp.core.db import utcnow

    user = make_user("zhang")
    user.suspended_at = utcnow()
    user.suspended_reason = "违反社区规定"
    db.session.commit()
    resp = login(client, "zhang")
    assert resp.status_code == 422
    assert "该账号已被停用：违反社区规定" in html(resp)


@pytest.mark.parametrize("target, expected", [
    ("/account/profile", "/account/profile"),
    ("/u/zhang?tab=1", "/u/zhang?tab=1"),
    ("https://evil.example/", "/u/zhang"),
    ("//evil.example/x", "/u/zhang"),
    ("/\\evil.example", "/u/zhang"),
    ("javascript:alert(1)", "/u/zhang"),
])
def test_login_next_is_only_followed_on_this_site(client, post_form, make_user, target, expected):
    make_user("zhang")
    page = html(client.get("/login", query_string={"next": target}))
    assert 'name="next"' in page
    resp = post_form(client, "/login", {"username": "zhang", "password": TEST_PASSWORD, "next": target})
    assert resp.status_code == 302
    assert resp.headers["Location"] == expected


def test_login_required_pages_send_back_after_login(client, post_form, make_user):
    make_user("zhang")
    resp = client.get("/account/verification")
    assert resp.status_code == 302
    login_page = html(client.get(resp.headers["Location"]))
    assert 'value="/account/verification"' in login_page
    resp = post_form(client, "/login", {"username": "zhang", "password": TEST_PASSWORD,
                                        "next": "/account/verification"})
    assert resp.headers["Location"] == "/account/verification"


@pytest.mark.parametrize("url, data", [
    ("/login", {"username": "zhang", "password": TEST_PASSWORD}),
    ("/register", register_data()),
    ("/forgot-password", {"email": "zhang@example.org"}),
    ("/account/password", {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
                           "new_password_confirm": NEW_PASSWORD}),
    ("/account/profile", {"display_name": "新名字"}),
    ("/account/profile/avatar", {}),
    ("/account/verification", {"real_name": "张三", "organisation": "某单位", "position": "研究员"}),
])
def test_forms_without_csrf_token_are_refused(client, login, make_user, db, url, data):
    user = make_user("zhang")
    login(client, "zhang")
    resp = client.post(url, data=data)
    assert resp.status_code == 400
    assert "请求无法验证" in html(resp)
    db.session.refresh(user)
    assert user.display_name == "用户zhang" and user.check_password(TEST_PASSWORD)


# ---------------------------------------------------------------- change password

def test_change_password(client, login, post_form, make_user, make_client):
    make_user("zhang")
    other_browser = make_client()
    login(client, "zhang")
    login(other_browser, "zhang")
    assert other_browser.get("/account/password").status_code == 200

    resp = post_form(client, "/account/password", {"current_password": TEST_PASSWORD,
                                                    "new_password": NEW_PASSWORD,
                                                    "new_password_confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    assert client.get("/account/password").status_code == 200  # this browser stays logged in
    resp = other_browser.get("/account/password")  # every other session is over
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")

    fresh = make_client()
    assert login(fresh, "zhang", TEST_PASSWORD).status_code == 422
    assert login(fresh, "zhang", NEW_PASSWORD).status_code == 302


def test_change_password_keeps_remember_me_valid(client, post_form, make_user, make_client):
    make_user("zhang")
    post_form(client, "/login", {"username": "zhang", "password": TEST_PASSWORD, "remember": "y"})
    old_cookie = client.get_cookie("remember_token").value
    post_form(client, "/account/password", {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
                                             "new_password_confirm": NEW_PASSWORD})
    new_cookie = client.get_cookie("remember_token").value
    assert new_cookie != old_cookie
    stale, renewed = make_client(), make_client()
    stale.set_cookie("remember_token", old_cookie)
    renewed.set_cookie("remember_token", new_cookie)
    assert stale.get("/account/password").status_code == 302
    assert renewed.get("/account/password").status_code == 200


@pytest.mark.parametrize("data, field_message", [
    ({"current_password": "wrong-password-1", "new_password": NEW_PASSWORD,
      "new_password_confirm": NEW_PASSWORD}, "当前密码不正确"),
    ({"current_password": TEST_PASSWORD, "new_password": "1234567890123",
      "new_password_confirm": "1234567890123"}, "密码不能全部是数字"),
    ({"current_password": TEST_PASSWORD, "new_password": "zhang-is-my-name",
      "new_password_confirm": "zhang-is-my-name"}, "密码不能包含用户名"),
    ({"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
      "new_password_confirm": NEW_PASSWORD + "x"}, "两次输入的密码不一致"),
])
def test_change_password_rejects_bad_input(client, login, post_form, make_user, db, data, field_message):
    user = make_user("zhang")
    login(client, "zhang")
    resp = post_form(client, "/account/password", data)
    assert resp.status_code == 422
    assert field_error(html(resp), field_message)
    db.session.refresh(user)
    assert user.check_password(TEST_PASSWORD) and user.session_version == 1


# ---------------------------------------------------------------- password reset

def reset_link(message):
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/reset-password/\S+", body)
    assert match, body
    return match.group(0)


def test_password_reset_by_mail(client, post_form, make_user, outbox, login, make_client):
    make_user("zhang", email="zhang@example.org")
    resp = post_form(client, "/forgot-password", {"email": "zhang@example.org"})
    assert resp.status_code == 302
    known_message = html(client.get(resp.headers["Location"]))
    assert "如果该邮箱已注册" in known_message

    messages = outbox()
    assert len(messages) == 1
    assert messages[0]["To"] == "zhang@example.org"
    link = reset_link(messages[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    assert client.get(path).status_code == 200

    resp = post_form(client, path, {"password": "short", "password_confirm": "short"})
    assert resp.status_code == 422 and field_error(html(resp), "密码至少需要 10 个字符")

    resp = post_form(client, path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert login(make_client(), "zhang", NEW_PASSWORD).status_code == 302
    assert login(make_client(), "zhang", TEST_PASSWORD).status_code == 422

    # The link works once.
    resp = client.get(path)
    assert resp.status_code == 400
    assert "重置链接无效或已使用" in html(resp)
    resp = post_form(client, path, {"password": "Yet-Another-88", "password_confirm": "Yet-Another-88"})
    assert resp.status_code == 400
    assert login(make_client(), "zhang", NEW_PASSWORD).status_code == 302


def test_reset_link_uses_the_site_url_not_the_host_header(app, client, post_form, make_user, outbox,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://kexie.example.cn/")
    make_user("zhang", email="zhang@example.org")
    forged = "http://evil.example"  # the Host the requester sends
    token = extract_csrf(html(client.get("/forgot-password", base_url=forged)))
    resp = client.post("/forgot-password", data={"email": "zhang@example.org", "csrf_token": token},
                       base_url=forged)
    assert resp.status_code == 302
    link = reset_link(outbox()[0])
    assert link.startswith("https://kexie.example.cn/reset-password/")
    assert "evil.example" not in link


def test_password_reset_for_unknown_email_says_the_same(client, post_form, make_user, outbox):
    make_user("zhang", email="zhang@example.org")
    known = post_form(client, "/forgot-password", {"email": "zhang@example.org"})
    known_page = html(client.get(known.headers["Location"]))
    unknown = post_form(client, "/forgot-password", {"email": "nobody@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.headers["Location"] == known.headers["Location"]
    unknown_page = html(client.get(unknown.headers["Location"]))
    notice = re.search(r"如果该邮箱已注册[^<]*", known_page).group(0)
    assert notice in unknown_page
    assert [m["To"] for m in outbox()] == ["zhang@example.org"]


def test_password_reset_form_rejects_bad_email(client, post_form, outbox):
    resp = post_form(client, "/forgot-password", {"email": "not-an-email"})
    assert resp.status_code == 422
    assert field_error(html(resp), "请输入有效的电子邮箱地址")
    assert outbox() == []


def test_garbage_reset_token_shows_clear_error(client):
    resp = client.get("/reset-password/not-a-real-token")
    assert resp.status_code == 400
    page = html(resp)
    assert "重置链接无效" in page and "重新申请重置链接" in page


def test_expired_reset_token(app, client, make_user, monkeypatch):
    from webapp.accounts import services

    user = make_user("zhang")
    token = services.make_reset_token(user)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    resp = client.get(f"/reset-password/{token}")
    assert resp.status_code == 400
    assert "重置链接已过期" in html(resp)


# ---------------------------------------------------------------- profiles

def test_profile_page(client, make_user, db):
    user = make_user("zhang", display_name="张教授", verified=True, real_name="张伟", position="研究员",
                     institution="中国科学院物理研究所", discipline_tags=["凝聚态物理", "材料科学"],
                     bio="第一段 <script>alert(1)</script>\n\n第二段")
    resp = client.get("/u/zhang")
    assert resp.status_code == 200
    page = html(resp)
    assert "张教授" in page
    assert "实名认证 · 张伟 · 研究员" in page
    assert "中国科学院物理研究所" in page
    assert page.count("discipline-tag") == 2 and "凝聚态物理" in page and "材料科学" in page
    assert "<script>alert(1)</script>" not in page
    assert "<p>第一段" in page and "<p>第二段</p>" in page
    assert user.created_at.strftime("%Y-") in page
    assert "/static/img/default-avatar.svg" in page
    assert "编辑资料" not in page  # not the visitor's own profile
    assert client.get("/u/ZHANG").status_code == 200
    assert client.get("/u/nobody").status_code == 404


def test_suspended_profile_is_marked_for_staff_only(client, make_user, login, make_client, db, make_staff):
    from webapp.core.db import utcnow

    user = make_user("zhang")
    user.suspended_at = utcnow()
    db.session.commit()
    make_staff("staffer")
    make_user("member")
    staff_client, member_client = make_client(), make_client()
    login(staff_client, "staffer")
    login(member_client, "member")
    assert "已停用" in html(staff_client.get("/u/zhang"))
    member_page = member_client.get("/u/zhang")
    assert member_page.status_code == 200 and "已停用" not in html(member_page)
    assert "已停用" not in html(client.get("/u/zhang"))


def test_edit_profile(client, login, post_form, make_user, db):
    user = make_user("zhang")
    login(client, "zhang")
    page = html(client.get("/account/profile"))
    assert 'value="用户zhang"' in page and 'enctype="multipart/form-data"' in page
    resp = post_form(client, "/account/profile", {
        "display_name": " 张老师 ", "institution": "清华大学",
        "discipline_tags": "物理，化学, 物理、生物", "bio": "研究方向：量子材料",
    })
    assert resp.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.institution) == ("张老师", "清华大学")
    assert user.discipline_tags == ["物理", "化学", "生物"]
    assert user.bio == "研究方向：量子材料"
    page = html(client.get("/u/zhang"))
    assert "张老师" in page and "清华大学" in page and "量子材料" in page
    assert 'value="物理，化学，生物"' in html(client.get("/account/profile"))


@pytest.mark.parametrize("data, field_message", [
    ({"display_name": ""}, "请填写显示名称"),
    ({"display_name": "x" * 65}, "显示名称不能超过 64 个字符"),
    ({"display_name": "张", "institution": "单" * 129}, "单位名称不能超过 128 个字符"),
    ({"display_name": "张", "discipline_tags": ",".join(f"t{i}" for i in range(11))}, "学科标签最多 10 个"),
    ({"display_name": "张", "bio": "字" * 2001}, "个人简介不能超过 2000 个字符"),
])
def test_edit_profile_rejects_bad_input(client, login, post_form, make_user, db, data, field_message):
    user = make_user("zhang")
    login(client, "zhang")
    resp = post_form(client, "/account/profile", data)
    assert resp.status_code == 422
    assert field_error(html(resp), field_message)
    db.session.refresh(user)
    assert user.display_name == "用户zhang" and user.institution == "" and user.bio == ""


def test_account_pages_need_login(client):
    for url in ("/account/profile", "/account/password", "/account/verification",
                "/account/verification/1/proof"):
        resp = client.get(url)
        assert resp.status_code == 302, url
        assert resp.headers["Location"].startswith("/login?next="), url
