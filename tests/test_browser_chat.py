"""Two people in one chat room, each in their own headless Chromium context: the second sees
the first typing, then the first's message live, and an @mention lights the notification
badge without a reload."""
import pytest
from playwright.sync_api import expect

from tests.chat_helpers import clubs, socket_server  # noqa: F401  (fixtures)
from tests.test_browser_suggestions import signed_in_page


@pytest.mark.browser
def test_two_browsers_in_one_room_see_typing_and_messages_live(live_server, browser, clubs, make_user,
                                                              socket_server):
    alice = make_user(username="alice_phys", display_name="林物理")
    bob = make_user(username="bob_chem", display_name="周化学")
    problems, contexts = [], []
    try:
        ctx_a, page_a = signed_in_page(browser, live_server, alice, problems)
        ctx_b, page_b = signed_in_page(browser, live_server, bob, problems)
        contexts += [ctx_a, ctx_b]
        for page in (page_a, page_b):
            page.goto(f"{live_server}/chat/club:1")
        for page in (page_a, page_b):
            expect(page.locator("#chat-status")).to_contain_text("在线 2 人", timeout=20000)

        page_a.fill("#text", "")
        page_a.type("#text", "下午的量子实验")
        expect(page_b.locator("#chat-typing")).to_contain_text("林物理 正在输入", timeout=20000)

        page_a.type("#text", " @bob_chem 记得带样品")
        page_a.keyboard.press("Enter")
        page_b.wait_for_selector("#chat-log li:has-text('下午的量子实验 @bob_chem 记得带样品')")
        mention = page_b.locator("#chat-log li").last.locator("a.chat-mention")
        assert mention.inner_text() == "@bob_chem" and mention.get_attribute("href") == "/u/bob_chem"
        assert page_a.input_value("#text") == ""  # sent over the socket, not by a page load
        # The notification centre's count went up on bob's page without a reload.
        expect(page_b.locator("#unread-count")).to_have_text("1", timeout=20000)
        # Text is text: markup typed into a message is shown, never run.
        page_b.fill("#text", "<img src=x onerror=alert(1)>")
        page_b.keyboard.press("Enter")
        page_a.wait_for_selector("#chat-log li:has-text('<img src=x onerror=alert(1)>')")
        assert page_a.locator("#chat-log img").count() == 0
        assert not problems, problems
    finally:
        for ctx in contexts:
            ctx.close()


@pytest.mark.browser
def test_room_page_with_messages_and_moderation_has_no_serious_axe_violation(live_server, browser, clubs,
                                                                             make_member, make_staff, db,
                                                                             socket_server):
    """A busy room as staff see it (messages, delete buttons, the mute form), and the mute
    form come back with errors, at desktop and phone widths (tests/test_accessibility.py's check)."""
    from tests.test_accessibility import DESKTOP, PHONE, SIDEWAYS, _context, _serious, _sign_in
    from webapp.chat import services
    from webapp.chat.rooms import resolve
    from webapp.core import ratelimit

    author, staff = make_member(display_name="孙研究员"), make_staff()
    for text in ("今天组会讨论了新型催化剂的表征结果，欢迎大家补充 https://example.org/report", "@" + staff.username + " 请看一下"):
        services.post_message(author, resolve("club:1", author), text)
        ratelimit.reset(f"chat:send:{author.id}")
    db.session.commit()
    context = _context(browser)
    try:
        page = _sign_in(context, live_server, staff)
        problems = []
        for action in (None, "submit"):
            page.set_viewport_size(DESKTOP)
            page.goto(f"{live_server}/chat/club:1")
            expect(page.locator("#chat-status")).to_contain_text("在线")
            if action:
                with page.expect_navigation():
                    page.click("form.chat-mute-form button[type=submit]")
                assert page.locator(".chat-mute-form .is-invalid, .error-summary").count()
            for viewport in (DESKTOP, PHONE):
                page.set_viewport_size(viewport)
                problems += _serious(page)
                if viewport is PHONE and page.evaluate(SIDEWAYS):
                    problems.append(("scrolls sideways", page.evaluate(SIDEWAYS)))
        assert problems == [], problems
    finally:
        context.close()
