"""The suggestion pages: browse, write (with attachments), read, co-sign, answer, follow up,
rate, the staff actions, who may see what, and user HTML kept inert."""
import io
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from tests.pdf_samples import valid_pdf
from tests.staff_helpers import signed_in  # noqa: F401  (fixture)
from tests.web_helpers import field_error, html

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


def png_bytes(size=(40, 30), colour=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


PDF_BYTES = valid_pdf()


def form_data(category, **overrides):
    data = {"title": "关于设立青年科学家启动基金的建议", "body": "建议科协设立面向青年科技工作者的启动基金，简化申请流程。",
            "category_id": str(category.id), "addressee_id": "", "visibility": "public"}
    data.update(overrides)
    return data


def upload_files(app):
    folder = Path(app.config["UPLOAD_DIR"]) / "suggestions"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@contextmanager
def count_queries(db):
    from sqlalchemy import event

    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        # The test harness's savepoints (each test runs in a rolled-back transaction) are not the page's queries.
        if "SAVEPOINT" not in statement.split(" ", 3)[:3]:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def member_post(client, url, data=None, **kw):
    """POST a form as the client's browser would, with the CSRF token of its session."""
    from flask import current_app

    from tests.conftest import csrf_token_for

    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token_for(current_app, client))
    return client.post(url, data=data, **kw)


def row_ids(page):
    return [int(i) for i in re.findall(r'data-suggestion-id="(\d+)"', page)]


@pytest.fixture
def people(make_user, make_leader, make_staff):
    """A member author, another member, two verified leaders and a staff member."""
    return {
        "author": make_user("author", display_name="李建言"),
        "member": make_user("member", display_name="赵会员"),
        "leader": make_leader("leader", real_name="王立新", position="副主席"),
        "other_leader": make_leader("leader2", real_name="陈其他", position="秘书长"),
        "staff": make_staff("staff", display_name="钱工作"),
    }


@pytest.fixture
def sg(make_suggestion, people):
    """make_suggestion with this file's people as defaults."""
    def _make(state="submitted", **kw):
        kw.setdefault("author", people["author"])
        kw.setdefault("staff", people["staff"])
        if state not in ("submitted", "not_accepted", "accepted"):
            kw.setdefault("leader", people["leader"])
        return make_suggestion(state=state, **kw)
    return _make


# ---------------------------------------------------------------- pages render

def test_pages_render_for_everyone(client, signed_in, people, sg):
    s = sg("answered", title="关于改进人才评价机制的建议")
    assert client.get("/suggestions/").status_code == 200
    page = html(client.get(f"/suggestions/{s.id}"))
    assert "关于改进人才评价机制的建议" in page and "领导答复" in page
    assert client.get("/suggestions/mine").headers["Location"].startswith("/login")
    assert client.get("/suggestions/new").headers["Location"].startswith("/login")
    for key in ("author", "member", "leader", "staff"):
        c = signed_in(people[key])
        for url in ("/suggestions/", f"/suggestions/{s.id}", "/suggestions/mine", "/suggestions/new"):
            assert c.get(url).status_code == 200, (key, url)
    assert client.get("/suggestions/99999").status_code == 404


def test_index_header_and_empty_state(client, signed_in, people):
    page = html(client.get("/suggestions/"))
    assert "还没有公开的建议" in page
    assert 'href="/suggestions/new"' in page and 'href="/leaders/"' in page
    assert "我的建议" not in page and "领导信箱" not in page
    page = html(signed_in(people["member"]).get("/suggestions/"))
    assert 'href="/suggestions/mine"' in page and "领导信箱" not in page
    page = html(signed_in(people["leader"]).get("/suggestions/"))
    assert 'href="/leaders/inbox"' in page


def test_index_rows_show_category_state_addressee_and_support(client, people, sg, suggestion_lists):
    s = sg("assigned", title="关于加强科普阵地建设的建议", category=suggestion_lists["categories"][3])
    page = html(client.get("/suggestions/"))
    row = page[page.index(f'data-suggestion-id="{s.id}"'):]
    assert "关于加强科普阵地建设的建议" in row and "科普工作" in row
    assert 'data-state="assigned"' in row and "办理中" in row
    assert "承办：" in row and 'title="实名认证：王立新' in row and 'class="verified-mark' in row
    assert "联名 0" in row and "/ 100" in row
    assert 'data-deadline="on_time"' in row


def test_index_filters_and_sorts(client, people, sg, suggestion_lists, db):
    cats = suggestion_lists["categories"]
    submitted = sg("accepted", title="待交办的建议一条", category=cats[1])
    assigned = sg("assigned", title="办理中的建议一条")
    answered = sg("answered", title="已答复的建议一条")
    other = sg("assigned", title="交给另一位领导的建议", leader=people["other_leader"])
    submitted.support_count = 7
    db.session.commit()

    def ids(query):
        return row_ids(html(client.get("/suggestions/" + query)))

    assert ids("") == [other.id, answered.id, assigned.id, submitted.id]
    assert ids(f"?category={cats[1].id}") == [submitted.id]
    assert ids("?state=assigned") == [other.id, assigned.id]
    assert ids(f"?leader={people['leader'].id}") == [answered.id, assigned.id]
    assert ids("?answered=yes") == [answered.id]
    assert ids("?answered=no") == [other.id, assigned.id, submitted.id]
    assert ids("?sort=supported")[0] == submitted.id
    assert ids("?sort=waiting") == [submitted.id, assigned.id, other.id, answered.id]
    # Unknown values are ignored rather than an error page.
    assert ids("?state=bogus&sort=bogus&category=x") == [other.id, answered.id, assigned.id, submitted.id]
    assert "没有符合条件的建议" in html(client.get("/suggestions/?state=closed"))


def test_index_paginates(client, sg, app, monkeypatch):
    import webapp.suggestions.views as views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    made = [sg("accepted", title=f"分页测试的建议 {i}") for i in range(5)]
    first = html(client.get("/suggestions/"))
    assert row_ids(first) == [made[4].id, made[3].id]
    assert "第 1 / 3 页" in first
    assert row_ids(html(client.get("/suggestions/?page=3"))) == [made[0].id]


def test_index_query_count_does_not_grow_with_rows(signed_in, people, sg, db, make_user):
    member = signed_in(people["member"])

    def measure():
        with count_queries(db) as statements:
            resp = member.get("/suggestions/")
        assert resp.status_code == 200
        return len(statements)

    for i in range(2):
        sg("answered", title=f"查询次数测试建议 {i}")
    small = measure()
    for i in range(8):
        author = make_user(f"extra{i}")
        sg("assigned" if i % 2 else "closed", title=f"更多的查询次数测试建议 {i}", author=author)
    assert measure() == small
    assert small <= 20


def test_detail_query_count_does_not_grow_with_the_timeline(client, sg, db, people):
    from webapp.suggestions import services

    short = sg("assigned", title="时间线较短的建议")
    long = sg("assigned", title="时间线较长的建议")
    services.assign(people["staff"], long, people["other_leader"].id, note="改派")
    services.assign(people["staff"], long, people["leader"].id, note="再改派")
    services.save_answer(people["leader"], long, "答复内容足够长的一段文字。")
    services.ask_follow_up(people["author"], long, "追问的问题是什么？")
    services.answer_follow_up(people["leader"], long, "追问的答复内容。")
    short_id, long_id = short.id, long.id
    db.session.expunge_all()

    def measure(s_id):
        with count_queries(db) as statements:
            assert client.get(f"/suggestions/{s_id}").status_code == 200
        db.session.expunge_all()
        return len(statements)

    few, many = measure(short_id), measure(long_id)
    # Only the people the longer timeline adds (one more leader), not a query per event.
    assert many <= few + 4
    assert many <= 22


def test_supported_marks_use_one_query(signed_in, people, sg):
    a, b = sg("accepted", title="第一条要联名的建议"), sg("accepted", title="第二条不联名的建议")
    member = signed_in(people["member"])
    member_post(member, f"/suggestions/{a.id}/support")
    page = html(member.get("/suggestions/"))
    row_a = page[page.index(f'data-suggestion-id="{a.id}"'):page.index(f'data-suggestion-id="{a.id}"') + 2500]
    assert "supported-mark" in row_a.split("</li>")[0]
    row_b = page[page.index(f'data-suggestion-id="{b.id}"'):]
    assert "supported-mark" not in row_b.split("</li>")[0]


# ---------------------------------------------------------------- writing

def test_submit_with_image_and_pdf(signed_in, people, suggestion_lists, app, db):
    from webapp.suggestions.models import Suggestion

    c = signed_in(people["author"])
    data = form_data(suggestion_lists["categories"][0], addressee_id=str(people["leader"].id))
    data["attachments"] = [(io.BytesIO(png_bytes()), "现场照片.png"), (io.BytesIO(PDF_BYTES), "调研报告.pdf")]
    resp = member_post(c, "/suggestions/new", data, content_type="multipart/form-data")
    assert resp.status_code == 302
    s = Suggestion.query.one()
    assert resp.headers["Location"] == f"/suggestions/{s.id}"
    assert (s.title, s.addressee_id, s.visibility, s.state) == (
        "关于设立青年科学家启动基金的建议", people["leader"].id, "public", "submitted")
    assert [(a.filename, a.mime) for a in s.attachments] == [("现场照片.png", "image/png"),
                                                              ("调研报告.pdf", "application/pdf")]
    assert len(upload_files(app)) == 2
    page = html(c.get(resp.headers["Location"]))
    assert "建议已提交" in page
    image_url = f"/suggestions/{s.id}/attachments/{s.attachments[0].id}"
    assert f'<img src="{image_url}"' in page
    assert "调研报告.pdf" in page
    resp = c.get(image_url)
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert resp.headers["Content-Disposition"].startswith("inline")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    resp = c.get(f"/suggestions/{s.id}/attachments/{s.attachments[1].id}")
    assert resp.mimetype == "application/pdf" and resp.data == PDF_BYTES
    # A user's PDF is a sandboxed download, never a page of the site (tests/security/test_uploads_pdf.py).
    assert resp.headers["Content-Disposition"].startswith("attachment")


def test_bad_attachment_stores_nothing(signed_in, people, suggestion_lists, app, db):
    from webapp.suggestions.models import Suggestion, SuggestionAttachment

    c = signed_in(people["author"])
    data = form_data(suggestion_lists["categories"][0])
    data["attachments"] = [(io.BytesIO(png_bytes()), "ok.png"), (io.BytesIO(b"MZ not a picture"), "virus.exe")]
    resp = member_post(c, "/suggestions/new", data, content_type="multipart/form-data")
    assert resp.status_code == 422
    page = html(resp)
    assert re.search(r'class="invalid-feedback[^"]*">[^<]*(不支持|无法识别|图片)', page), page
    assert 'value="关于设立青年科学家启动基金的建议"' in page  # the typed title is kept
    assert Suggestion.query.count() == 0 and SuggestionAttachment.query.count() == 0
    assert upload_files(app) == []


def test_too_many_attachments(signed_in, people, suggestion_lists, app, monkeypatch):
    from webapp.suggestions.models import Suggestion

    monkeypatch.setitem(app.config, "SUGGESTION_MAX_ATTACHMENTS", 1)
    c = signed_in(people["author"])
    data = form_data(suggestion_lists["categories"][0])
    data["attachments"] = [(io.BytesIO(png_bytes()), "a.png"), (io.BytesIO(png_bytes()), "b.png")]
    resp = member_post(c, "/suggestions/new", data, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert field_error(html(resp), "最多上传 1 个附件")
    assert Suggestion.query.count() == 0 and upload_files(app) == []


def test_submit_shows_every_problem_at_once(signed_in, people, suggestion_lists, app):
    from webapp.suggestions.models import Suggestion

    c = signed_in(people["author"])
    data = {"title": "短", "body": "", "category_id": "", "addressee_id": str(people["member"].id),
            "visibility": "friends", "attachments": [(io.BytesIO(b"plain text"), "note.txt")]}
    resp = member_post(c, "/suggestions/new", data, content_type="multipart/form-data")
    assert resp.status_code == 422
    page = html(resp)
    for message in ("至少 5 个字", "必填", "请选择分类", "请选择一位已实名认证的领导", "请选择公开或不公开"):
        assert field_error(page, message), message
    assert re.search(r'class="invalid-feedback[^"]*">[^<]*(不支持|无法识别|图片)', page)
    assert Suggestion.query.count() == 0 and upload_files(app) == []


def test_submit_without_csrf_is_refused(signed_in, people, suggestion_lists):
    from webapp.suggestions.models import Suggestion

    c = signed_in(people["author"])
    resp = c.post("/suggestions/new", data=form_data(suggestion_lists["categories"][0]))
    assert resp.status_code == 400
    assert Suggestion.query.count() == 0


def test_submit_rate_limited(signed_in, people, suggestion_lists, app, monkeypatch):
    from webapp.suggestions.models import Suggestion

    monkeypatch.setitem(app.config, "SUGGESTION_POST_LIMIT", 1)
    c = signed_in(people["author"])
    assert member_post(c, "/suggestions/new", form_data(suggestion_lists["categories"][0])).status_code == 302
    resp = member_post(c, "/suggestions/new", form_data(suggestion_lists["categories"][0], title="第二条建议的标题"))
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) > 0
    page = html(resp)
    assert "提交过于频繁" in page and 'value="第二条建议的标题"' in page
    assert Suggestion.query.count() == 1


def test_new_form_choices_and_preselected_addressee(signed_in, people, suggestion_lists):
    c = signed_in(people["author"])
    page = html(c.get(f"/suggestions/new?to={people['leader'].id}"))
    assert '<option value="">科协（不指定领导）</option>' in page
    assert f'<option selected value="{people["leader"].id}">王立新（副主席）</option>' in page
    assert "陈其他（秘书长）" in page
    assert "赵会员" not in page  # members are not addressees
    for name in ("科研政策", "人才评价", "学会治理", "科普工作", "创新创业", "其他"):
        assert f">{name}</option>" in page
    assert 'type="file"' in page and "multiple" in page and 'enctype="multipart/form-data"' in page
    assert "只有您本人、收信领导" in page
    # An unknown ?to= is ignored.
    select = html(c.get("/suggestions/new?to=999")).split('name="addressee_id"')[1].split("</select>")[0]
    assert "selected" not in select


# ---------------------------------------------------------------- who sees what

def test_private_suggestion_seen_only_by_author_addressee_and_staff(client, signed_in, people, sg):
    s = sg("submitted", visibility="private", title="一条不公开的建议内容", addressee=people["leader"])
    url = f"/suggestions/{s.id}"
    member = signed_in(people["member"])
    assert client.get(url).status_code == 404
    assert member.get(url).status_code == 404
    assert signed_in(people["other_leader"]).get(url).status_code == 404
    for c in (client, member):
        assert "一条不公开的建议内容" not in html(c.get("/suggestions/"))
    assert "一条不公开的建议内容" not in html(member.get("/suggestions/mine"))
    for key in ("author", "leader", "staff"):
        c = signed_in(people[key])
        page = html(c.get(url))
        assert "一条不公开的建议内容" in page and 'data-visibility="private"' in page, key
        assert s.id in row_ids(html(c.get("/suggestions/"))), key
    mine = html(signed_in(people["author"]).get("/suggestions/mine"))
    assert row_ids(mine) == [s.id] and "private-badge" in mine


def test_not_accepted_shown_to_author_with_reason(client, signed_in, people, sg):
    s = sg("not_accepted", title="未被受理的建议标题")
    assert client.get(f"/suggestions/{s.id}").status_code == 404
    page = html(signed_in(people["author"]).get(f"/suggestions/{s.id}"))
    assert "不予受理" in page and "不属于受理范围" in page and "测试" in page


# ---------------------------------------------------------------- co-signing

def test_support_flow(client, signed_in, people, sg, db):
    from webapp.suggestions.models import SuggestionSupport

    s = sg("accepted")
    url = f"/suggestions/{s.id}"
    page = html(client.get(url))
    assert "登录后联名支持" in page and "0</strong><span class=\"text-body-secondary\"> / 100 人" in page
    assert member_post(client, url + "/support").headers["Location"].startswith("/login?next=")

    member = signed_in(people["member"])
    assert "support-button" in html(member.get(url))
    resp = member_post(member, url + "/support")
    assert resp.status_code == 302 and resp.headers["Location"] == url
    page = html(member.get(url))
    assert "已联名支持" in page and "已联名" in page and "support-button" not in page
    assert member_post(member, url + "/support").status_code == 302
    assert "您已经联名支持过" in html(member.get(url))
    assert SuggestionSupport.query.count() == 1
    db.session.refresh(s)
    assert s.support_count == 1

    author = signed_in(people["author"])
    assert "support-button" not in html(author.get(url))
    assert member_post(author, url + "/support").status_code == 409


def test_threshold_note_and_forced_acceptance(signed_in, people, sg, app, monkeypatch, make_user, db):
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 2)
    signed = sg("accepted")
    for i in range(2):
        member_post(signed_in(make_user(f"fan{i}")), f"/suggestions/{signed.id}/support")
    staff = signed_in(people["staff"])
    page = html(staff.get(f"/suggestions/{signed.id}"))
    assert "联名已达到 2 人" in page
    assert "联名达到门槛" in page  # on the timeline
    # Signatures gathered before screening (from before co-signing waited for acceptance).
    s = sg("submitted")
    s.support_count, s.threshold_reached_at = 2, signed.threshold_reached_at
    db.session.commit()
    page = html(staff.get(f"/suggestions/{s.id}"))
    assert "按规定必须受理并交办答复" in page and "screen-reject-form" not in page
    # Raising the setting later does not undo it.
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 100)
    page = html(staff.get(f"/suggestions/{s.id}"))
    assert "按规定必须受理并交办答复" in page and "screen-reject-form" not in page


def test_private_suggestion_has_no_cosigning(signed_in, people, sg):
    s = sg("accepted", visibility="private", addressee=people["leader"])
    page = html(signed_in(people["staff"]).get(f"/suggestions/{s.id}"))
    assert "cosign-panel" not in page


# ---------------------------------------------------------------- staff actions

def test_staff_accepts_and_assigns_through_the_page(signed_in, people, sg, db):
    s = sg("submitted")
    url = f"/suggestions/{s.id}"
    staff = signed_in(people["staff"])
    page = html(staff.get(url))
    assert "工作人员操作" in page and "不属于受理范围" in page
    resp = member_post(staff, url + "/screen", {"decision": "accept", "accept-leader_id": str(people["leader"].id),
                                                "accept-note": "请王副主席办理"})
    assert resp.status_code == 302 and resp.headers["Location"] == url
    db.session.refresh(s)
    assert (s.state, s.assigned_leader_id) == ("assigned", people["leader"].id)
    page = html(staff.get(url))
    assert "已受理，并交办给 王立新（副主席）" in page
    assert "改派" in page  # the assign form now reassigns
    resp = member_post(staff, url + "/assign", {"assign-leader_id": str(people["other_leader"].id),
                                                "assign-note": "换人"})
    assert resp.status_code == 302
    db.session.refresh(s)
    assert s.assigned_leader_id == people["other_leader"].id
    assert "已交办给 陈其他（秘书长）" in html(staff.get(url))


def test_staff_accepts_then_assigns(signed_in, people, sg, db):
    s = sg("submitted")
    staff = signed_in(people["staff"])
    assert member_post(staff, f"/suggestions/{s.id}/screen", {"decision": "accept"}).status_code == 302
    db.session.refresh(s)
    assert (s.state, s.assigned_leader_id) == ("accepted", None)
    resp = member_post(staff, f"/suggestions/{s.id}/assign", {"assign-leader_id": ""})
    assert resp.status_code == 422
    assert field_error(html(resp), "请选择领导")  # not "不是已认证的领导": none was chosen
    resp = member_post(staff, f"/suggestions/{s.id}/assign", {"assign-leader_id": str(people["staff"].id)})
    assert resp.status_code == 422
    assert field_error(html(resp), "不是已认证的领导")
    resp = member_post(staff, f"/suggestions/{s.id}/assign", {"assign-leader_id": str(people["leader"].id)})
    assert resp.status_code == 302
    db.session.refresh(s)
    assert (s.state, s.assigned_leader_id) == ("assigned", people["leader"].id)


def test_staff_rejects_with_reason(signed_in, people, sg, suggestion_lists, db):
    s = sg("submitted")
    url = f"/suggestions/{s.id}"
    staff = signed_in(people["staff"])
    resp = member_post(staff, url + "/screen", {"decision": "reject", "reject-reason_id": "", "reject-note": "保留的说明"})
    assert resp.status_code == 422
    page = html(resp)
    assert field_error(page, "必选") and "保留的说明" in page
    db.session.refresh(s)
    assert s.state == "submitted"
    reason = suggestion_lists["reasons"][1]
    resp = member_post(staff, url + "/screen", {"decision": "reject", "reject-reason_id": str(reason.id),
                                                "reject-note": "与第 3 号建议重复"})
    assert resp.status_code == 302
    db.session.refresh(s)
    assert (s.state, s.screening_reason_id) == ("not_accepted", reason.id)
    page = html(signed_in(people["author"]).get(url))
    assert "重复提交" in page and "与第 3 号建议重复" in page
    # Screening twice is a conflict (the app's error page).
    assert member_post(staff, url + "/screen", {"decision": "accept"}).status_code == 409


def test_members_and_leaders_get_no_staff_panel(signed_in, people, sg):
    s = sg("accepted")
    for key in ("author", "member", "leader"):
        c = signed_in(people[key])
        assert "工作人员操作" not in html(c.get(f"/suggestions/{s.id}"))
        assert member_post(c, f"/suggestions/{s.id}/screen", {"decision": "accept"}).status_code == 403
        assert member_post(c, f"/suggestions/{s.id}/hide", {"hide-reason": "x"}).status_code == 403


def test_timeline_names_staff_as_the_association(signed_in, client, people, sg):
    s = sg("assigned")
    page = html(client.get(f"/suggestions/{s.id}"))
    timeline = page[page.index('id="timeline"'):]
    for title in ("提交建议", "受理", "交办"):
        assert title in timeline
    assert "科协工作人员" in timeline and "钱工作" not in page
    assert 'title="实名认证：王立新' in timeline  # the assignment's subject
    assert "李建言" in timeline  # the author submitted it


def test_staff_closes_an_answered_suggestion(signed_in, people, sg, db):
    s = sg("answered")
    staff = signed_in(people["staff"])
    assert "close-form" in html(staff.get(f"/suggestions/{s.id}"))
    resp = member_post(staff, f"/suggestions/{s.id}/close", {"close-note": "建议人长期未评价"})
    assert resp.status_code == 302
    db.session.refresh(s)
    assert s.state == "closed"
    page = html(staff.get(f"/suggestions/{s.id}"))
    assert "建议已办结" in page and "建议人长期未评价" in page and "close-form" not in page


# ---------------------------------------------------------------- answering

def test_only_the_assigned_leader_answers(client, signed_in, people, sg, db):
    s = sg("assigned")
    url = f"/suggestions/{s.id}"
    other = signed_in(people["other_leader"])
    assert "answer-form" not in html(other.get(url))
    assert member_post(other, url + "/answer", {"body": "我来答复这条建议的内容", "publish": "发布答复"}).status_code == 403

    leader = signed_in(people["leader"])
    assert "发布答复" in html(leader.get(url))
    resp = member_post(leader, url + "/answer", {"body": "草稿：正在调研，稍后答复。", "save_draft": "保存草稿"})
    assert resp.status_code == 302
    db.session.refresh(s)
    assert s.state == "assigned" and s.answer.is_draft
    page = html(leader.get(url))
    assert "草稿已保存" in page and "草稿：正在调研，稍后答复。</textarea>" in page and "draft-note" in page
    for c in (signed_in(people["author"]), client):
        assert "正在调研" not in html(c.get(url))

    resp = member_post(leader, url + "/answer", {"body": "短", "publish": "发布答复"})
    assert resp.status_code == 422
    page = html(resp)
    assert field_error(page, "至少 10 个字") and "短</textarea>" in page

    resp = member_post(leader, url + "/answer", {"body": "经研究，我们将在下半年试点**简化流程**。", "publish": "发布答复"})
    assert resp.status_code == 302
    db.session.refresh(s)
    assert s.state == "answered" and not s.answer.is_draft
    page = html(client.get(url))
    assert "领导答复" in page and "<strong>简化流程</strong>" in page
    assert 'title="实名认证：王立新' in page[page.index('id="answer"'):]
    assert "answer-form" not in html(leader.get(url))


def test_follow_up_reply_and_rating_once(signed_in, people, sg, db):
    s = sg("answered")
    url = f"/suggestions/{s.id}"
    author, leader = signed_in(people["author"]), signed_in(people["leader"])
    page = html(author.get(url))
    assert "提交追问" in page and "提交评价" in page and "基本满意" in page
    assert "提交追问" not in html(signed_in(people["member"]).get(url))

    resp = member_post(author, url + "/follow-up", {"question": "试点的时间表是什么？"})
    assert resp.status_code == 302
    page = html(author.get(url))
    assert "试点的时间表是什么？" in page and "等待领导答复追问" in page
    assert "提交追问" not in page and "提交评价" not in page
    assert member_post(author, url + "/follow-up", {"question": "再追问一次可以吗？"}).status_code == 409

    assert "答复追问" in html(leader.get(url))
    resp = member_post(leader, url + "/follow-up/answer", {"reply-body": "短"})
    assert resp.status_code == 422 and field_error(html(resp), "至少 5 个字")
    resp = member_post(leader, url + "/follow-up/answer", {"reply-body": "计划于明年三月开始试点。"})
    assert resp.status_code == 302
    assert "计划于明年三月开始试点。" in html(author.get(url))

    resp = member_post(author, url + "/rating", {"comment": "没选评价"})
    assert resp.status_code == 422
    page = html(resp)
    assert field_error(page, "请选择一项评价") and "没选评价" in page
    assert "可选 satisfied" not in page  # the API's wording is not for people
    resp = member_post(author, url + "/rating", {"value": "basically", "comment": "答复及时，希望尽快落实。"})
    assert resp.status_code == 302
    db.session.refresh(s)
    assert s.state == "closed" and s.rating.value == "basically"
    page = html(author.get(url))
    assert 'data-rating="basically"' in page and "答复及时，希望尽快落实。" in page and "提交评价" not in page
    assert member_post(author, url + "/rating", {"value": "satisfied"}).status_code == 409
    db.session.refresh(s)
    assert s.rating.value == "basically"


def test_only_the_author_rates(signed_in, people, sg):
    s = sg("answered")
    resp = member_post(signed_in(people["member"]), f"/suggestions/{s.id}/rating", {"value": "unsatisfied"})
    assert resp.status_code == 403


# ---------------------------------------------------------------- moderation

def test_hide_and_unhide_a_suggestion(client, signed_in, people, sg, db):
    s = sg("assigned", title="将被隐藏的建议标题")
    url = f"/suggestions/{s.id}"
    staff = signed_in(people["staff"])
    resp = member_post(staff, url + "/hide", {"hide-reason": ""})
    assert resp.status_code == 422 and field_error(html(resp), "必填")
    resp = member_post(staff, url + "/hide", {"hide-reason": "含有未经核实的指控"})
    assert resp.status_code == 302
    assert client.get(url).status_code == 404
    assert signed_in(people["member"]).get(url).status_code == 404
    assert "将被隐藏的建议标题" not in html(client.get("/suggestions/"))
    for key in ("author", "leader", "staff"):
        page = html(signed_in(people[key]).get(url))
        assert "hidden-banner" in page and "含有未经核实的指控" in page, key
    assert "恢复显示建议" in html(staff.get(url))
    assert member_post(staff, url + "/unhide").status_code == 302
    assert client.get(url).status_code == 200


def test_hide_answer(client, signed_in, people, sg):
    s = sg("answered", answer="这是一条即将被隐藏的答复内容。")
    url = f"/suggestions/{s.id}"
    staff = signed_in(people["staff"])
    assert member_post(staff, url + "/answer/hide", {"answer_hide-reason": "泄露个人信息"}).status_code == 302
    page = html(client.get(url))
    assert "即将被隐藏的答复内容" not in page and "答复已被科协隐藏" in page
    for key in ("author", "staff"):
        page = html(signed_in(people[key]).get(url))
        assert "即将被隐藏的答复内容" in page and "泄露个人信息" in page and "hidden-answer-notice" in page
    assert member_post(staff, url + "/answer/unhide").status_code == 302
    assert "即将被隐藏的答复内容" in html(client.get(url))


# ---------------------------------------------------------------- attachments

def test_attachments_served_only_to_who_may_see(client, signed_in, people, suggestion_lists, app, db):
    from webapp.suggestions.models import Suggestion

    author = signed_in(people["author"])
    data = form_data(suggestion_lists["categories"][0], visibility="private")
    data["attachments"] = [(io.BytesIO(png_bytes()), "内部材料.png")]
    member_post(author, "/suggestions/new", data, content_type="multipart/form-data")
    s = Suggestion.query.one()
    url = f"/suggestions/{s.id}/attachments/{s.attachments[0].id}"
    assert client.get(url).status_code == 404
    assert signed_in(people["member"]).get(url).status_code == 404
    assert author.get(url).status_code == 200
    assert signed_in(people["staff"]).get(url).status_code == 200
    assert author.get(f"/suggestions/{s.id}/attachments/99999").status_code == 404


def test_safe_download_name():
    from webapp.suggestions.views import safe_filename

    assert safe_filename('a"b\r\nc/../d.pdf') == "a_b__c_.._d.pdf"
    assert safe_filename("调研报告.pdf") == "调研报告.pdf"
    assert safe_filename("...") == "附件"


# ---------------------------------------------------------------- user HTML stays inert

def test_user_html_is_neutralised_everywhere(client, signed_in, people, sg, db):
    payload = f"{XSS_SCRIPT}{XSS_IMG}"
    s = sg("closed", title=f"标题{payload}", body=f"正文 {payload} 结束", answer=f"答复 {payload} 结束",
           rating="unsatisfied")
    s.rating.comment = f"评价 {payload}"
    db.session.commit()
    pages = [html(client.get(u)) for u in ("/suggestions/", f"/suggestions/{s.id}")]
    author = signed_in(people["author"])
    pages += [html(author.get(u)) for u in ("/suggestions/mine", f"/suggestions/{s.id}")]
    pages.append(html(signed_in(people["staff"]).get(f"/suggestions/{s.id}")))
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page and 'onerror="alert' not in page and "onerror=alert(1)>" not in page
    detail = pages[1]
    assert "标题&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "评价 &lt;script&gt;" in detail
    assert "正文" in detail and "答复" in detail


def test_the_list_page_reads_the_api_filters_and_every_built_filter_link_filters(client, sg, people, db):
    """One filter schema for the page and the API: the same query gives the same suggestions,
    and each filtered link the site builds (the leader page's 查看全部) really filters."""
    import re as _re

    def ids(query):
        return row_ids(html(client.get(f"/suggestions/{query}")))

    assigned = sg("assigned")
    sg("submitted", title="另一条待受理的建议")
    leader = people["leader"]
    api_ids = [s["id"] for s in client.get(f"/api/v1/suggestions?leader_id={leader.id}").get_json()["items"]]
    assert api_ids == [assigned.id]
    assert ids(f"?leader_id={leader.id}") == api_ids
    assert ids(f"?category_id={assigned.category_id}&answered=false&leader_id={leader.id}") == api_ids
    page = html(client.get(f"/leaders/{leader.id}"))
    links = set(_re.findall(r'href="(/suggestions/\?[^"]+)"', page))
    assert links, "the leader page links to its filtered list"
    for link in links:
        assert ids(link.removeprefix("/suggestions/").replace("&amp;", "&")) == api_ids, link


def test_pagination_links_keep_filters_but_not_url_for_arguments(client, sg, monkeypatch):
    from webapp.suggestions import views

    monkeypatch.setattr(views, "PER_PAGE", 1)
    for i in range(3):
        sg("accepted", title=f"分页参数测试建议 {i}")
    resp = client.get("/suggestions/?sort=newest&endpoint=admin.index&_external=1&_method=POST&page=1")
    assert resp.status_code == 200
    nav = html(resp).split('aria-label="分页"')[1].split("</nav>")[0]
    assert "sort=newest" in nav and "page=2" in nav
    assert "endpoint=" not in nav and "_external" not in nav and "_method" not in nav and "http" not in nav
