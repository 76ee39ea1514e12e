"""Review in headless Chromium, each person in their own browser: an organiser creates a
call, an author submits a PDF, the organiser auto-assigns, a reviewer scores, the organiser
sees the ranking. Screenshots go to test-artifacts/ (gitignored)."""
import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.review_helpers import pdf_bytes
from tests.test_browser_suggestions import signed_in_page

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _local(moment):
    from webapp.core.timeutil import to_local

    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.browser
def test_call_submit_assign_review_rank_in_browser(live_server, browser, make_user, make_staff, app, tmp_path):
    from webapp.core.db import utcnow

    ARTIFACTS.mkdir(exist_ok=True)
    organiser = make_staff("rv_office")
    author = make_user("rv_author", display_name="欧阳知秋")
    reviewer = make_user("rv_expert", roles=["member", "reviewer"], display_name="钱专家")
    now = utcnow()
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(pdf_bytes(author="Ouyang"))
    problems, contexts = [], []
    try:
        ctx, org = signed_in_page(browser, live_server, organiser, problems)
        contexts.append(ctx)
        org.goto(f"{live_server}/review/")
        org.click("text=新建征集")
        org.fill("#title", "2026 年度优秀科技论文评选")
        org.fill("#submission_opens", _local(now - timedelta(hours=1)))
        org.fill("#submission_closes", _local(now + timedelta(days=1)))
        org.fill("#review_due", _local(now + timedelta(days=10)))
        org.fill("#reviewers_per_submission", "1")
        org.click("form.review-call-form button[type=submit]")
        org.wait_for_url(re.compile(r".*/review/calls/\d+/manage$"))
        call_id = int(re.search(r"/calls/(\d+)/", org.url).group(1))

        ctx, page = signed_in_page(browser, live_server, author, problems)
        contexts.append(ctx)
        page.goto(f"{live_server}/review/calls/{call_id}")
        page.click("text=提交申报")
        page.fill("#title", "多源数据融合的城市内涝预警方法")
        page.fill("#abstract", "本文提出一种融合雨量站、雷达与社交媒体数据的城市内涝预警方法，并在三个城市验证。")
        page.fill("#keywords", "水文，深度学习")
        page.fill("#authors", "欧阳知秋,青岚理工大学,ouyang@qinglan.example.cn")
        page.set_input_files("#pdf", str(pdf))
        page.screenshot(path=str(ARTIFACTS / "review-submit.png"), full_page=True)
        page.click("form.review-submit-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/review/submissions/\d+$"))
        assert "第 1 版" in page.inner_text("main")

        org.goto(f"{live_server}/review/calls/{call_id}/assign")
        assert "钱专家" in org.inner_text(".review-proposal")
        org.screenshot(path=str(ARTIFACTS / "review-assign.png"), full_page=True)
        org.click("text=确认分配并通知专家")
        org.wait_for_url(re.compile(r".*/manage$"))

        ctx, rev = signed_in_page(browser, live_server, reviewer, problems)
        contexts.append(ctx)
        rev.goto(f"{live_server}/review/assignments")
        rev.click("text=多源数据融合的城市内涝预警方法")
        assert "欧阳" not in rev.content() and "青岚" not in rev.content()
        for i, score in enumerate(("9", "8", "7", "9")):
            rev.fill(f"#score_{i}", score)
        rev.select_option("#recommendation", "accept")
        rev.fill("#comments_to_authors", "选题新颖，方法可靠，建议补充与传统方法的对比。")
        rev.click("button[value=submit]")
        rev.wait_for_load_state()
        assert "评审意见已提交" in rev.inner_text("main")

        org.goto(f"{live_server}/review/calls/{call_id}/ranking")
        table = org.inner_text("table.review-ranking")
        assert "多源数据融合的城市内涝预警方法" in table and "80.0" in table  # (0.3·8+0.3·7+0.25·6+0.15·8)/9
        org.screenshot(path=str(ARTIFACTS / "review-ranking.png"), full_page=True)
        assert problems == []
    finally:
        for c in contexts:
            c.close()
