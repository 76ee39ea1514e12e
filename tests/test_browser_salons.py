"""A salon in headless Chromium, each person in their own browser: a member proposes and
files it, staff approve, another member registers, finds it under 我的沙龙 and downloads
its .ics, which parses back with the right UTC start. Screenshots go to test-artifacts/."""
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.test_browser_suggestions import signed_in_page

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.mark.browser
def test_propose_approve_register_my_salons_and_ics(live_server, browser, make_member, make_staff):
    ARTIFACTS.mkdir(exist_ok=True)
    host = make_member("salon_host", display_name="钱青年")
    staff = make_staff("salon_office")
    attendee = make_member("salon_guest", display_name="孙博士")
    start = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=20)).replace(hour=14, minute=0, second=0,
                                                                                 microsecond=0)
    problems, contexts = [], []
    try:
        ctx, page = signed_in_page(browser, live_server, host, problems)
        contexts.append(ctx)
        page.goto(f"{live_server}/salons/")
        page.click("#propose-salon")
        page.wait_for_url(re.compile(r".*/salons/new$"))
        page.fill("#title", "青年学者沙龙：量子纠错码的新进展")
        page.select_option("#discipline", "物理学")
        page.fill("#description", "介绍**表面码**与量子 LDPC 码的最新实验进展。")
        page.fill("#speakers", "陈思远，复旦大学物理学系")
        page.fill("#address", "科技馆三楼报告厅")
        page.fill("#capacity", "20")
        page.fill("#start", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#end", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        page.fill("#registration_deadline", (start - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
        page.screenshot(path=str(ARTIFACTS / "salons-new.png"), full_page=True)
        page.click("#save-and-file")
        page.wait_for_url(re.compile(r".*/salons/\d+$"))
        salon_url = page.url
        assert "待审核" in page.inner_text(".salon-state")

        ctx, page = signed_in_page(browser, live_server, staff, problems)
        contexts.append(ctx)
        page.goto(f"{live_server}/admin/salons/")
        page.click("text=青年学者沙龙：量子纠错码的新进展")
        page.fill("#comment", "同意举办")
        page.click("#approve-salon")
        page.wait_for_load_state()
        assert "已通过" in page.inner_text(".salon-state")

        ctx, page = signed_in_page(browser, live_server, attendee, problems)
        contexts.append(ctx)
        page.goto(f"{live_server}/salons/")
        page.click("text=青年学者沙龙：量子纠错码的新进展")
        assert page.url == salon_url
        assert page.inner_text("#places-left") == "20"
        page.click("#register")
        page.wait_for_load_state()
        assert "已报名" in page.inner_text("#my-registration")
        assert page.inner_text("#places-left") == "19"
        page.screenshot(path=str(ARTIFACTS / "salons-detail.png"), full_page=True)
        page.goto(f"{live_server}/salons/")
        page.click("#my-salons")
        page.wait_for_url(re.compile(r".*/salons/mine$"))
        assert "量子纠错码的新进展" in page.inner_text("#list-attending")
        page.click("#list-attending a.salon-title")
        with page.expect_download() as download:
            page.click("#download-ics")
        data = Path(download.value.path()).read_bytes()
        (event,) = Calendar.from_ical(data).walk("VEVENT")
        assert event.decoded("dtstart") == start.astimezone(UTC)
        assert str(event["summary"]) == "青年学者沙龙：量子纠错码的新进展"
    finally:
        for ctx in contexts:
            ctx.close()
    assert problems == []
