"""The write page's scripts in headless Chromium: the Markdown preview (rendered by the
server, sanitised), similar suggestions while typing the title, and the draft kept in this
browser's localStorage — restored after a reload, dropped after a successful submission."""
import re

import pytest

from tests.test_browser_suggestions import signed_in_page


@pytest.mark.browser
def test_preview_similar_and_draft_in_the_browser(live_server, browser, make_user, make_suggestion,
                                                  suggestion_lists):
    existing = make_suggestion(state="accepted", title="关于简化横向科研经费报销流程的建议")
    member = make_user(username="draft_writer", display_name="写草稿的人")
    problems = []
    ctx, page = signed_in_page(browser, live_server, member, problems)
    try:
        page.goto(f"{live_server}/suggestions/new")
        assert page.locator(".draft-note").is_visible() and "本浏览器" in page.inner_text(".draft-note")

        # Similar suggestions appear while typing the title.
        page.fill("#title", "建议加快科研经费报销")
        page.wait_for_selector(".similar-suggestions:not([hidden]) a")
        link = page.locator(".similar-list a").first
        assert link.inner_text() == existing.title and link.get_attribute("href") == f"/suggestions/{existing.id}"

        # The preview is the server's rendering, with markup neutralised.
        page.fill("#body", "报销**太慢**了。<img src=x onerror=window.__xss=1>\n\n- 第一\n- 第二")
        page.click(".preview-button")
        page.wait_for_selector(".body-preview:not([hidden]) strong")
        assert page.inner_text(".body-preview-content strong") == "太慢"
        assert page.locator(".body-preview-content li").count() == 2
        assert page.locator(".body-preview-content img").count() == 0
        assert page.evaluate("() => window.__xss") is None

        # The draft survives a reload (kept in this browser only).
        page.wait_for_function("() => (localStorage.getItem('suggestion-draft:new') || '').includes('太慢')")
        page.reload()
        assert page.input_value("#title") == "建议加快科研经费报销"
        assert "太慢" in page.input_value("#body")
        assert "已恢复" in page.inner_text(".draft-status")

        # A successful submission drops it.
        page.select_option("#category_id", label="科研政策")
        page.click("form button[type=submit]:has-text('提交建议')")
        page.wait_for_url(re.compile(r".*/suggestions/\d+$"))
        assert page.evaluate("() => localStorage.getItem('suggestion-draft:new')") is None
        page.goto(f"{live_server}/suggestions/new")
        assert page.input_value("#title") == ""
    finally:
        ctx.close()
    assert problems == []
