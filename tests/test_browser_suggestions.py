"""A suggestion's whole life in headless Chromium, each person in their own browser:
a member submits, staff accept and assign, the leader answers, the member rates; the
leader's public page then shows 1 answered and a 100% response rate.
Screenshots go to test-artifacts/ (gitignored)."""
import re
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def signed_in_page(browser, live_server, user, problems):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda msg: problems.append(f"{user.username}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"{user.username}: {exc}"))
    # Buttons with data-confirm ask before posting; a person clicks OK.
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server}/login")
    page.fill("#username", user.username)
    page.fill("#password", TEST_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{user.username} could not log in"
    return context, page


@pytest.mark.browser
def test_submit_accept_assign_answer_rate_in_browser(live_server, browser, make_user, suggestion_lists,
                                                      monkeypatch, app, make_leader, make_staff):
    # One suggestion is a meaningful sample here, so the page publishes the rate.
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    ARTIFACTS.mkdir(exist_ok=True)
    member = make_user(username="zhao_lab", display_name="赵研究员")
    staff = make_staff(username="office")
    leader = make_leader(username="li_leader", real_name="李建国",
                       position="党组书记、常务副主席")
    problems = []
    contexts = []
    try:
        # The member writes a public suggestion to the association.
        ctx, page = signed_in_page(browser, live_server, member, problems)
        contexts.append(ctx)
        page.goto(f"{live_server}/suggestions/")
        page.click("text=写建议")
        page.wait_for_url(re.compile(r".*/suggestions/new$"))
        page.fill("#title", "建议为青年科技人员设立小额探索基金")
        page.fill("#body", "青年科技人员**起步难**，建议设立不需要前期成果的小额探索基金。\n\n- 每项 5 万元\n- 一年期")
        page.select_option("#category_id", label="科研政策")
        page.screenshot(path=str(ARTIFACTS / "suggestions-new.png"), full_page=True)
        page.click("form button[type=submit]:has-text('提交建议')")
        page.wait_for_url(re.compile(r".*/suggestions/\d+$"))
        suggestion_url = page.url
        assert "待受理" in page.inner_text(".state-badge")
        assert page.locator("strong", has_text="起步难").count() == 1  # Markdown rendered
        title = "建议为青年科技人员设立小额探索基金"

        # Published after screening (先审后发): an anonymous visitor neither lists nor opens it yet.
        visitor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(visitor)
        public = visitor.new_page()
        public.on("pageerror", lambda exc: problems.append(f"visitor: {exc}"))
        public.goto(f"{live_server}/suggestions/")
        assert title not in public.inner_text("body")
        assert public.goto(suggestion_url).status == 404

        # Staff accept it, then assign it to the leader.
        ctx, staff_page = signed_in_page(browser, live_server, staff, problems)
        contexts.append(ctx)
        staff_page.goto(f"{live_server}/admin/suggestions/")
        staff_page.click("text=建议为青年科技人员设立小额探索基金")
        staff_page.wait_for_url(suggestion_url)
        staff_page.click(".screen-accept-form button[type=submit]")
        staff_page.wait_for_load_state()
        assert "已受理" in staff_page.inner_text(".state-badge")
        # Accepted, it is published: now the visitor finds it in the list.
        public.goto(f"{live_server}/suggestions/")
        public.click(f"text={title}")
        public.wait_for_url(suggestion_url)
        assert "已受理" in public.inner_text(".state-badge")
        staff_page.select_option("#assign-leader_id", value=str(leader.id))
        staff_page.click(".assign-form button[type=submit]")
        staff_page.wait_for_load_state()
        assert "办理中" in staff_page.inner_text(".state-badge")
        staff_page.screenshot(path=str(ARTIFACTS / "suggestions-staff.png"), full_page=True)

        # The leader finds it in the inbox and answers.
        ctx, leader_page = signed_in_page(browser, live_server, leader, problems)
        contexts.append(ctx)
        leader_page.goto(f"{live_server}/leaders/inbox")
        leader_page.click("text=建议为青年科技人员设立小额探索基金")
        leader_page.wait_for_url(suggestion_url)
        leader_page.fill("#answer-form textarea", "感谢您的建议。科协将于明年设立青年探索基金，首批支持 50 项。")
        leader_page.click("#answer-form button[name=publish]")
        leader_page.wait_for_load_state()
        assert "已答复" in leader_page.inner_text(".state-badge")

        # The member reads the answer and rates it.
        page.goto(suggestion_url)
        assert "首批支持 50 项" in page.inner_text("body")
        page.check(".rating-form input[value=satisfied]")
        page.fill(".rating-form textarea", "答复具体，期待落实。")
        page.click(".rating-form button[type=submit]")
        page.wait_for_load_state()
        assert "已办结" in page.inner_text(".state-badge")
        timeline = page.inner_text("body")
        for step in ("提交建议", "受理", "交办", "答复", "评价"):
            assert step in timeline
        page.screenshot(path=str(ARTIFACTS / "suggestions-closed.png"), full_page=True)

        # Anyone sees the leader's figures: 1 received, 1 answered, 100%.
        public.goto(f"{live_server}/leaders/{leader.id}")
        assert public.inner_text("[data-figure=received]").strip() == "1"
        assert public.inner_text("[data-figure=answered]").strip() == "1"
        assert public.inner_text("[data-figure=response_rate]").strip() == "100%"
        assert public.inner_text("[data-figure=satisfaction_rate]").strip() == "100%"
        assert "建议为青年科技人员设立小额探索基金" in public.inner_text("body")
        public.screenshot(path=str(ARTIFACTS / "suggestions-leader-page.png"), full_page=True)
    finally:
        for ctx in contexts:
            ctx.close()
    assert problems == []
