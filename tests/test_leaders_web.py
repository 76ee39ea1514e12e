"""The leaders' pages: a leader's public figures, the ranking, the leader's inbox, and the
navigation to 建言献策.

Dates are controlled by the frozen `clock` (and so `services.today`); the work
calendar is emptied so only weekends are days off. Every figure below is worked out by hand:

Leader 李明 (accepted on Mon 2025-03-03, due 15 working days later on 2025-03-24):
  A1 answered 03-05 (2 working days), rated 满意 — private: counted, never shown
  A2 answered 03-07 (4 working days), rated 满意
  A3 answered 03-11 (6 working days), rated 不满意
  A4 still open; viewed on 2025-03-31 it is overdue
  → received 4, answered 3, response rate 75%, median 4 working days, overdue 1 (open 1),
    satisfaction 2 of 3 = 66.7%.
Leader 赵华: B1 answered 03-04 (1), B2 answered 03-06 (3), rated 基本满意 → 2 of 2 = 100%,
  median 2, overdue 0, satisfaction 100%.
"""
import re
from datetime import date, datetime, time

import pytest

from tests.test_security import _InlineScriptFinder
from tests.web_helpers import html

VIEW_DAY = date(2025, 3, 31)
PRIVATE_TITLE = "不公开建议：关于某实验室内部问题的反映"
CHART_JS = "/static/vendor/chart.js-4.6.1/chart.umd.min.js"


@pytest.fixture
def clock(app, monkeypatch, clock):
    """clock(day) sets the shared frozen clock to 10:00 Shanghai time on `day`."""
    monkeypatch.setitem(app.config, "WORK_CALENDAR_FILE", "")
    monkeypatch.setitem(app.config, "SUGGESTION_ANSWER_DAYS", 15)

    def _set(day):
        moment = datetime.combine(day, time(2, 0))  # naive UTC = 10:00 in Asia/Shanghai
        clock.set(moment)
        return moment

    return _set


@pytest.fixture
def signed_in(make_client, login):
    def _signed_in(user):
        client = make_client()
        assert login(client, user).status_code == 302, "login failed"
        return client

    return _signed_in


@pytest.fixture
def figures(clock, make_leader, make_suggestion):
    """The two leaders of the module docstring, seen on VIEW_DAY."""
    from webapp.suggestions import services

    li = make_leader(username="liming", real_name="李明", position="主席")
    zhao = make_leader(username="zhaohua", real_name="赵华", position="副主席")
    make_leader(username="sunqi", real_name="孙琦", position="秘书长")
    start = date(2025, 3, 3)

    def answered(leader, answered_on, rating, title, visibility="public"):
        clock(start)
        s = make_suggestion(state="assigned", leader=leader, title=title, visibility=visibility)
        clock(answered_on)
        services.save_answer(leader, s, f"关于“{title}”的答复：我们已经研究并作出安排。")
        if rating:
            services.rate(s.author, s, rating)
        return s

    a1 = answered(li, date(2025, 3, 5), "satisfied", PRIVATE_TITLE, visibility="private")
    answered(li, date(2025, 3, 7), "satisfied", "关于简化科研经费报销流程的建议")
    answered(li, date(2025, 3, 11), "unsatisfied", "关于青年科技人才评价改革的建议")
    clock(start)
    make_suggestion(state="assigned", leader=li, title="关于学会换届选举程序的建议")
    answered(zhao, date(2025, 3, 4), None, "关于加强基层科普阵地建设的建议")
    answered(zhao, date(2025, 3, 6), "basically", "关于创新创业孵化服务的建议")
    clock(VIEW_DAY)
    return {"li": li, "zhao": zhao, "private": a1, "author": make_suggestion.people["author"]}


def figure(page, name):
    match = re.search(r'data-figure="%s">([^<]*)<' % name, page)
    return match.group(1).strip() if match else None


def ranking_rows(page):
    """[(leader_id, {column: text})] in table order."""
    rows = []
    for leader_id, body in re.findall(r'<tr data-leader-id="(\d+)">(.*?)</tr>', page, re.S):
        cells = {col: re.sub(r"<[^>]+>", "", text).strip()
                 for col, text in re.findall(r'data-col="(\w+)">(.*?)</td>', body, re.S)}
        rows.append((int(leader_id), cells))
    return rows


# ---------------------------------------------------------------- the percent filter

@pytest.mark.parametrize("value, shown", [(1.0, "100%"), (0.6667, "66.7%"), (0.75, "75%"), (0.0, "0%"),
                                          (0.5, "50%"), (0.12345, "12.3%"), (None, "—")])
def test_percent_filter(app, value, shown):
    assert app.jinja_env.filters["percent"](value) == shown


# ---------------------------------------------------------------- a leader's page

def test_leader_page_with_a_sufficient_sample(client, app, monkeypatch, figures):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    li = figures["li"]
    resp = client.get(f"/leaders/{li.id}")
    assert resp.status_code == 200
    page = html(resp)
    assert "李明" in page and "主席" in page and "实名认证" in page
    assert figure(page, "received") == "4"
    assert figure(page, "answered") == "3"
    assert figure(page, "response_rate") == "75%"
    assert figure(page, "median_working_days") == "4"
    assert figure(page, "overdue") == "1"
    assert figure(page, "overdue_open") == "1"
    assert figure(page, "satisfaction_rate") == "66.7%"
    assert "样本不足" not in page
    # The distribution, as text (for no-JS and screen readers) and as the chart's source.
    assert 'data-key="satisfied" data-label="满意" data-count="2"' in page
    assert 'data-key="basically" data-label="基本满意" data-count="0"' in page
    assert 'data-key="unsatisfied" data-label="不满意" data-count="1"' in page
    assert 'id="satisfaction-chart"' in page
    # (static URLs carry their content hash: ?v=…)
    assert f'src="{CHART_JS}?v=' in page
    assert 'src="/static/js/leader-stats.js?v=' in page
    # Links to write to this leader and to see all their suggestions.
    assert f'href="/suggestions/new?to={li.id}"' in page
    assert f'href="/suggestions/?leader_id={li.id}"' in page
    # Latest public answers, newest first.
    answers = page[page.index('id="latest-answers"'):]
    assert answers.index("关于青年科技人才评价改革的建议") < answers.index("关于简化科研经费报销流程的建议")


def test_leader_page_below_the_minimum_sample(client, figures):
    page = html(client.get(f"/leaders/{figures['li'].id}"))
    assert "样本不足（收到建议少于 10 条，暂不公布比率）" in page
    # Raw counts still show; no rate, no median, no chart.
    assert figure(page, "received") == "4"
    assert figure(page, "answered") == "3"
    assert figure(page, "overdue") == "1"
    for name in ("response_rate", "median_working_days", "satisfaction_rate"):
        assert figure(page, name) is None
    for rate in ("75%", "66.7%", "%"):
        assert rate not in page
    assert "satisfaction-chart" not in page
    assert "chart.umd" not in page


def test_chart_js_is_vendored_and_no_script_comes_from_elsewhere(client, app, monkeypatch, figures):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    for url in (f"/leaders/{figures['li'].id}", "/leaders/"):
        page = html(client.get(url))
        assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", page, re.I)
        assert "cdn" not in page.lower()
        finder = _InlineScriptFinder()
        finder.feed(page)
        assert finder.problems == []
    script = client.get(CHART_JS)
    assert script.status_code == 200
    assert b"Chart.js v4.6.1" in script.data
    script.close()
    assert client.get("/static/vendor/chart.js-4.6.1/LICENSE.md").status_code == 200


@pytest.mark.parametrize("viewer", ["anonymous", "member", "author"])
def test_private_suggestion_is_counted_but_never_shown(client, app, monkeypatch, make_user, signed_in, figures,
                                                       viewer):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    if viewer == "member":
        client = signed_in(make_user(username="other"))
    elif viewer == "author":
        client = signed_in(figures["author"])
        # The author can read it on the suggestion's own page, but the leader's page is the same for everyone.
        assert figures["private"].is_visible_to(figures["author"])
    for url in (f"/leaders/{figures['li'].id}", "/leaders/"):
        page = html(client.get(url))
        assert PRIVATE_TITLE not in page
        assert f"/suggestions/{figures['private'].id}\"" not in page
    page = html(client.get(f"/leaders/{figures['li'].id}"))
    assert figure(page, "received") == "4"


def test_unknown_or_non_leader_ids_are_404(client, make_user, figures, make_leader):
    member = make_user(username="member1")
    unverified = make_leader(username="unverified", verified=False)
    suspended = make_leader(username="suspended", suspended_at=datetime(2025, 1, 1))
    for user_id in (member.id, unverified.id, suspended.id, 999999):
        assert client.get(f"/leaders/{user_id}").status_code == 404, user_id


def test_leader_without_suggestions(client, make_leader):
    leader = make_leader(username="newleader", real_name="周新")
    page = html(client.get(f"/leaders/{leader.id}"))
    assert figure(page, "received") == "0"
    assert "样本不足" in page
    assert "暂无公开的答复" in page


def test_user_html_is_escaped_on_the_leader_page(client, app, monkeypatch, clock, make_suggestion, make_leader):
    from webapp.suggestions import services

    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    clock(date(2025, 3, 3))
    leader = make_leader(username="wang", real_name="王五")
    s = make_suggestion(state="assigned", leader=leader, title="<script>alert(1)</script>标题")
    services.save_answer(leader, s, "答复 <img src=x onerror=alert(2)> **加粗**")
    page = html(client.get(f"/leaders/{leader.id}"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page and "onerror" not in page.replace("&lt;img src=x onerror", "")
    assert "**" not in page


# ---------------------------------------------------------------- the ranking

def test_ranking_order_and_figures(client, app, monkeypatch, figures):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    page = html(client.get("/leaders/"))
    rows = ranking_rows(page)
    assert [leader_id for leader_id, _ in rows] == [figures["zhao"].id, figures["li"].id, rows[2][0]]
    zhao, li, sun = (cells for _, cells in rows)
    assert zhao == {"rank": "1", "received": "2", "answered": "2", "response_rate": "100%",
                    "median_working_days": "2", "overdue": "0", "satisfaction_rate": "100%"}
    assert li == {"rank": "2", "received": "4", "answered": "3", "response_rate": "75%",
                  "median_working_days": "4", "overdue": "1", "satisfaction_rate": "66.7%"}
    # A leader with nothing received: below any minimum sample, unranked.
    assert sun == {"rank": "—", "received": "0", "answered": "0", "response_rate": "样本不足",
                   "median_working_days": "样本不足", "overdue": "0", "satisfaction_rate": "样本不足"}
    assert "孙琦" in page and "秘书长" in page
    assert f'href="/leaders/{figures["li"].id}"' in page
    # The rules, with this site's numbers.
    assert "15 个工作日" in page and "30 个工作日" in page and "少于 1 条" in page


def test_ranking_below_the_minimum_sample(client, figures):
    page = html(client.get("/leaders/"))
    rows = ranking_rows(page)
    # No rates published: ordered by answers given, nobody ranked.
    assert [leader_id for leader_id, _ in rows[:2]] == [figures["li"].id, figures["zhao"].id]
    for _, cells in rows:
        assert cells["rank"] == "—"
        assert cells["response_rate"] == cells["satisfaction_rate"] == cells["median_working_days"] == "样本不足"
    assert rows[0][1]["received"] == "4" and rows[0][1]["answered"] == "3" and rows[0][1]["overdue"] == "1"
    assert "%" not in page.split('id="ranking-rules"')[0]
    assert "少于 10 条" in page


# ---------------------------------------------------------------- the inbox

@pytest.fixture
def inbox(clock, make_leader, make_suggestion):
    """A leader's inbox on VIEW_DAY (2025-03-31), created out of due-date order:

    new   accepted 03-27, due 04-17             pending
    late  accepted 03-03, due 03-24             pending, overdue
    mid   accepted 03-20, due 04-10, draft      pending
    asked accepted 03-10, due 03-31, answered 03-12, follow-up pending → pending and answered
    done  accepted 03-04, due 03-25, answered late on 03-27, rated → answered
    other a suggestion assigned to another leader: never in this inbox
    """
    from webapp.suggestions import services

    leader = make_leader(username="inboxleader", real_name="钱进")
    other = make_leader(username="otherleader", real_name="吴越")
    made = {}

    def make(key, accepted_on, title, **kw):
        clock(accepted_on)
        made[key] = make_suggestion(state="assigned", leader=kw.pop("to", leader), title=title, **kw)
        return made[key]

    make("new", date(2025, 3, 27), "最新交办的建议：科研诚信")
    make("late", date(2025, 3, 3), "逾期未答复的建议：经费管理", visibility="private")
    make("mid", date(2025, 3, 20), "已存草稿的建议：人才评价")
    services.save_answer(leader, made["mid"], "草稿", publish=False)
    make("asked", date(2025, 3, 10), "有追问的建议：学会治理")
    clock(date(2025, 3, 12))
    services.save_answer(leader, made["asked"], "答复内容：我们将在下月出台细则。")
    clock(date(2025, 3, 13))
    services.ask_follow_up(made["asked"].author, made["asked"], "请问细则何时出台？")
    make("done", date(2025, 3, 4), "已办结的建议：科普基地")
    clock(date(2025, 3, 27))
    services.save_answer(leader, made["done"], "答复内容：已经安排专人负责。")
    services.rate(made["done"].author, made["done"], "satisfied")
    make("other", date(2025, 3, 3), "交办给其他领导的建议", to=other)
    clock(VIEW_DAY)
    made["leader"] = leader
    return made


def inbox_rows(page):
    return [int(i) for i in re.findall(r'<tr data-suggestion-id="(\d+)"', page)]


def test_inbox_tabs_counts_and_order(signed_in, inbox):
    client = signed_in(inbox["leader"])
    page = html(client.get("/leaders/inbox"))
    assert re.search(r'data-count="pending">4<', page)
    assert re.search(r'data-count="overdue">1<', page)
    assert re.search(r'data-count="answered">2<', page)
    ids = [inbox[k].id for k in ("late", "asked", "mid", "new")]
    assert inbox_rows(page) == ids  # by due date, not by creation
    assert "交办给其他领导的建议" not in page
    # The overdue row is marked, the others are not.
    assert re.search(r'data-suggestion-id="%d" class="table-danger" data-overdue="1"' % inbox["late"].id, page)
    assert page.count('class="table-danger"') == 1
    assert 'data-deadline="overdue"' in page and "逾期 5 个工作日" in page
    # Marks for a pending follow-up and a saved draft, each on its own row.
    rows = dict(zip(inbox_rows(page), re.split(r'<tr data-suggestion-id="\d+"', page)[1:]))
    assert 'data-mark="follow-up"' in rows[inbox["asked"].id] and "追问待答复" in rows[inbox["asked"].id]
    assert 'data-mark="draft"' in rows[inbox["mid"].id]
    assert 'data-mark' not in rows[inbox["new"].id]
    assert 'data-answered="on_time"' in rows[inbox["asked"].id] and "剩" not in rows[inbox["asked"].id]
    assert 'data-deadline="on_time"' in rows[inbox["new"].id] and "剩 13 个工作日" in rows[inbox["new"].id]
    assert "2025-03-24" in rows[inbox["late"].id] and "2025-03-03" in rows[inbox["late"].id]
    assert f'href="/suggestions/{inbox["late"].id}"' in page
    assert "科研政策" in rows[inbox["new"].id]  # the category


def test_inbox_overdue_and_answered_tabs(signed_in, inbox):
    client = signed_in(inbox["leader"])
    overdue = html(client.get("/leaders/inbox?tab=overdue"))
    assert inbox_rows(overdue) == [inbox["late"].id]
    assert 'aria-current="page"' in overdue and 'data-tab="overdue" aria-current="page"' in overdue
    answered = html(client.get("/leaders/inbox?tab=answered"))
    assert inbox_rows(answered) == [inbox["done"].id, inbox["asked"].id]  # latest answer first
    rows = dict(zip(inbox_rows(answered), re.split(r'<tr data-suggestion-id="\d+"', answered)[1:]))
    # Answered ones say whether the answer came in time, not how many days were left.
    assert 'data-answered="late"' in rows[inbox["done"].id] and "逾期后答复" in rows[inbox["done"].id]
    assert 'data-answered="on_time"' in rows[inbox["asked"].id]
    assert "table-danger" not in answered
    assert client.get("/leaders/inbox?tab=nope").status_code == 404


def test_inbox_is_paginated(signed_in, inbox):
    client = signed_in(inbox["leader"])
    first = html(client.get("/leaders/inbox?per_page=3"))
    assert inbox_rows(first) == [inbox[k].id for k in ("late", "asked", "mid")]
    assert "第 1 / 2 页" in first
    second = html(client.get("/leaders/inbox?per_page=3&page=2"))
    assert inbox_rows(second) == [inbox["new"].id]


def test_inbox_empty_tab(signed_in, make_leader):
    leader = make_leader(username="idle")
    page = html(signed_in(leader).get("/leaders/inbox?tab=overdue"))
    assert "没有逾期的建议" in page


def test_inbox_refuses_members_and_anonymous(client, make_user, signed_in, make_staff):
    resp = client.get("/leaders/inbox")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    member = signed_in(make_user(username="member2"))
    resp = member.get("/leaders/inbox")
    assert resp.status_code == 403
    assert "只有领导可以查看领导信箱" in html(resp)
    staff = signed_in(make_staff(username="staff2"))
    assert staff.get("/leaders/inbox").status_code == 403


# ---------------------------------------------------------------- navigation

def test_suggestions_in_the_navigation(client, make_user, signed_in, figures):
    home = html(client.get("/"))
    assert '<a class="card h-100 section-card text-decoration-none" href="/suggestions/">' in home
    assert 'href="/forum/"' in home  # a built section links to its page
    assert client.get("/section/suggestions").headers["Location"].endswith("/suggestions/")
    for url in ("/leaders/", f"/leaders/{figures['li'].id}"):
        page = html(client.get(url))
        assert '<a class="nav-link active" href="/suggestions/" aria-current="page">建言献策</a>' in page
    assert 'class="nav-link active"' not in home
    # The leader's inbox is in the user menu of leaders only.
    assert 'href="/leaders/inbox"' in html(signed_in(figures["li"]).get("/"))
    assert 'href="/leaders/inbox"' not in html(signed_in(make_user(username="member3")).get("/"))
    assert 'href="/leaders/inbox"' not in home


# ---------------------------------------------------------------- in Chromium

@pytest.mark.browser
def test_satisfaction_chart_draws_in_the_browser(app, monkeypatch, live_server, page, figures):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server}/leaders/{figures['li'].id}")
    page.wait_for_function("() => window.Chart && Chart.getChart('satisfaction-chart')")
    assert page.evaluate("() => Chart.getChart('satisfaction-chart').data.datasets[0].data") == [2, 0, 1]
    page.wait_for_timeout(600)  # the short drawing animation
    painted = page.evaluate("""() => {
        const c = document.getElementById('satisfaction-chart');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
        return n;
    }""")
    assert painted > 1000, "the doughnut was not drawn"
    assert problems == []  # nothing refused by the CSP, no script error
