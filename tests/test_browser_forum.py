"""The forum in headless Chromium, each person in their own browser: a member posts a thread
with an image and a formula; another replies quoting it and mentioning the first; the first
sees the notification and the typeset formula. Screenshots go to test-artifacts/ (gitignored)."""
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.test_browser_suggestions import signed_in_page

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.mark.browser
def test_thread_with_image_and_formula_quote_mention_notification(live_server, browser, make_user, tmp_path):
    from webapp.extensions import db
    from webapp.forum.models import Board

    ARTIFACTS.mkdir(exist_ok=True)
    board = Board(slug="optics", name="光学", description="激光、成像与光谱", group_name="数理", position=1)
    db.session.add(board)
    db.session.commit()
    first = make_user(username="wu_optics", display_name="吴光学", verified=True, real_name="吴光学")
    second = make_user(username="he_laser", display_name="何激光")
    image_path = tmp_path / "spectrum.png"
    Image.new("RGB", (120, 80), (20, 90, 200)).save(image_path)
    problems, contexts = [], []
    try:
        ctx, page = signed_in_page(browser, live_server, first, problems)
        contexts.append(ctx)
        page.goto(f"{live_server}/forum/")
        page.click(f"main a[href='/forum/boards/{board.id}']")
        page.click("text=发新主题")
        page.fill("#title", "激光线宽与相干长度的关系")
        page.fill("#tags", "激光, 相干")
        page.fill("#body", "相干长度 $L_c = \\frac{c}{\\pi \\Delta\\nu}$，下图是测得的谱线。")
        page.set_input_files("#image", str(image_path))
        page.click("form.forum-thread-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/forum/threads/\d+$"))
        thread_url = page.url
        assert page.locator(".forum-body img[src^='/forum/uploads/']").count() == 1
        page.wait_for_selector(".math-inline.math-typeset .katex")
        page.screenshot(path=str(ARTIFACTS / "forum-thread.png"), full_page=True)

        ctx2, page2 = signed_in_page(browser, live_server, second, problems)
        contexts.append(ctx2)
        page2.goto(thread_url)
        page2.click("#p0 a:has-text('引用')")
        page2.fill("#body", "@wu_optics 请问测量用的是法布里-珀罗干涉仪吗？")
        page2.click("form.forum-editor button[type=submit]")
        page2.wait_for_url(re.compile(r".*#p1$"))
        assert page2.locator("#p1 blockquote a[href^='/forum/posts/']").count() == 1

        page.goto(f"{live_server}/notifications/")
        mention = page.locator("text=何激光 在“激光线宽与相干长度的关系”中提到了您")
        assert mention.count() == 1
        page.screenshot(path=str(ARTIFACTS / "forum-notification.png"), full_page=True)
        page.goto(thread_url)
        page.wait_for_selector(".math-inline.math-typeset .katex")
        assert page.locator(".math-inline annotation[encoding='application/x-tex']").first.text_content() == \
            "L_c = \\frac{c}{\\pi \\Delta\\nu}"
        assert page.locator("#p1").inner_text().count("法布里-珀罗") == 1
    finally:
        for context in contexts:
            context.close()
    assert problems == []
