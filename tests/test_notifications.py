"""The notification centre and the notifications API."""
import re

import pytest

from tests.staff_helpers import html, signed_in  # noqa: F401


@pytest.fixture
def make_note(db):
    """make_note(user, title, link=None, actor=None) → a committed Notification."""
    from webapp.notifications.services import notify

    def _make(user, title="您有一条新消息", link=None, actor=None, body="", kind="test.kind"):
        note = notify(user, kind, title, body=body, link=link, actor=actor)
        db.session.commit()
        return note

    return _make


def nav_count(page):
    match = re.search(r'id="unread-count">(\d+)<', page)
    return int(match.group(1)) if match else 0


# ---------------------------------------------------------------- the page

def test_page_needs_login(client):
    resp = client.get("/notifications/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_list_highlights_unread_and_the_nav_counts_them(make_user, make_note, signed_in):
    reader, actor = make_user("reader"), make_user("sender", display_name="发信人")
    old = make_note(reader, "旧通知", link="/u/sender")
    make_note(reader, "认证已通过", link="/account/verification", actor=actor, body="认证信息：张三")
    make_note(make_user("other"), "别人的通知")
    client = signed_in(reader)
    page = html(client.get("/notifications/"))
    assert nav_count(page) == 2
    assert "认证已通过" in page and "认证信息：张三" in page and "发信人" in page
    assert "别人的通知" not in page
    assert page.index("认证已通过") < page.index("旧通知")  # newest first
    assert len(re.findall(r'class="list-group-item notification-item notification-unread"', page)) == 2

    client.post(f"/notifications/{old.id}/read")  # no CSRF token: refused, nothing marked
    page = html(client.get("/notifications/"))
    assert nav_count(page) == 2


def test_mark_one_read_goes_to_its_link(make_user, make_note, signed_in, post_form, db):
    reader = make_user("reader")
    linked = make_note(reader, "有链接", link="/u/reader")
    unlinked = make_note(reader, "无链接")
    client = signed_in(reader)

    resp = post_form(client, f"/notifications/{linked.id}/read")
    assert resp.status_code == 302 and resp.headers["Location"] == "/u/reader"
    db.session.expire_all()
    assert linked.read_at is not None and unlinked.read_at is None
    page = html(client.get("/notifications/"))
    assert nav_count(page) == 1
    assert len(re.findall(r"notification-unread", page)) == 1
    assert 'href="/u/reader" class="notification-title"' in page  # a read one is a plain link now

    resp = post_form(client, f"/notifications/{unlinked.id}/read", {"next": "/notifications/?unread=1"})
    assert resp.headers["Location"] == "/notifications/?unread=1"
    assert nav_count(html(client.get("/notifications/"))) == 0


def test_mark_read_never_redirects_off_site(make_user, make_note, signed_in, post_form):
    reader = make_user("reader")
    note = make_note(reader, "可疑链接", link="//evil.example/phish")
    client = signed_in(reader)
    resp = post_form(client, f"/notifications/{note.id}/read", {"next": "https://evil.example/"})
    assert resp.headers["Location"] == "/notifications/"


def test_mark_all_read(make_user, make_note, signed_in, post_form, db):
    from webapp.notifications.models import Notification

    reader, other = make_user("reader"), make_user("other")
    for i in range(3):
        make_note(reader, f"通知{i}")
    theirs = make_note(other, "别人的")
    client = signed_in(reader)
    resp = post_form(client, "/notifications/read-all")
    assert resp.status_code == 302
    page = html(client.get(resp.headers["Location"]))
    assert "已将 3 条通知标为已读" in page
    assert nav_count(page) == 0 and "notification-unread" not in page
    assert "全部标为已读" not in page
    assert Notification.query.filter(Notification.user_id == reader.id, Notification.read_at.is_(None)).count() == 0
    db.session.expire_all()
    assert theirs.read_at is None


def test_someone_elses_notification_is_404(make_user, make_note, signed_in, post_form, db):
    owner, intruder = make_user("owner"), make_user("intruder")
    note = make_note(owner, "私人通知")
    resp = post_form(signed_in(intruder), f"/notifications/{note.id}/read")
    assert resp.status_code == 404
    assert post_form(signed_in(intruder), "/notifications/99999/read").status_code == 404
    db.session.expire_all()
    assert note.read_at is None


def test_page_paginates_and_filters_unread(make_user, make_note, signed_in, post_form):
    reader = make_user("reader")
    notes = [make_note(reader, f"第{i}号通知") for i in range(5)]
    client = signed_in(reader)
    post_form(client, f"/notifications/{notes[0].id}/read", {"next": "/notifications/"})
    page2 = html(client.get("/notifications/?per_page=2&page=2"))
    assert "第 2 / 3 页" in page2
    assert "第2号通知" in page2 and "第1号通知" in page2 and "第4号通知" not in page2
    unread = html(client.get("/notifications/?unread=1"))
    assert "第4号通知" in unread and "第0号通知" not in unread


# ---------------------------------------------------------------- API

def test_api_needs_a_token(client):
    for method, url in [("GET", "/api/v1/notifications"), ("GET", "/api/v1/notifications/unread-count"),
                        ("POST", "/api/v1/notifications/1/read"), ("POST", "/api/v1/notifications/read-all")]:
        resp = client.open(url, method=method)
        assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthorized", url


def test_api_list_envelope_fields_and_unread_filter(make_user, make_note, client, auth_headers):
    reader, actor = make_user("reader"), make_user("sender")
    plain = make_note(reader, "系统消息", body="正文")
    linked = make_note(reader, "来自同行", link="/u/sender", actor=actor, kind="forum.reply")
    make_note(actor, "别人的")
    headers = auth_headers(reader)
    body = client.get("/api/v1/notifications", headers=headers).get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 2)
    first, second = body["items"]
    assert first["id"] == linked.id and second["id"] == plain.id
    assert first["url"] == "/u/sender" and first["link"] == "/u/sender" and first["kind"] == "forum.reply"
    assert first["actor"]["username"] == "sender" and first["read"] is False
    assert second["url"] == "/notifications/" and second["link"] is None and second["actor"] is None
    assert second["title"] == "系统消息" and second["body"] == "正文" and second["created_at"].endswith("Z")

    client.post(f"/api/v1/notifications/{plain.id}/read", headers=headers)
    unread = client.get("/api/v1/notifications?unread=1", headers=headers).get_json()
    assert [n["id"] for n in unread["items"]] == [linked.id] and unread["total"] == 1


def test_api_pagination_is_capped(make_user, make_note, client, auth_headers):
    reader = make_user("reader")
    for i in range(5):
        make_note(reader, f"通知{i}")
    headers = auth_headers(reader)
    body = client.get("/api/v1/notifications?per_page=500", headers=headers).get_json()
    assert body["per_page"] == 100 and len(body["items"]) == 5
    body = client.get("/api/v1/notifications?per_page=2&page=3", headers=headers).get_json()
    assert (body["page"], body["total"], [n["title"] for n in body["items"]]) == (3, 5, ["通知0"])
    # What the document refuses the API refuses too (tests/security/test_schema_agreement.py).
    resp = client.get("/api/v1/notifications?per_page=x&page=-4", headers=headers)
    assert resp.status_code == 422 and set(resp.get_json()["error"]["fields"]) == {"page", "per_page"}


def test_api_count_mark_one_and_all(make_user, make_note, client, auth_headers, db):
    reader, other = make_user("reader"), make_user("other")
    notes = [make_note(reader, f"通知{i}") for i in range(3)]
    theirs = make_note(other, "别人的")
    headers = auth_headers(reader)
    assert client.get("/api/v1/notifications/unread-count", headers=headers).get_json() == {"unread": 3}

    resp = client.post(f"/api/v1/notifications/{notes[0].id}/read", headers=headers)
    assert resp.status_code == 200 and resp.get_json()["read"] is True and resp.get_json()["read_at"]
    assert client.get("/api/v1/notifications/unread-count", headers=headers).get_json() == {"unread": 2}

    resp = client.post(f"/api/v1/notifications/{theirs.id}/read", headers=headers)
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    db.session.expire_all()
    assert theirs.read_at is None

    assert client.post("/api/v1/notifications/read-all", headers=headers).get_json() == {"marked": 2}
    assert client.post("/api/v1/notifications/read-all", headers=headers).get_json() == {"marked": 0}
    assert client.get("/api/v1/notifications/unread-count", headers=headers).get_json() == {"unread": 0}
    assert client.get("/api/v1/notifications/unread-count",
                      headers=auth_headers(other)).get_json() == {"unread": 1}
