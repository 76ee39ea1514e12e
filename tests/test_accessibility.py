"""Accessibility in headless Chromium: axe-core (WCAG 2.1 A/AA and best practices) on every
page type of every capability, as each kind of visitor sees it, with forms that came back
with errors and empty states, at desktop (1366 px) and phone (390 px) widths. Any serious
or critical violation fails. Plus what axe cannot see: the skip link is the first stop of
the keyboard, focus is visible, and without JavaScript the account menu still opens.

A new capability adds its pages to PAGES below: (who, url, what to do first). `who` is one
of the people of `site` ("anonymous", "member", "newcomer", "author", "staff", "admin",
"leader"); the url may name the objects `site` makes ({answered}, {leader}, …); an action
"submit:<selector>" clicks that button (with the form left as it is) to reach the page of a
form with errors.

axe-core is vendored in tests/axe/ (axe.min.js and its licence; no download at test time).
"""
from collections import namedtuple
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD

AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "a11y"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
FAILING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

Page = namedtuple("Page", "who url action", defaults=(None,))

PAGES = [
    # site-wide
    Page("anonymous", "/"),
    Page("member", "/"),
    Page("anonymous", "/section/forum"),
    Page("anonymous", "/no-such-page"),
    # accounts
    Page("anonymous", "/login"),
    Page("anonymous", "/login", "submit:form button[type=submit]"),
    Page("anonymous", "/register"),
    Page("anonymous", "/register", "submit:form button[type=submit]"),
    Page("anonymous", "/forgot-password", "submit:form button[type=submit]"),
    Page("anonymous", "/reset-password/not-a-token"),
    Page("anonymous", "/register/complete/{registration}"),  # the mailed link: password and 用户协议
    Page("anonymous", "/register/complete/{registration}", "submit:form button[type=submit]"),
    Page("anonymous", "/register/complete/not-a-token"),  # an invalid link
    Page("anonymous", "/login/link/not-a-token"),
    Page("member", "/account/settings"),
    Page("anonymous", "/about"),
    Page("anonymous", "/terms"),
    Page("anonymous", "/api/"),  # the readable API reference
    Page("anonymous", "/u/{author}"),
    Page("member", "/account/profile"),
    Page("member", "/account/password", "submit:main form button[type=submit]"),
    Page("member", "/account/verification"),
    # notifications
    Page("author", "/notifications/"),
    Page("newcomer", "/notifications/"),  # empty
    # suggestions
    Page("anonymous", "/suggestions/"),
    Page("anonymous", "/suggestions/?page=99"),  # past the end
    Page("anonymous", "/suggestions/{answered}"),
    Page("anonymous", "/suggestions/{closed}"),
    Page("member", "/suggestions/{answered}"),
    Page("author", "/suggestions/{answered}"),  # follow-up and rating forms
    Page("author", "/suggestions/mine"),
    Page("newcomer", "/suggestions/mine"),  # empty
    Page("member", "/suggestions/new"),
    Page("member", "/suggestions/new", "submit:form.suggestion-form button[type=submit]"),
    Page("author", "/suggestions/{submitted}"),  # edit and withdraw before screening
    Page("author", "/suggestions/{submitted}/edit"),
    Page("anonymous", "/leaders/"),
    Page("anonymous", "/leaders/{leader}"),
    Page("leader", "/leaders/inbox"),
    Page("leader", "/leaders/inbox?tab=answered"),
    Page("leader", "/leaders/inbox?tab=overdue"),  # empty
    Page("leader", "/suggestions/{assigned}"),  # the answer form
    # staff
    Page("staff", "/suggestions/{submitted}"),  # the staff panel
    Page("staff", "/suggestions/{accepted}", "submit:form.assign-form button[type=submit]"),
    Page("staff", "/admin/suggestions/"),
    Page("staff", "/admin/suggestions/?queue=all"),
    Page("staff", "/admin/suggestions/categories"),
    Page("staff", "/admin/suggestions/categories", "submit:.add-item form button[type=submit]"),
    Page("staff", "/admin/suggestions/reasons"),
    Page("staff", "/admin/suggestions/leaders/{leader}"),  # photo and 分工
    # salons
    Page("anonymous", "/salons/"),
    Page("anonymous", "/salons/?discipline=数学"),  # empty
    Page("anonymous", "/salons/calendar"),
    Page("anonymous", "/salons/{salon}"),
    Page("member", "/salons/{salon}"),  # registered: status and cancel
    Page("newcomer", "/salons/{salon}"),  # the register button
    Page("author", "/salons/{salon}"),  # the host: registrations, check-in code
    Page("author", "/salons/{salon_past}"),  # after the salon: attendance, minutes, slides
    Page("author", "/salons/{salon_draft}/edit"),
    Page("member", "/salons/new"),
    Page("member", "/salons/new", "submit:#save-draft"),
    Page("member", "/salons/mine"),
    Page("newcomer", "/salons/mine"),  # empty
    Page("staff", "/salons/{salon_filed}"),  # the review panel
    Page("staff", "/admin/salons/"),
    Page("staff", "/admin/salons/rooms"),
    Page("staff", "/admin/salons/report"),
    # admin
    Page("admin", "/admin/"),
    Page("admin", "/admin/users"),
    Page("admin", "/admin/users/{author}"),
    Page("admin", "/admin/audit"),
    Page("admin", "/admin/verifications"),
    # forum
    Page("anonymous", "/forum/"),
    Page("anonymous", "/forum/boards/{forum_board}"),
    Page("anonymous", "/forum/boards/{forum_empty_board}"),  # empty
    Page("anonymous", "/forum/threads/{forum_thread}"),
    Page("anonymous", "/forum/threads/{forum_thread}?page=99"),  # past the end
    Page("member", "/forum/threads/{forum_thread}"),  # like, quote, report, the reply form
    Page("member", "/forum/threads/{forum_thread}", "submit:form.forum-editor button[type=submit]"),
    Page("member", "/forum/boards/{forum_board}/new"),
    Page("member", "/forum/boards/{forum_board}/new", "submit:form.forum-thread-form button[type=submit]"),
    Page("member", "/forum/posts/{forum_post}/report", "submit:form.forum-report-form button[type=submit]"),
    Page("member", "/forum/bookmarks"),  # empty
    Page("author", "/forum/threads/{forum_thread}"),  # the asker: edit, delete, accept
    Page("author", "/forum/posts/{forum_post}/edit"),
    Page("author", "/forum/posts/{forum_post}/history"),
    Page("staff", "/forum/threads/{forum_thread}"),  # hide, lock, pin, move
    Page("staff", "/forum/moderation"),
    Page("staff", "/forum/moderation", "submit:form.forum-suspend-form button[type=submit]"),
    Page("staff", "/forum/manage/boards"),
    # chat
    Page("member", "/chat/"),
    Page("newcomer", "/chat/"),  # no rooms yet
    Page("member", "/chat/dm?username=a11y_author"),  # a direct-message room (empty), through its redirect
    Page("member", "/chat/dm?username=nobody-here"),  # the open-a-DM form with its error
    # science
    Page("anonymous", "/science/"),
    Page("member", "/science/"),  # 为你推荐
    Page("anonymous", "/science/categories/popular"),
    Page("anonymous", "/science/categories/opinion"),  # empty
    Page("anonymous", "/science/tags/天文"),
    Page("anonymous", "/science/articles/{science_article}"),
    Page("author", "/science/articles/{science_draft}"),  # the author's workflow panel
    Page("editor", "/science/articles/{science_submitted}"),  # the review form
    Page("editor", "/science/articles/{science_submitted}", "submit:form.science-review-form button[type=submit]"),
    Page("editor", "/science/review"),
    Page("author", "/science/mine"),
    Page("member", "/science/articles/new"),
    Page("member", "/science/articles/new", "submit:main form button[type=submit]"),
    Page("member", "/science/videos/new"),
    Page("anonymous", "/science/videos/"),
    Page("anonymous", "/science/videos/{science_video}"),
    Page("anonymous", "/science/map"),
    Page("anonymous", "/science/bases/{science_base}"),
    Page("staff", "/science/bases/{science_base}/edit"),
    # search
    Page("anonymous", "/search/"),  # nothing asked yet
    Page("anonymous", "/search/?q=科研评价"),  # hits
    Page("member", "/search/?q=没有这样的内容"),  # no hits
    Page("anonymous", "/search/?q=科研评价&page=99"),  # past the end
    Page("anonymous", "/search/?q=科研&date_from=2026-05-01&date_to=2026-04-01"),  # a form with errors
    # review
    Page("anonymous", "/review/"),
    Page("anonymous", "/review/calls/{review_call}"),
    Page("anonymous", "/review/results/{review_result}"),
    Page("member", "/review/calls/{review_call}/submit"),
    Page("member", "/review/calls/{review_call}/submit", "submit:form.review-submit-form button[type=submit]"),
    Page("author", "/review/submissions/{review_submission}"),  # the revise form
    Page("author", "/review/submissions/{review_decided_submission}"),  # decision and comments
    Page("author", "/review/mine"),
    Page("newcomer", "/review/mine"),  # empty
    Page("newcomer", "/review/assignments"),  # empty
    Page("reviewer", "/review/assignments"),
    Page("reviewer", "/review/assignments/{review_assignment}"),
    Page("reviewer", "/review/assignments/{review_assignment}", "submit:form.review-form button[value=submit]"),
    Page("reviewer", "/review/profile"),
    Page("staff", "/review/calls/new"),
    Page("staff", "/review/calls/new", "submit:form.review-call-form button[type=submit]"),
    Page("staff", "/review/calls/{review_call}/manage"),
    Page("staff", "/review/calls/{review_call}/assign"),
    Page("staff", "/review/calls/{review_decided}/ranking"),
]


# What scrolls sideways: the page itself, or a table's scrolling box (.table-responsive).
SIDEWAYS = """() => {
  const wide = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) wide.push(`page by ${root.scrollWidth - root.clientWidth}px`);
  for (const box of document.querySelectorAll('.table-responsive')) {
    if (box.scrollWidth > box.clientWidth + 1) {
      const table = box.querySelector('table');
      wide.push(`table.${table ? [...table.classList].join('.') : '?'} by ${box.scrollWidth - box.clientWidth}px`);
    }
  }
  return wide.join('; ');
}"""


@pytest.fixture
def site(make_user, make_member, make_staff, make_admin, make_leader, make_suggestion):
    """The people and suggestions the pages show (committed: the live server reads them)."""
    leader = make_leader("a11y_leader", real_name="李建国", position="党组书记、常务副主席")
    author = make_member("a11y_author", display_name="赵研究员")
    people = {
        "author": author, "leader": leader,
        "member": make_member("a11y_member", display_name="钱会员"),
        "newcomer": make_member("a11y_newcomer", display_name="新会员"),
        "staff": make_staff("a11y_staff"), "admin": make_admin("a11y_admin"),
        "editor": make_user("a11y_editor", roles=("member", "editor")),
    }
    ids = {name: user.username for name, user in people.items()}
    for state in ("submitted", "accepted", "assigned", "answered", "closed"):
        s = make_suggestion(author=author, state=state, leader=leader, staff=people["staff"],
                            title=f"关于改进科研评价机制的建议（{state}）")
        ids[state] = s.id
    ids["leader"] = leader.id
    ids.update(_forum_site(people))
    from tests.salon_helpers import salon_pages_world
    from webapp.search import indexer

    indexer.rebuild()  # the search pages find the published suggestions
    from webapp.accounts import services

    ids.update(salon_pages_world(author, people["staff"], people["member"]))
    ids["registration"] = services._registration_serializer().dumps(
        {"u": "a11y_joiner", "e": "a11y_joiner@example.org", "d": "新加入的会员"})
    ids.update(_science_content(author, people["editor"], make_user))
    from tests.review_helpers import review_site

    review_site(people, ids, make_user)
    return people, ids


def _forum_site(people):
    """A board with a question thread by the author (a formula, code, a quote, a reply by the member, an
    edit, a report, an accepted answer), another empty board."""
    from webapp.extensions import db
    from webapp.forum import services
    from webapp.forum.models import Board

    board = Board(slug="a11y-physics", name="物理学", description="凝聚态与量子物理", group_name="数理", position=1)
    empty = Board(slug="a11y-chem", name="化学", description="无机与有机化学", group_name="化学", position=2)
    db.session.add_all([board, empty])
    db.session.flush()
    author, member = people["author"], people["member"]
    thread = services.start_thread(author, board, "如何理解 T2 与 T2* 的区别？",
                                   "自旋回波中 $T_2^*$ 与 $T_2$：\n\n$$\\frac{1}{T_2^*} = \\frac{1}{T_2} + \\gamma \\Delta B$$\n\n"
                                   "```python\nprint('echo')\n```", ["核磁共振"], "question")
    first = services.first_post(thread)
    answer = services.reply(member, thread, "自旋回波可以消除静态不均匀性。@" + author.username, first.id)
    services.edit_post(author, first, first.body + "\n\n补充：样品为水。")
    services.accept(author, answer)
    services.report(member, first, "测试举报")
    db.session.commit()
    return {"forum_board": board.id, "forum_empty_board": empty.id, "forum_thread": thread.id, "forum_post": first.id}


def _science_content(author, editor, make_user):
    """A published, a draft and a submitted article, a published video and the sample bases
    (tests/data/science_sample, written by sci_author)."""
    from tests.science_helpers import BODY, SAMPLE
    from webapp.extensions import db
    from webapp.science import importer, services
    from webapp.science.models import ScienceBase, Video

    category = services.categories()[0].id
    made = {}
    for key, title in (("science_article", "黑洞的事件视界有多大"), ("science_draft", "尚未提交的草稿"),
                       ("science_submitted", "等待审核的稿件")):
        article = services.create_article(author, title, "史瓦西半径", BODY, category, ["天文"])
        if key != "science_draft":
            services.submit(author, article)
        if key == "science_article":
            services.review(editor, article, "approve")
        made[key] = article.id
    make_user("sci_author", display_name="科普作者")
    importer.import_dir(SAMPLE)
    db.session.commit()
    made["science_video"] = Video.query.filter_by(slug="test-pattern").one().id
    made["science_base"] = ScienceBase.query.order_by(ScienceBase.id).first().id
    return made


def _context(browser, javascript=True):
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, bypass_csp=True, java_script_enabled=javascript)
    if javascript:
        context.add_init_script(path=str(AXE))
    return context


def _sign_in(context, live_server, user):
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", user.username)
    page.fill("#password", TEST_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{user.username} could not log in"
    return page


def _serious(page):
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5], v["help"])
            for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


@pytest.mark.browser
def test_axe_finds_no_serious_violation_on_any_page(live_server, browser, site):
    people, ids = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages, contexts, problems = {}, [], []
    try:
        for who in sorted({p.who for p in PAGES}):
            context = _context(browser)
            contexts.append(context)
            pages[who] = _sign_in(context, live_server, people[who]) if who != "anonymous" else context.new_page()
        for number, entry in enumerate(PAGES):
            page = pages[entry.who]
            url = entry.url.format(**ids)
            page.set_viewport_size(DESKTOP)
            page.goto(f"{live_server}{url}")
            if entry.action:
                kind, _, selector = entry.action.partition(":")
                assert kind == "submit", entry
                with page.expect_navigation():
                    page.click(selector)
                assert page.locator(".is-invalid, .error-summary").count(), f"{entry}: no error shown"
            for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(viewport)
                found = _serious(page)
                if found:
                    problems.append((entry.who, url, entry.action, width, found))
                    page.screenshot(path=str(ARTIFACTS / f"{number:02d}-{entry.who}-{width}.png"), full_page=True)
                # Reflow: neither the page nor a table in it scrolls sideways on a phone.
                if width == "phone":
                    wide = page.evaluate(SIDEWAYS)
                    if wide:
                        problems.append((entry.who, url, entry.action, width, f"scrolls sideways: {wide}"))
    finally:
        for context in contexts:
            context.close()
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.browser
def test_keyboard_focus_and_skip_link(live_server, browser, site):
    people, _ = site
    context = _context(browser)
    try:
        page = _sign_in(context, live_server, people["member"])
        page.goto(f"{live_server}/suggestions/")
        page.keyboard.press("Tab")
        first = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
        assert first == ["跳到主要内容", "#main"]
        assert page.locator(".skip-link").is_visible()  # shown once focused
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        # Every stop of the navigation shows a focus ring of at least 3 px.
        page.goto(f"{live_server}/suggestions/")
        page.keyboard.press("Tab")
        for _ in range(6):
            page.keyboard.press("Tab")
            ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                return [document.activeElement.closest('nav') !== null, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
            assert ring[0] and ring[1] != "none" and ring[2] >= 3, ring

        # The account menu opens from the keyboard and its arrow keys reach 退出登录.
        page.focus("#account-menu-toggle")
        page.keyboard.press("Enter")
        for _ in range(12):
            page.keyboard.press("ArrowDown")
            if page.evaluate("document.activeElement.id") == "nav-logout":
                break
        assert page.evaluate("document.activeElement.id") == "nav-logout"
        assert "dropdown-item" in page.get_attribute("#nav-logout", "class")

        # After a failed submit the focus is on the error summary.
        page.goto(f"{live_server}/account/password")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        # Form controls too: a 3 px ring in the site's dark blue (7.8:1 on white), not Bootstrap's pale glow.
        page.focus("#current_password")
        ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }""")
        assert ring[0] != "none" and ring[1] >= 3 and ring[2] == "rgb(11, 83, 148)", ring
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_account_menu_works_without_javascript(live_server, browser, site, viewport):
    people, _ = site
    context = _context(browser, javascript=False)
    context.set_default_timeout(5000)
    try:
        page = _sign_in(context, live_server, people["leader"])
        page.set_viewport_size(viewport)
        page.goto(f"{live_server}/suggestions/")
        # The collapsed menu needs no toggle: its links are on the page.
        assert page.locator("#mainNav").is_visible()
        assert page.locator("#nav-notifications").is_visible()
        # The account menu opens when its link is followed (or focused).
        page.click("#account-menu-toggle")
        for link in ("我的主页", "我的建议", "编辑资料", "实名认证", "退出登录"):
            assert page.locator("#account-menu").get_by_text(link).is_visible(), link
        # A leader's inbox is in the main navigation.
        assert page.locator("#mainNav").get_by_text("领导信箱").is_visible()
        page.click("#nav-logout")
        page.wait_for_url(f"{live_server}/")
        assert page.locator("text=您已退出登录").count() == 1
    finally:
        context.close()
