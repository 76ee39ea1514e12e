"""The account pages in headless Chromium: register, log out, log in, upload an avatar
and see it on the profile page. Screenshots go to test-artifacts/ (gitignored)."""
import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.web_helpers import mailed_link

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "Browser-Secret-2026"


def avatar_png():
    image = Image.new("RGB", (300, 300), (11, 83, 148))
    ImageDraw.Draw(image).ellipse((60, 60, 240, 240), fill=(255, 229, 153))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.browser
def test_register_login_and_avatar_in_browser(live_server, page, outbox):
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    # Register through the form, then set the password from the link in the mail.
    page.goto(f"{live_server}/register")
    page.fill("#username", "wang_lab")
    page.fill("#email", "wang@example.org")
    page.fill("#display_name", "王研究员")
    page.screenshot(path=str(ARTIFACTS / "accounts-register.png"), full_page=True)
    page.click("form button[type=submit]")
    assert "我们已向 wang@example.org 发送了一封邮件" in page.inner_text("#register-sent")
    (mail,) = outbox()
    page.goto(live_server + mailed_link(mail, "/register/complete/"))
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.check("#accept_terms")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server}/u/wang_lab")
    assert "注册成功" in page.inner_text(".alert")
    assert page.inner_text("#profile-name") == "王研究员"

    # Log out through the navigation menu (a POST form inside the dropdown).
    page.click(".navbar .dropdown-toggle")
    page.click("text=退出登录")
    page.wait_for_url(f"{live_server}/")
    assert page.locator("text=您已退出登录").count() == 1

    # Log in again, first with a wrong password.
    page.goto(f"{live_server}/login")
    page.fill("#username", "wang@example.org")
    page.fill("#password", "not-the-password")
    page.click("form button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("form")
    page.screenshot(path=str(ARTIFACTS / "accounts-login-error.png"), full_page=True)
    page.fill("#password", PASSWORD)
    page.check("#remember")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server}/u/wang_lab")

    # Upload an avatar on the edit-profile page.
    page.goto(f"{live_server}/account/profile")
    page.set_input_files("#avatar", files=[{"name": "me.png", "mimeType": "image/png", "buffer": avatar_png()}])
    page.click("#avatar-form button[type=submit]")
    page.wait_for_url(f"{live_server}/account/profile")
    assert "头像已更新" in page.inner_text(".alert")
    page.screenshot(path=str(ARTIFACTS / "accounts-edit-profile.png"), full_page=True)

    # The profile page shows it, and the image really loads.
    page.goto(f"{live_server}/u/wang_lab")
    avatar = page.locator("#profile-avatar")
    src = avatar.get_attribute("src")
    assert src.startswith("/avatars/") and src.endswith("-large.webp")
    page.wait_for_function("document.getElementById('profile-avatar').complete")
    assert avatar.evaluate("img => img.naturalWidth") == 256
    page.screenshot(path=str(ARTIFACTS / "accounts-profile.png"), full_page=True)

    # No CSP violations or script errors (the 422 of the wrong password is expected).
    assert [p for p in problems if "status of 422" not in p] == []
