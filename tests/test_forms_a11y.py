"""Forms everyone can use: errors tied to their fields and said once, a summary on top
(role=alert) that names the fields without repeating them, required fields marked visually
and in the markup, clear messages, and a post with an expired CSRF token shown again with
what was typed."""
import io
import re

import pytest

from tests.staff_helpers import signed_in  # noqa: F401  (fixture)
from tests.test_suggestions_web import form_data, member_post, people, png_bytes, sg  # noqa: F401
from tests.web_helpers import field_error, html


def control(page, field_id):
    """The opening tag of the control with id `field_id`."""
    match = re.search(r'<(?:input|select|textarea)\b[^>]*\bid="%s"[^>]*>' % re.escape(field_id), page)
    assert match, field_id
    return match.group(0)


def summary(page):
    match = re.search(r'<div class="alert[^"]*error-summary[^"]*"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    return match


def test_field_errors_are_tied_to_their_fields(client, post_form):
    resp = post_form(client, "/register", {"username": "a b", "email": "bad", "display_name": ""})
    assert resp.status_code == 422
    page = html(resp)
    for field in ("username", "email", "display_name"):
        tag = control(page, field)
        assert 'aria-invalid="true"' in tag, field
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert f"{field}-error" in described, field
        # The id it points at holds the message.
        assert re.search(r'<div id="%s-error"><div class="invalid-feedback' % field, page), field
    # A valid field is not marked invalid.
    page = html(post_form(client, "/register", {"username": "a b", "email": "new@example.org", "display_name": "名字"}))
    assert 'aria-invalid="true"' in control(page, "username")
    assert 'aria-invalid' not in control(page, "email")


def test_summary_names_the_fields_once_and_is_an_alert(client, post_form):
    resp = post_form(client, "/register", {"username": "a b", "email": "bad", "display_name": "名字"})
    page = html(resp)
    top = re.search(r'<div class="alert[^"]*error-summary[^>]*>.*?</div>\s*</div>', page, re.S)
    assert top, page
    block = top.group(0)
    assert 'role="alert"' in block and 'tabindex="-1"' in block
    assert '<a href="#username"' in block and '<a href="#email"' in block
    # Each field message is said once, under its field, not again on top.
    for message in ("用户名须为", "请输入有效的电子邮箱地址"):
        assert message not in block
        assert page.count(message) == 1, message
    assert field_error(page, "请输入有效的电子邮箱地址")


def test_login_failure_has_an_alert_summary(client, post_form, make_user):
    make_user("someone")
    resp = post_form(client, "/login", {"username": "someone", "password": "wrong-password"})
    page = html(resp)
    assert re.search(r'class="alert[^"]*error-summary[^"]*"[^>]*role="alert"', page)
    assert page.count("用户名或密码错误") == 1


def test_an_error_without_a_field_is_said_in_full_on_top(signed_in, people, sg):
    s = sg("submitted")
    staff = signed_in(people["staff"])
    resp = member_post(staff, f"/suggestions/{s.id}/screen", {"decision": "reject", "reject-reason_id": ""})
    page = html(resp)
    assert resp.status_code == 422
    assert field_error(page, "必选")
    top = re.search(r'<div class="alert[^"]*error-summary.*?</div>\s*</div>', page, re.S).group(0)
    assert "请选择不予受理的理由" in top and 'href="#reject-reason_id"' in top


@pytest.mark.parametrize("url, fields", [
    ("/login", ["username", "password"]),
    ("/register", ["username", "email", "display_name"]),
])
def test_required_fields_are_marked(client, url, fields):
    page = html(client.get(url))
    assert "为必填" in page
    for field in fields:
        assert " required" in control(page, field), field
        assert re.search(r'<label class="form-label" for="%s">[^<]*<span class="required-mark" aria-hidden="true">\*</span>'
                         % field, page), field


def test_suggestion_form_marks_required_fields_and_explains_the_mark(signed_in, people, suggestion_lists):
    page = html(signed_in(people["author"]).get("/suggestions/new"))
    for field in ("title", "body", "category_id"):
        assert " required" in control(page, field), field
    assert " required" in control(page, "visibility-0")
    assert " required" not in control(page, "addressee_id")
    assert "为必填" in page
    # The process notes come before the submit button (on a phone the columns stack in this order).
    assert page.index("办理流程") < page.index("提交建议</button>")


def test_attachment_error_names_pdf_too(signed_in, people, suggestion_lists):
    c = signed_in(people["author"])
    data = form_data(suggestion_lists["categories"][0])
    data["attachments"] = [(io.BytesIO("一段文字".encode() * 50), "说明.txt")]
    resp = member_post(c, "/suggestions/new", data, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert field_error(html(resp), "文件格式不支持：只接受 PDF 文件或 JPEG、PNG、WebP 图片")


def test_staff_forms_with_a_confirmation_require_their_fields(signed_in, people, sg):
    s = sg("submitted")
    page = html(signed_in(people["staff"]).get(f"/suggestions/{s.id}"))
    # The confirmation script asks only once the browser finds the form valid.
    assert " required" in control(page, "reject-reason_id")


# ---------------------------------------------------------------- expired CSRF token

def test_expired_token_shows_the_suggestion_form_again_with_what_was_typed(signed_in, people, suggestion_lists):
    from webapp.core.forms import RESUBMIT_MESSAGE
    from webapp.suggestions.models import Suggestion

    c = signed_in(people["author"])
    data = form_data(suggestion_lists["categories"][0], title="关于实验室开放共享的建议",
                     body="建议推动大型仪器设备开放共享，\n提高使用效率。")
    data["csrf_token"] = "expired-token"
    data["attachments"] = [(io.BytesIO(png_bytes()), "图.png")]
    resp = c.post("/suggestions/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 400
    page = html(resp)
    assert RESUBMIT_MESSAGE in page
    assert 'value="关于实验室开放共享的建议"' in control(page, "title")
    assert "建议推动大型仪器设备开放共享，\n提高使用效率。</textarea>" in page
    assert f'<option selected value="{data["category_id"]}"' in page
    assert Suggestion.query.count() == 0
    # A new token in the page: resubmitting it works.
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = form_data(suggestion_lists["categories"][0], csrf_token=token)
    assert c.post("/suggestions/new", data=data).status_code == 302
    assert Suggestion.query.count() == 1


def test_expired_token_on_login_keeps_the_username_not_the_password(client):
    resp = client.post("/login", data={"username": "wang@example.org", "password": "secret-typed"})
    assert resp.status_code == 400
    page = html(resp)
    assert 'value="wang@example.org"' in control(page, "username")
    assert "secret-typed" not in page


def test_expired_token_on_an_action_shows_the_page_it_came_from(signed_in, people, sg, db):
    s = sg("submitted")
    staff = signed_in(people["staff"])
    resp = staff.post(f"/suggestions/{s.id}/screen", data={"decision": "accept", "accept-note": "已转交相关部门",
                                                          "csrf_token": "stale"},
                      headers={"Referer": f"http://localhost/suggestions/{s.id}"})
    assert resp.status_code == 400
    page = html(resp)
    assert "已转交相关部门</textarea>" in page
    db.session.refresh(s)
    assert s.state == "submitted"


def test_expired_token_never_shows_a_page_its_guards_refuse(signed_in, people):
    from webapp.core.forms import RESUBMIT_MESSAGE

    member = signed_in(people["member"])
    # The user page of the admin area is for staff: a member's stale post there gets the plain refusal.
    target = people["author"].id
    resp = member.post(f"/admin/users/{target}/suspend", data={"csrf_token": "stale", "reason": "x"},
                       headers={"Referer": f"http://localhost/admin/users/{target}"})
    assert resp.status_code == 400
    page = html(resp)
    assert "请求无法验证" in page and RESUBMIT_MESSAGE not in page and "李建言" not in page
    # The flashed message does not linger for the next page either.
    assert RESUBMIT_MESSAGE not in html(member.get("/suggestions/"))


@pytest.mark.browser
def test_confirmation_comes_after_the_form_is_checked(live_server, browser, people, sg):
    from tests.conftest import TEST_PASSWORD

    s = sg("submitted")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    dialogs = []
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{live_server}/login")
        page.fill("#username", people["staff"].username)
        page.fill("#password", TEST_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{live_server}/suggestions/{s.id}")
        reject = page.locator("form.screen-reject-form button[type=submit]")
        # No reason chosen: the browser says what is missing, no confirmation is asked, nothing is posted.
        reject.click()
        assert dialogs == []
        assert page.evaluate("document.getElementById('reject-reason_id').matches(':invalid')")
        assert page.url == f"{live_server}/suggestions/{s.id}"
        # Once it is filled in, the confirmation comes (dismissed here: still nothing posted).
        page.select_option("#reject-reason_id", index=1)
        reject.click()
        assert dialogs == ["确定不予受理这条建议吗？"]
        assert page.url == f"{live_server}/suggestions/{s.id}"
    finally:
        context.close()
