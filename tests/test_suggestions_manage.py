"""Staff pages for suggestions: who may enter, the queues, the category and reason lists."""
import re
from datetime import timedelta

import pytest

from tests.staff_helpers import signed_in  # noqa: F401
from tests.web_helpers import field_error, html

GET_URLS = ["/admin/suggestions/", "/admin/suggestions/?queue=unassigned", "/admin/suggestions/?queue=overdue",
            "/admin/suggestions/?queue=threshold", "/admin/suggestions/?queue=hidden",
            "/admin/suggestions/?queue=all", "/admin/suggestions/categories", "/admin/suggestions/reasons"]


def post_urls(category_id, reason_id):
    return [
        ("/admin/suggestions/categories", {"name": "新分类"}),
        (f"/admin/suggestions/categories/{category_id}", {"name": "改名分类", "position": "3"}),
        (f"/admin/suggestions/categories/{category_id}/deactivate", {}),
        (f"/admin/suggestions/categories/{category_id}/activate", {}),
        ("/admin/suggestions/reasons", {"name": "新理由"}),
        (f"/admin/suggestions/reasons/{reason_id}", {"name": "改名理由"}),
        (f"/admin/suggestions/reasons/{reason_id}/deactivate", {}),
        (f"/admin/suggestions/reasons/{reason_id}/activate", {}),
    ]


@pytest.fixture
def people(make_admin, make_leader, make_member, make_staff, suggestion_lists):
    return {
        "staff": make_staff("sgm_staff", display_name="受理员小王"),
        "admin": make_admin("sgm_admin"),
        "member": make_member("sgm_member"),
        "leader": make_leader("sgm_leader", real_name="李领导"),
    }


def row_ids(page):
    return {int(i) for i in re.findall(r'data-suggestion="(\d+)"', page)}


def tab_counts(page):
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}


def list_state(db):
    from webapp.suggestions.models import ScreeningReason, SuggestionCategory

    db.session.expire_all()
    return ([(c.name, c.position, c.active) for c in SuggestionCategory.query.order_by(SuggestionCategory.id)],
            [(r.title, r.position, r.active) for r in ScreeningReason.query.order_by(ScreeningReason.id)])


# ---------------------------------------------------------------- who may enter

@pytest.mark.parametrize("who", ["member", "leader"])
def test_members_and_leaders_get_403_everywhere(who, people, signed_in, post_form, suggestion_lists, db):
    from webapp.core.models import AuditLog

    before = list_state(db)
    client = signed_in(people[who])
    for url in GET_URLS:
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert "没有权限" in html(resp)
    cat, reason = suggestion_lists["categories"][0], suggestion_lists["reasons"][0]
    for url, data in post_urls(cat.id, reason.id):
        assert post_form(client, url, data).status_code == 403, url
    assert list_state(db) == before
    assert AuditLog.query.count() == 0


def test_anonymous_is_sent_to_login(people, client, post_form, suggestion_lists, db):
    before = list_state(db)
    for url in GET_URLS:
        resp = client.get(url)
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login"), url
    cat, reason = suggestion_lists["categories"][0], suggestion_lists["reasons"][0]
    for url, data in post_urls(cat.id, reason.id):
        resp = post_form(client, url, data)
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login"), url
    assert list_state(db) == before


@pytest.mark.parametrize("who", ["staff", "admin"])
def test_staff_and_admins_see_every_page_and_the_nav_entry(who, people, signed_in):
    client = signed_in(people[who])
    for url in GET_URLS:
        assert client.get(url).status_code == 200, url
    page = html(client.get("/admin/"))
    assert 'href="/admin/suggestions/"' in page and "建言管理" in page


# ---------------------------------------------------------------- queues

@pytest.fixture
def queue_fixture(people, make_suggestion, make_user, monkeypatch, app):
    """One suggestion per state, one hidden, one past the co-signing threshold."""
    from webapp.suggestions import services

    staff = people["staff"]
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 2)
    built = {
        "submitted": make_suggestion(state="submitted", staff=staff, title="待受理的建议一"),
        # Co-signing opens on acceptance (先审后发).
        "popular": make_suggestion(state="accepted", staff=staff, title="联名达标的建议"),
        "not_accepted": make_suggestion(state="not_accepted", staff=staff, title="不予受理的建议"),
        "accepted": make_suggestion(state="accepted", staff=staff, title="已受理未交办的建议"),
        "assigned": make_suggestion(state="assigned", staff=staff, leader=people["leader"], title="已交办的建议"),
        "answered": make_suggestion(state="answered", staff=staff, leader=people["leader"], title="已答复的建议"),
        "closed": make_suggestion(state="closed", staff=staff, leader=people["leader"], title="已办结的建议"),
        "hidden": make_suggestion(state="assigned", staff=staff, leader=people["leader"], title="被隐藏的建议"),
    }
    for name in ("fan1", "fan2"):
        services.support(make_user(f"sgm_{name}"), built["popular"])
    services.hide(staff, built["hidden"], "含广告内容")
    assert built["popular"].threshold_reached_at is not None
    return {k: s.id for k, s in built.items()}


def test_each_queue_lists_exactly_the_right_suggestions(people, queue_fixture, signed_in, monkeypatch, clock):

    ids = queue_fixture
    client = signed_in(people["staff"])
    expected = {
        "screening": {ids["submitted"]},
        "unassigned": {ids["accepted"], ids["popular"]},
        "overdue": set(),
        "threshold": {ids["popular"]},
        "hidden": {ids["hidden"]},
        "all": set(ids.values()),
    }
    for queue, wanted in expected.items():
        page = html(client.get(f"/admin/suggestions/?queue={queue}"))
        assert row_ids(page) == wanted, queue
    page = html(client.get("/admin/suggestions/"))
    assert row_ids(page) == expected["screening"]
    assert tab_counts(page) == {"screening": 1, "unassigned": 2, "overdue": 0, "threshold": 1, "hidden": 1, "all": 8}
    # Titles link to the suggestion's own page.
    assert f'href="/suggestions/{ids["submitted"]}"' in page
    assert f'href="/suggestions/{ids["popular"]}"' in html(client.get("/admin/suggestions/?queue=threshold"))
    assert "受理超期" not in page

    # A day after the answer deadline, every unanswered accepted suggestion is overdue.
    from webapp.extensions import db
    from webapp.suggestions.models import Suggestion

    due = db.session.get(Suggestion, ids["assigned"]).due_date
    clock.set_day(due + timedelta(days=1))
    page = html(client.get("/admin/suggestions/?queue=overdue"))
    assert row_ids(page) == {ids["accepted"], ids["popular"], ids["assigned"], ids["hidden"]}
    assert page.count('data-deadline="overdue"') == 4
    assert tab_counts(page)["overdue"] == 4
    # ...and the submitted one is long past their screening date.
    page = html(client.get("/admin/suggestions/?queue=screening"))
    assert page.count("受理超期") == 1


def test_late_screening_is_marked_from_the_day_after_the_screening_date(people, make_suggestion, signed_in,
                                                                       monkeypatch, clock):

    s = make_suggestion(state="submitted", staff=people["staff"])
    client = signed_in(people["staff"])
    clock.set_day(s.screen_due_date)
    assert "受理超期" not in html(client.get("/admin/suggestions/"))
    clock.set_day(s.screen_due_date + timedelta(days=1))
    page = html(client.get("/admin/suggestions/"))
    assert row_ids(page) == {s.id} and page.count("受理超期") == 1


def test_queue_shows_the_due_soon_badge_and_paginates(people, make_suggestion, signed_in, monkeypatch, clock):

    built = [make_suggestion(state="accepted", staff=people["staff"], title=f"分页测试建议{i}") for i in range(3)]
    client = signed_in(people["staff"])
    clock.set_day(built[0].due_date)
    first = html(client.get("/admin/suggestions/?queue=unassigned&per_page=2"))
    second = html(client.get("/admin/suggestions/?queue=unassigned&per_page=2&page=2"))
    assert len(row_ids(first)) == 2 and len(row_ids(second)) == 1
    assert row_ids(first) | row_ids(second) == {s.id for s in built}
    assert 'data-deadline="due_soon"' in first and "第 1 / 2 页" in first


def test_unknown_queue_falls_back_to_screening(people, signed_in):
    resp = signed_in(people["staff"]).get("/admin/suggestions/?queue=nope")
    assert resp.status_code == 200 and 'aria-current="page">\n      待受理' in html(resp)


# ---------------------------------------------------------------- categories

def test_staff_add_rename_reorder_and_deactivate_a_category(people, signed_in, post_form, make_suggestion, db):
    from webapp.core.models import AuditLog
    from webapp.suggestions import services
    from webapp.suggestions.models import Suggestion, SuggestionCategory

    client = signed_in(people["staff"])
    resp = post_form(client, "/admin/suggestions/categories", {"name": " 科技伦理 ", "position": ""})
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/suggestions/categories"
    category = SuggestionCategory.query.filter_by(name="科技伦理").one()
    assert category.active and category.position == 6  # after the six defaults (0–5)
    assert "已添加分类“科技伦理”" in html(client.get("/admin/suggestions/categories"))

    resp = post_form(client, f"/admin/suggestions/categories/{category.id}", {"name": "科研诚信与伦理", "position": "0"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert (category.name, category.position) == ("科研诚信与伦理", 0)

    s = make_suggestion(state="submitted", category=category, staff=people["staff"])
    resp = post_form(client, f"/admin/suggestions/categories/{category.id}/deactivate", {})
    assert resp.status_code == 302
    db.session.expire_all()
    assert not category.active
    assert category.id not in {c.id for c in services.categories()}
    assert category.id in {c.id for c in services.categories(include_inactive=True)}
    assert db.session.get(Suggestion, s.id).category.name == "科研诚信与伦理"
    page = html(client.get("/admin/suggestions/categories"))
    assert re.search(rf'id="item-{category.id}" data-item="{category.id}" data-active="no"', page)
    assert "已停用" in page and "重新启用" in page
    # The queue still shows the old suggestion's category, marked.
    assert "科研诚信与伦理 <span class=\"text-muted small\">（已停用）</span>" in html(client.get("/admin/suggestions/"))

    assert post_form(client, f"/admin/suggestions/categories/{category.id}/activate", {}).status_code == 302
    db.session.expire_all()
    assert category.active

    rows = AuditLog.query.filter_by(action="suggestion.category.save").order_by(AuditLog.id).all()
    assert [(r.actor_id, r.object_type, r.object_id) for r in rows] == \
        [(people["staff"].id, "suggestion_categories", category.id)] * 4
    assert rows[1].summary == "分类：科技伦理 → 科研诚信与伦理"
    assert rows[2].summary.endswith("（停用）")
    audit_page = html(client.get("/admin/audit"))
    assert "保存建议分类" in audit_page and 'href="/admin/suggestions/categories"' in audit_page


def test_category_form_errors_are_shown_in_the_page(people, signed_in, post_form, suggestion_lists, db):
    from webapp.core.models import AuditLog

    client = signed_in(people["staff"])
    before = list_state(db)
    resp = post_form(client, "/admin/suggestions/categories", {"name": "科研政策"})
    assert resp.status_code == 422 and field_error(html(resp), "已有同名分类")
    resp = post_form(client, "/admin/suggestions/categories", {"name": "  "})
    assert resp.status_code == 422 and field_error(html(resp), "请填写名称")
    resp = post_form(client, "/admin/suggestions/categories", {"name": "很" * 33})
    assert resp.status_code == 422 and field_error(html(resp), "不能超过 32 个字")
    resp = post_form(client, "/admin/suggestions/categories", {"name": "新分类", "position": "第一"})
    assert resp.status_code == 422 and field_error(html(resp), "顺序应为 0–9999 的整数")
    # Renaming to another category's name: the error sits under that row's field, the value kept.
    other = suggestion_lists["categories"][1]
    resp = post_form(client, f"/admin/suggestions/categories/{other.id}", {"name": "科研政策", "position": "1"})
    page = html(resp)
    assert resp.status_code == 422 and field_error(page, "已有同名分类")
    assert re.search(rf'id="name-{other.id}"[^>]*is-invalid[^>]*value="科研政策"', page, re.S)
    assert list_state(db) == before
    assert AuditLog.query.count() == 0
    assert post_form(client, "/admin/suggestions/categories/99999", {"name": "不存在"}).status_code == 404


def test_list_forms_need_a_csrf_token(people, signed_in, suggestion_lists, db):
    client = signed_in(people["staff"])
    before = list_state(db)
    cat, reason = suggestion_lists["categories"][0], suggestion_lists["reasons"][0]
    for url, data in post_urls(cat.id, reason.id):
        assert client.post(url, data=data).status_code == 400, url
    assert list_state(db) == before


# ---------------------------------------------------------------- screening reasons

def test_staff_manage_screening_reasons(people, signed_in, post_form, suggestion_lists, db, make_suggestion):
    from webapp.core.models import AuditLog
    from webapp.suggestions import services
    from webapp.suggestions.models import ScreeningReason, Suggestion

    client = signed_in(people["staff"])
    resp = post_form(client, "/admin/suggestions/reasons", {"name": "属于信访事项", "position": "2"})
    assert resp.status_code == 302
    reason = ScreeningReason.query.filter_by(title="属于信访事项").one()
    assert reason.position == 2 and reason.active

    resp = post_form(client, "/admin/suggestions/reasons", {"name": "重复提交"})
    assert resp.status_code == 422 and field_error(html(resp), "已有同名不予受理理由")

    assert post_form(client, f"/admin/suggestions/reasons/{reason.id}",
                     {"name": "属于信访或投诉事项", "position": "2"}).status_code == 302
    s = services.refuse(people["staff"], make_suggestion(state="submitted", staff=people["staff"]),
                        reason_id=reason.id)
    assert post_form(client, f"/admin/suggestions/reasons/{reason.id}/deactivate", {}).status_code == 302
    db.session.expire_all()
    assert reason.title == "属于信访或投诉事项" and not reason.active
    assert reason.id not in {r.id for r in services.screening_reasons()}
    assert db.session.get(Suggestion, s.id).screening_reason.title == "属于信访或投诉事项"
    page = html(client.get("/admin/suggestions/reasons"))
    assert re.search(rf'data-item="{reason.id}" data-active="no"', page)
    assert AuditLog.query.filter_by(action="suggestion.reason.save", object_id=reason.id).count() == 3


# ---------------------------------------------------------------- audit log

def test_audit_page_names_and_links_suggestion_actions(people, make_suggestion, signed_in):
    s = make_suggestion(state="assigned", staff=people["staff"], leader=people["leader"])
    page = html(signed_in(people["staff"]).get("/admin/audit"))
    assert "受理建议" in page and "交办建议" in page
    assert f'href="/suggestions/{s.id}">建议 #{s.id}</a>' in page


def test_dashboard_shows_screening_and_overdue_counts(people, queue_fixture, signed_in, monkeypatch, clock):
    from webapp.extensions import db
    from webapp.suggestions.models import Suggestion

    client = signed_in(people["staff"])
    page = html(client.get("/admin/"))
    assert re.search(r'id="count-suggestions-screening">\s*1\s*<', page)
    assert re.search(r'id="count-suggestions-overdue">\s*0\s*<', page)
    due = db.session.get(Suggestion, queue_fixture["assigned"]).due_date
    clock.set_day(due + timedelta(days=1))
    page = html(client.get("/admin/"))
    assert re.search(r'id="count-suggestions-overdue">\s*4\s*<', page)
    assert 'href="/admin/suggestions/?queue=overdue"' in page
