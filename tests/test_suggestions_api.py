"""The suggestions and leaders API: the lifecycle through the API only, every error
envelope, privacy of private suggestions, co-signing, attachments, neutralised HTML,
filters and pagination, leaders' figures, and the OpenAPI document."""
import io
import json
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from tests.test_api_conventions import assert_envelope, schema_errors

API = "/api/v1"
TITLE = "关于优化科研项目经费管理的建议"
BODY = "建议简化科研经费报销流程，减少科研人员的事务性负担。"
ANSWER = "感谢您的建议，我们将认真研究并推动落实。"


# ---------------------------------------------------------------- fixtures and helpers

@pytest.fixture
def people(make_user, api_token, suggestion_lists, make_leader, make_staff):
    """A member, another member, staff, two verified leaders, each with a bearer header."""
    users = {
        "member": make_user("sa_member", display_name="提议人"),
        "other": make_user("sa_other", display_name="旁观者"),
        "staff": make_staff("sa_staff", display_name="受理员小赵"),
        "leader": make_leader("sa_leader", real_name="王领导", position="主席"),
        "leader2": make_leader("sa_leader2", real_name="李领导", position="副主席"),
    }
    ns = SimpleNamespace(**users)
    ns.h = {key: {"Authorization": f"Bearer {api_token(user)}"} for key, user in users.items()}
    ns.category = suggestion_lists["categories"][0]
    ns.reason = suggestion_lists["reasons"][0]
    return ns


@pytest.fixture
def document(client):
    return client.get(f"{API}/openapi.json").get_json()


@pytest.fixture
def check(document):
    """check(resp, method, path) → asserts the body matches the documented schema for its status."""

    def _check(resp, method, path):
        operation = document["paths"][API + path][method]
        assert str(resp.status_code) in operation["responses"], (method, path, resp.status_code)
        schema = operation["responses"][str(resp.status_code)]["content"]["application/json"]["schema"]
        errors = schema_errors(resp.get_json(), schema, document)
        assert errors == [], (method, path, errors)
        return resp.get_json()

    return _check


def submission(people, **fields):
    data = {"title": TITLE, "body": BODY, "category_id": people.category.id, "addressee_id": None,
            "visibility": "public"}
    data.update(fields)
    return data


def png_bytes(size=(8, 6), color=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def attachment_files(app):
    folder = Path(app.config["UPLOAD_DIR"]) / "suggestions"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def ids(resp):
    return [item["id"] for item in resp.get_json()["items"]]


# ---------------------------------------------------------------- the whole lifecycle

def test_lifecycle_through_the_api_only(client, people, check, app, monkeypatch):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    h = people.h

    resp = client.post(f"{API}/suggestions", json=submission(people), headers=h["member"])
    assert resp.status_code == 201
    s = check(resp, "post", "/suggestions")
    sid = s["id"]
    assert s["url"] == f"/suggestions/{sid}"
    assert (s["title"], s["body"], s["state"], s["state_title"]) == (TITLE, BODY, "submitted", "待受理")
    assert s["category"] == {"id": people.category.id, "name": "科研政策"}
    assert s["author"]["id"] == people.member.id and s["addressee"] is None and s["assigned_leader"] is None
    assert s["deadline"] == {"status": None, "status_title": None, "due_date": None, "long_due_date": None,
                             "working_days_left": None}
    assert [e["kind"] for e in s["timeline"]] == ["submitted"]
    assert s["permissions"] == {"can_support": False, "can_screen": False, "can_assign": False, "can_answer": False,
                                "can_follow_up": False, "can_answer_follow_up": False, "can_rate": False,
                                "can_close": False, "can_withdraw_support": False, "can_edit": True,
                                "can_withdraw": True, "can_recategorise": False}
    assert (s["support_count"], s["supported"], s["support_threshold"]) == (0, False, 100)

    staff_view = check(client.get(f"{API}/suggestions/{sid}", headers=h["staff"]), "get",
                       "/suggestions/{suggestion_id}")
    assert staff_view["permissions"]["can_screen"] is True

    resp = client.post(f"{API}/suggestions/{sid}/screen", json={"decision": "accept", "note": "已受理"},
                       headers=h["staff"])
    assert resp.status_code == 200
    s = check(resp, "post", "/suggestions/{suggestion_id}/screen")
    assert s["state"] == "accepted" and s["assigned_leader"] is None
    assert s["screening"] == {"screened_at": s["screening"]["screened_at"], "accepted": True, "reason": None,
                              "note": "已受理", "note_html": "<p>已受理</p>"}
    assert s["deadline"]["status"] in ("on_time", "due_soon") and s["deadline"]["working_days_left"] == 15
    assert s["deadline"]["due_date"] < s["deadline"]["long_due_date"]

    resp = client.post(f"{API}/suggestions/{sid}/assign", json={"leader_id": people.leader.id, "note": "请办理"},
                       headers=h["staff"])
    assert resp.status_code == 200
    s = check(resp, "post", "/suggestions/{suggestion_id}/assign")
    assert s["state"] == "assigned" and s["assigned_leader"]["id"] == people.leader.id

    # The leader saves a draft: 200, seen only by that leader.
    resp = client.post(f"{API}/suggestions/{sid}/answer", json={"body": "草稿：正在研究", "draft": True},
                       headers=h["leader"])
    assert resp.status_code == 200
    s = check(resp, "post", "/suggestions/{suggestion_id}/answer")
    assert s["state"] == "assigned" and s["answer"] is None
    assert s["draft"]["body"] == "草稿：正在研究" and s["draft"]["body_html"] == "<p>草稿：正在研究</p>\n"
    assert s["permissions"]["can_answer"] is True
    for who in ("member", "staff", "leader2", "other"):
        view = client.get(f"{API}/suggestions/{sid}", headers=h[who]).get_json()
        assert view["draft"] is None and view["answer"] is None, who
        assert "草稿" not in json.dumps(view, ensure_ascii=False), who
    assert "草稿" not in client.get(f"{API}/suggestions/{sid}").get_data(as_text=True)

    resp = client.post(f"{API}/suggestions/{sid}/answer", json={"body": ANSWER, "draft": False}, headers=h["leader"])
    assert resp.status_code == 201
    s = check(resp, "post", "/suggestions/{suggestion_id}/answer")
    assert s["state"] == "answered" and s["draft"] is None
    assert s["answer"]["body"] == ANSWER and s["answer"]["leader"]["id"] == people.leader.id
    assert s["answer"]["hidden"] is False

    member_view = client.get(f"{API}/suggestions/{sid}", headers=h["member"]).get_json()
    assert member_view["answer"]["body"] == ANSWER
    assert member_view["permissions"]["can_follow_up"] is True and member_view["permissions"]["can_rate"] is True

    resp = client.post(f"{API}/suggestions/{sid}/follow-up", json={"question": "具体何时落实？请说明时间表。"},
                       headers=h["member"])
    assert resp.status_code == 201
    follow_up = check(resp, "post", "/suggestions/{suggestion_id}/follow-up")
    assert follow_up == {"suggestion_id": sid, "question": "具体何时落实？请说明时间表。",
                         "question_html": "<p>具体何时落实？请说明时间表。</p>", "asked_at": follow_up["asked_at"],
                         "answer": None, "answer_html": None, "answered_at": None}

    # Rating waits for the reply to the follow-up.
    assert_envelope(client.post(f"{API}/suggestions/{sid}/rating", json={"value": "satisfied"}, headers=h["member"]),
                    409, "follow_up_pending")
    leader_view = client.get(f"{API}/suggestions/{sid}", headers=h["leader"]).get_json()
    assert leader_view["permissions"]["can_answer_follow_up"] is True

    resp = client.post(f"{API}/suggestions/{sid}/follow-up/answer", json={"body": "预计年内完成修订。"},
                       headers=h["leader"])
    assert resp.status_code == 200
    follow_up = check(resp, "post", "/suggestions/{suggestion_id}/follow-up/answer")
    assert follow_up["answer"] == "预计年内完成修订。" and follow_up["answer_html"] == "<p>预计年内完成修订。</p>\n"

    resp = client.post(f"{API}/suggestions/{sid}/rating", json={"value": "satisfied", "comment": "答复及时"},
                       headers=h["member"])
    assert resp.status_code == 201
    rating = check(resp, "post", "/suggestions/{suggestion_id}/rating")
    assert rating == {"suggestion_id": sid, "value": "satisfied", "value_title": "满意", "comment": "答复及时",
                      "comment_html": "<p>答复及时</p>", "created_at": rating["created_at"]}

    s = check(client.get(f"{API}/suggestions/{sid}"), "get", "/suggestions/{suggestion_id}")
    assert s["state"] == "closed" and s["state_title"] == "已办结" and s["closed_at"]
    assert s["rating"]["value"] == "satisfied"
    assert s["follow_up"]["answer"] == "预计年内完成修订。"
    assert [e["kind"] for e in s["timeline"]] == [
        "submitted", "accepted", "assigned", "answered", "follow_up", "follow_up_answered", "rated"]
    by_kind = {e["kind"]: e for e in s["timeline"]}
    assert by_kind["submitted"]["actor"]["id"] == people.member.id
    assert by_kind["answered"]["actor"]["id"] == people.leader.id
    assert by_kind["answered"]["actor_name"] == "王领导"
    assert by_kind["assigned"]["subject"]["id"] == people.leader.id
    assert by_kind["assigned"]["kind_title"] == "交办" and by_kind["assigned"]["note"] == "请办理"
    assert by_kind["rated"]["note"] == "满意"
    for kind in ("accepted", "assigned"):
        assert by_kind[kind]["actor"] is None and by_kind[kind]["actor_name"] == "科协工作人员"

    # The staff member's identity appears nowhere, not even to staff.
    for headers in ({}, h["member"], h["staff"]):
        text = client.get(f"{API}/suggestions/{sid}", headers=headers).get_data(as_text=True)
        assert "sa_staff" not in text and "受理员小赵" not in text

    stats = check(client.get(f"{API}/leaders/{people.leader.id}/stats"), "get", "/leaders/{leader_id}/stats")
    assert stats == {
        "leader_id": people.leader.id, "received": 1, "answered": 1, "pending": 0, "overdue": 0,
        "overdue_open": 0, "long_overdue": 0, "rated": 1,
        "satisfaction": {"satisfied": 1, "basically": 0, "unsatisfied": 0},
        "sample_sufficient": True, "min_sample": 1, "response_rate": 1.0, "median_working_days": 0.0,
        "satisfaction_rate": 1.0,
    }


# ---------------------------------------------------------------- submitting

def test_submit_needs_a_token(client, people):
    resp = client.post(f"{API}/suggestions", json=submission(people))
    assert_envelope(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert_envelope(client.post(f"{API}/suggestions", json=submission(people),
                                headers={"Authorization": "Bearer nope"}), 401, "invalid_token")


def test_submit_reports_every_invalid_field_at_once(client, people):
    error = assert_envelope(client.post(f"{API}/suggestions", json={}, headers=people.h["member"]), 422,
                            "validation_error")
    assert error["fields"] == {"title": "必填", "body": "必填", "category_id": "请选择分类"}

    resp = client.post(f"{API}/suggestions", headers=people.h["member"], json={
        "title": "短", "body": ["not", "text"], "category_id": "abc", "addressee_id": people.other.id,
        "visibility": "secret"})
    error = assert_envelope(resp, 422, "validation_error")
    assert error["fields"] == {
        "title": "至少 5 个字", "body": "必须是字符串", "category_id": "必须是整数",
        "addressee_id": "请选择一位已实名认证的领导，或选择“科协”", "visibility": "请选择公开或不公开"}

    resp = client.post(f"{API}/suggestions", headers=people.h["member"],
                       json=submission(people, category_id=True, addressee_id="x1"))
    assert assert_envelope(resp, 422)["fields"] == {"category_id": "必须是整数", "addressee_id": "必须是整数"}


def test_submit_addressed_to_a_leader_privately(client, people, check):
    resp = client.post(f"{API}/suggestions", headers=people.h["member"],
                       json=submission(people, addressee_id=people.leader.id, visibility="private",
                                       category_id=str(people.category.id)))
    s = check(resp, "post", "/suggestions")
    assert resp.status_code == 201
    assert s["addressee"]["id"] == people.leader.id and s["visibility"] == "private"


def test_malformed_json_is_a_400(client, people):
    resp = client.post(f"{API}/suggestions", data="{oops", content_type="application/json",
                       headers=people.h["member"])
    assert_envelope(resp, 400, "malformed_json")


def test_posting_is_rate_limited_with_retry_after(client, people, app, monkeypatch):
    monkeypatch.setitem(app.config, "SUGGESTION_POST_LIMIT", 2)
    for _ in range(2):
        assert client.post(f"{API}/suggestions", json=submission(people), headers=people.h["member"]).status_code == 201
    resp = client.post(f"{API}/suggestions", json=submission(people), headers=people.h["member"])
    assert_envelope(resp, 429, "rate_limited")
    retry = resp.headers["Retry-After"]
    assert retry.isdigit() and 0 < int(retry) <= 86400 + 1
    # Another member is not limited by the first one's posts.
    assert client.post(f"{API}/suggestions", json=submission(people), headers=people.h["other"]).status_code == 201


def test_multipart_submit_with_an_image_attachment(client, people, app, check):
    data = {"title": TITLE, "body": BODY, "category_id": str(people.category.id), "addressee_id": "",
            "visibility": "public", "attachments": [(io.BytesIO(png_bytes()), "现场照片.png")]}
    resp = client.post(f"{API}/suggestions", data=data, content_type="multipart/form-data",
                       headers=people.h["member"])
    assert resp.status_code == 201, resp.get_json()
    s = check(resp, "post", "/suggestions")
    assert s["addressee"] is None and s["visibility"] == "public"
    # 0, as some forms send it, also means the association.
    resp = client.post(f"{API}/suggestions", json=submission(people, addressee_id=0), headers=people.h["member"])
    assert resp.status_code == 201 and resp.get_json()["addressee"] is None
    [attachment] = s["attachments"]
    assert attachment["filename"] == "现场照片.png" and attachment["mime"] == "image/png"  # re-encoded, still a PNG
    assert attachment["size"] > 0
    assert attachment["url"] == f"/suggestions/{s['id']}/attachments/{attachment['id']}"
    assert len(attachment_files(app)) == 1


def test_multipart_submit_refuses_a_fake_file_and_stores_nothing(client, people, app, db):
    from webapp.suggestions.models import Suggestion, SuggestionAttachment

    data = {"title": TITLE, "body": BODY, "category_id": str(people.category.id), "visibility": "public",
            "attachments": [(io.BytesIO(png_bytes()), "好图.png"),
                            (io.BytesIO(b"MZ\x90\x00 definitely not an image"), "照片.png")]}
    resp = client.post(f"{API}/suggestions", data=data, content_type="multipart/form-data",
                       headers=people.h["member"])
    error = assert_envelope(resp, 422)
    assert list(error["fields"]) == ["attachments"] and "照片.png" in error["message"]
    assert Suggestion.query.count() == 0 and SuggestionAttachment.query.count() == 0
    assert attachment_files(app) == []


def test_multipart_submit_reports_fields_with_a_limit_on_attachments(client, people, app, monkeypatch):
    monkeypatch.setitem(app.config, "SUGGESTION_MAX_ATTACHMENTS", 1)
    data = {"title": "", "body": BODY, "category_id": "9999",
            "attachments": [(io.BytesIO(png_bytes()), "a.png"), (io.BytesIO(png_bytes()), "b.png")]}
    resp = client.post(f"{API}/suggestions", data=data, content_type="multipart/form-data",
                       headers=people.h["member"])
    assert assert_envelope(resp, 422)["fields"] == {"title": "必填", "category_id": "请选择分类",
                                                     "attachments": "最多上传 1 个附件"}
    assert attachment_files(app) == []


# ---------------------------------------------------------------- user HTML is neutralised

def test_user_html_is_escaped_or_sanitised_and_raw_text_kept(client, people, make_suggestion):
    title = "<script>alert(1)</script>标题里的<b>标签</b>"
    body = "**重点** <img src=x onerror=alert(1)> [点我](javascript:alert(1)) <a href='http://evil'>x</a>"
    answer = "答复 <iframe src='http://evil'></iframe> *强调*"
    comment = "<b>很好</b> & <i>谢谢</i>"
    s = make_suggestion(author=people.member, state="answered", leader=people.leader, title=title, body=body,
                        answer=answer)
    resp = client.post(f"{API}/suggestions/{s.id}/rating", json={"value": "basically", "comment": comment},
                       headers=people.h["member"])
    assert resp.status_code == 201
    rating = resp.get_json()
    assert rating["comment"] == comment
    assert rating["comment_html"] == "<p>&lt;b&gt;很好&lt;/b&gt; &amp; &lt;i&gt;谢谢&lt;/i&gt;</p>"

    data = client.get(f"{API}/suggestions/{s.id}").get_json()
    assert data["title"] == title and data["body"] == body and data["answer"]["body"] == answer
    assert data["title_html"] == "&lt;script&gt;alert(1)&lt;/script&gt;标题里的&lt;b&gt;标签&lt;/b&gt;"
    body_html = data["body_html"]
    assert "<strong>重点</strong>" in body_html
    assert "<img" not in body_html and "<a href='http://evil'" not in body_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in body_html
    assert "javascript:" not in body_html.replace("[点我](javascript:alert(1))", "")
    assert 'href="javascript' not in body_html
    answer_html = data["answer"]["body_html"]
    assert "<iframe" not in answer_html and "&lt;iframe" in answer_html and "<em>强调</em>" in answer_html
    assert data["rating"]["comment_html"] == rating["comment_html"]
    # Lists carry the escaped title too.
    [item] = client.get(f"{API}/suggestions").get_json()["items"]
    assert item["title"] == title and item["title_html"] == data["title_html"]


# ---------------------------------------------------------------- private suggestions

def test_a_private_suggestion_is_hidden_from_everyone_else(client, people, make_suggestion):
    s = make_suggestion(author=people.member, visibility="private", addressee=people.leader)
    public = make_suggestion(author=people.other, title="一条公开的建议标题", state="accepted")
    missing = client.get(f"{API}/suggestions/999999", headers=people.h["other"])
    assert_envelope(missing, 404, "not_found")
    for headers in ({}, people.h["other"], people.h["leader2"]):
        resp = client.get(f"{API}/suggestions/{s.id}", headers=headers)
        assert resp.status_code == 404 and resp.get_json() == missing.get_json()
        assert ids(client.get(f"{API}/suggestions", headers=headers)) == [public.id]
    for who in ("member", "leader", "staff"):
        resp = client.get(f"{API}/suggestions/{s.id}", headers=people.h[who])
        assert resp.status_code == 200 and resp.get_json()["visibility"] == "private", who
        assert ids(client.get(f"{API}/suggestions", headers=people.h[who])) == [public.id, s.id], who
    assert ids(client.get(f"{API}/suggestions?mine=true", headers=people.h["member"])) == [s.id]
    assert ids(client.get(f"{API}/suggestions?mine=1", headers=people.h["other"])) == [public.id]
    assert_envelope(client.get(f"{API}/suggestions?mine=true"), 401, "unauthorized")
    # Every action on it is a 404 for those who may not see it.
    assert_envelope(client.post(f"{API}/suggestions/{s.id}/support", headers=people.h["other"]), 404, "not_found")
    assert_envelope(client.post(f"{API}/suggestions/{s.id}/rating", json={"value": "satisfied"},
                                headers=people.h["other"]), 404, "not_found")


def test_a_rejected_suggestion_is_seen_only_by_its_author_and_staff(client, people, check):
    sid = client.post(f"{API}/suggestions", json=submission(people), headers=people.h["member"]).get_json()["id"]
    resp = client.post(f"{API}/suggestions/{sid}/screen", headers=people.h["staff"],
                       json={"decision": "reject", "reason_id": people.reason.id, "note": "请补充材料"})
    s = check(resp, "post", "/suggestions/{suggestion_id}/screen")
    assert s["state"] == "not_accepted" and s["state_title"] == "不予受理"
    assert s["screening"]["accepted"] is False and s["screening"]["reason"] == "不属于受理范围"
    assert s["screening"]["note"] == "请补充材料"
    assert client.get(f"{API}/suggestions/{sid}", headers=people.h["member"]).status_code == 200
    assert_envelope(client.get(f"{API}/suggestions/{sid}"), 404, "not_found")
    assert_envelope(client.get(f"{API}/suggestions/{sid}", headers=people.h["other"]), 404, "not_found")
    assert ids(client.get(f"{API}/suggestions")) == []


# ---------------------------------------------------------------- co-signing

def test_supporting_twice_is_idempotent(client, people, make_suggestion, check):
    s = make_suggestion(author=people.member, state="accepted")
    resp = client.post(f"{API}/suggestions/{s.id}/support", headers=people.h["other"])
    assert resp.status_code == 201
    assert check(resp, "post", "/suggestions/{suggestion_id}/support") == {
        "suggestion_id": s.id, "supported": True, "support_count": 1, "support_threshold": 100}
    resp = client.post(f"{API}/suggestions/{s.id}/support", headers=people.h["other"])
    assert resp.status_code == 200
    assert check(resp, "post", "/suggestions/{suggestion_id}/support") == {
        "suggestion_id": s.id, "supported": True, "support_count": 1, "support_threshold": 100}
    view = client.get(f"{API}/suggestions/{s.id}", headers=people.h["other"]).get_json()
    assert view["supported"] is True and view["support_count"] == 1
    assert view["permissions"]["can_support"] is True
    assert client.get(f"{API}/suggestions/{s.id}", headers=people.h["leader"]).get_json()["supported"] is False
    [item] = client.get(f"{API}/suggestions", headers=people.h["other"]).get_json()["items"]
    assert item["supported"] is True and item["support_count"] == 1


def test_support_conflicts_and_authentication(client, people, make_suggestion):
    own = make_suggestion(author=people.member, state="accepted")
    waiting = make_suggestion(author=people.other)
    private = make_suggestion(author=people.other, visibility="private", addressee=people.leader)
    answered = make_suggestion(author=people.other, state="answered", leader=people.leader)
    assert_envelope(client.post(f"{API}/suggestions/{own.id}/support", headers=people.h["member"]), 409,
                    "own_suggestion")
    assert_envelope(client.post(f"{API}/suggestions/{private.id}/support", headers=people.h["leader"]), 409,
                    "not_public")
    assert_envelope(client.post(f"{API}/suggestions/{answered.id}/support", headers=people.h["member"]), 409,
                    "support_closed")
    assert_envelope(client.post(f"{API}/suggestions/{own.id}/support"), 401, "unauthorized")
    # Not accepted yet (先审后发): not published, so not found for the others.
    assert_envelope(client.post(f"{API}/suggestions/{waiting.id}/support", headers=people.h["member"]), 404,
                    "not_found")
    assert_envelope(client.post(f"{API}/suggestions/999999/support", headers=people.h["other"]), 404, "not_found")


def test_threshold_is_on_the_timeline_and_makes_rejection_a_conflict(client, db, people, make_suggestion, app,
                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 1)
    s = make_suggestion(author=people.member, state="accepted")
    body = client.post(f"{API}/suggestions/{s.id}/support", headers=people.h["other"]).get_json()
    assert body["support_count"] == 1 and body["support_threshold"] == 1
    timeline = client.get(f"{API}/suggestions/{s.id}").get_json()["timeline"]
    assert [e["kind"] for e in timeline] == ["submitted", "accepted", "threshold"]
    assert timeline[2]["actor"] is None and timeline[2]["actor_name"] is None
    # Signatures from before screening (data from before co-signing waited for acceptance).
    waiting = make_suggestion(author=people.member)
    waiting.support_count = 1
    db.session.commit()
    assert_envelope(client.post(f"{API}/suggestions/{waiting.id}/screen", headers=people.h["staff"],
                                json={"decision": "reject", "reason_id": people.reason.id}), 409, "threshold_reached")


# ---------------------------------------------------------------- staff actions

@pytest.mark.parametrize("method, path", [
    ("post", "/suggestions/{id}/screen"),
    ("post", "/suggestions/{id}/assign"),
    ("get", "/suggestions/screening-reasons"),
])
def test_staff_only_endpoints(client, people, make_suggestion, method, path):
    s = make_suggestion(author=people.member)
    url = API + path.format(id=s.id)
    body = {"json": {"decision": "accept", "leader_id": people.leader.id}} if method == "post" else {}
    for who in ("member", "leader"):
        assert_envelope(client.open(url, method=method.upper(), headers=people.h[who], **body), 403, "forbidden")
    resp = client.open(url, method=method.upper(), **body)
    assert_envelope(resp, 401, "unauthorized")
    assert client.get(f"{API}/suggestions/{s.id}", headers=people.h["staff"]).get_json()["state"] == "submitted"


def test_screen_errors(client, people, make_suggestion):
    s = make_suggestion(author=people.member)
    url = f"{API}/suggestions/{s.id}/screen"
    staff = people.h["staff"]
    assert assert_envelope(client.post(url, json={"decision": "maybe"}, headers=staff), 422)["fields"] == {
        "decision": "可选 accept、reject"}
    assert assert_envelope(client.post(url, json={}, headers=staff), 422)["fields"] == {
        "decision": "可选 accept、reject"}
    assert assert_envelope(client.post(url, json={"decision": "reject"}, headers=staff), 422)["fields"] == {
        "reason_id": "必选"}
    assert assert_envelope(client.post(url, json={"decision": "reject", "reason_id": "abc", "note": 3},
                                       headers=staff), 422)["fields"] == {"reason_id": "必须是整数",
                                                                          "note": "必须是字符串"}
    assert assert_envelope(client.post(url, json={"decision": "accept", "leader_id": people.other.id},
                                       headers=staff), 422)["fields"] == {"leader_id": "不是已认证的领导"}
    assert_envelope(client.post(url, data="{bad", content_type="application/json", headers=staff), 400,
                    "malformed_json")
    assert_envelope(client.post(f"{API}/suggestions/999999/screen", json={"decision": "accept"}, headers=staff),
                    404, "not_found")
    # Accepting with a leader assigns at once; screening again is an illegal transition.
    resp = client.post(url, json={"decision": "accept", "leader_id": people.leader.id}, headers=staff)
    assert resp.status_code == 200 and resp.get_json()["state"] == "assigned"
    assert_envelope(client.post(url, json={"decision": "accept"}, headers=staff), 409, "illegal_transition")


def test_screening_accepts_for_the_addressed_leader(client, people, make_suggestion):
    s = make_suggestion(author=people.member, addressee=people.leader)
    resp = client.post(f"{API}/suggestions/{s.id}/screen", json={"decision": "accept"}, headers=people.h["staff"])
    body = resp.get_json()
    assert body["state"] == "assigned" and body["assigned_leader"]["id"] == people.leader.id


def test_assign_and_reassign(client, people, make_suggestion, check):
    s = make_suggestion(author=people.member, state="accepted")
    url = f"{API}/suggestions/{s.id}/assign"
    staff = people.h["staff"]
    assert assert_envelope(client.post(url, json={"leader_id": "abc"}, headers=staff), 422)["fields"] == {
        "leader_id": "必须是整数"}
    assert assert_envelope(client.post(url, json={}, headers=staff), 422)["fields"] == {
        "leader_id": "请选择领导"}
    assert assert_envelope(client.post(url, json={"leader_id": people.member.id}, headers=staff), 422)["fields"] == {
        "leader_id": "不是已认证的领导"}
    assert client.post(url, json={"leader_id": people.leader.id}, headers=staff).status_code == 200
    # The first leader drafts; the reassignment hands over a clean slate.
    client.post(f"{API}/suggestions/{s.id}/answer", json={"body": "我的草稿", "draft": True}, headers=people.h["leader"])
    assert_envelope(client.post(url, json={"leader_id": people.leader.id}, headers=staff), 409, "same_leader")
    resp = client.post(url, json={"leader_id": str(people.leader2.id), "note": "改由李领导办理"}, headers=staff)
    body = check(resp, "post", "/suggestions/{suggestion_id}/assign")
    assert resp.status_code == 200 and body["assigned_leader"]["id"] == people.leader2.id
    last = body["timeline"][-1]
    assert (last["kind"], last["kind_title"], last["subject"]["id"], last["actor_name"], last["note"]) == (
        "reassigned", "改派", people.leader2.id, "科协工作人员", "改由李领导办理")
    leader2_view = client.get(f"{API}/suggestions/{s.id}", headers=people.h["leader2"]).get_json()
    assert leader2_view["draft"] is None and leader2_view["permissions"]["can_answer"] is True
    # The first leader no longer may answer.
    assert_envelope(client.post(f"{API}/suggestions/{s.id}/answer", json={"body": ANSWER}, headers=people.h["leader"]),
                    403, "forbidden")
    assert client.post(f"{API}/suggestions/{s.id}/answer", json={"body": ANSWER},
                       headers=people.h["leader2"]).status_code == 201
    assert_envelope(client.post(url, json={"leader_id": people.leader.id}, headers=staff), 409, "illegal_transition")


# ---------------------------------------------------------------- answering and rating

def test_answer_permissions_and_states(client, people, make_suggestion):
    s = make_suggestion(author=people.member, state="assigned", leader=people.leader)
    url = f"{API}/suggestions/{s.id}/answer"
    for who in ("leader2", "member", "staff"):
        assert_envelope(client.post(url, json={"body": ANSWER}, headers=people.h[who]), 403, "forbidden")
    assert_envelope(client.post(url, json={"body": ANSWER}), 401, "unauthorized")
    assert assert_envelope(client.post(url, json={"body": ANSWER, "draft": "yes"}, headers=people.h["leader"]),
                           422)["fields"] == {"draft": "必须是 true 或 false"}
    assert assert_envelope(client.post(url, json={"body": "太短"}, headers=people.h["leader"]), 422)["fields"] == {
        "body": "至少 10 个字"}
    assert assert_envelope(client.post(url, json={"body": 12}, headers=people.h["leader"]), 422)["fields"] == {
        "body": "必须是字符串"}
    assert client.post(url, json={"body": ANSWER}, headers=people.h["leader"]).status_code == 201
    assert_envelope(client.post(url, json={"body": ANSWER}, headers=people.h["leader"]), 409, "illegal_transition")
    # Another leader cannot see a private one at all: 404, not 403.
    private = make_suggestion(author=people.member, state="assigned", leader=people.leader, visibility="private")
    assert_envelope(client.post(f"{API}/suggestions/{private.id}/answer", json={"body": ANSWER},
                                headers=people.h["leader2"]), 404, "not_found")


def test_rating_once_by_the_author_only(client, people, make_suggestion):
    s = make_suggestion(author=people.member, state="answered", leader=people.leader)
    url = f"{API}/suggestions/{s.id}/rating"
    assert_envelope(client.post(url, json={"value": "satisfied"}, headers=people.h["other"]), 403, "forbidden")
    assert_envelope(client.post(url, json={"value": "satisfied"}, headers=people.h["leader"]), 403, "forbidden")
    assert_envelope(client.post(url, json={"value": "satisfied"}), 401, "unauthorized")
    assert assert_envelope(client.post(url, json={"value": "great"}, headers=people.h["member"]), 422)["fields"] == {
        "value": "可选 satisfied、basically、unsatisfied"}
    assert assert_envelope(client.post(url, json={"value": "satisfied", "comment": "长" * 1001},
                                       headers=people.h["member"]), 422)["fields"] == {"comment": "不能超过 1000 个字"}
    resp = client.post(url, json={"value": "unsatisfied"}, headers=people.h["member"])
    assert resp.status_code == 201 and resp.get_json()["value_title"] == "不满意"
    assert_envelope(client.post(url, json={"value": "satisfied"}, headers=people.h["member"]), 409, "already_rated")
    assert client.get(f"{API}/suggestions/{s.id}").get_json()["rating"]["value"] == "unsatisfied"


def test_rating_before_the_answer_is_a_conflict(client, people, make_suggestion):
    s = make_suggestion(author=people.member, state="assigned", leader=people.leader)
    assert_envelope(client.post(f"{API}/suggestions/{s.id}/rating", json={"value": "satisfied"},
                                headers=people.h["member"]), 409, "illegal_transition")


def test_follow_up_rules(client, people, make_suggestion):
    s = make_suggestion(author=people.member, state="answered", leader=people.leader)
    url = f"{API}/suggestions/{s.id}/follow-up"
    assert_envelope(client.post(url, json={"question": "请问何时落实？"}, headers=people.h["other"]), 403, "forbidden")
    assert_envelope(client.post(f"{API}/suggestions/{s.id}/follow-up/answer", json={"body": "没有追问可答"},
                                headers=people.h["leader"]), 409, "illegal_transition")
    assert client.post(url, json={"question": "请问何时落实？"}, headers=people.h["member"]).status_code == 201
    assert_envelope(client.post(url, json={"question": "再问一次可以吗？"}, headers=people.h["member"]), 409,
                    "already_asked")
    assert_envelope(client.post(f"{API}/suggestions/{s.id}/follow-up/answer", json={"body": "这是答复内容"},
                                headers=people.h["leader2"]), 403, "forbidden")


def test_a_hidden_answer_is_shown_only_to_parties_and_staff(client, people, make_suggestion):
    from webapp.suggestions import services

    s = make_suggestion(author=people.member, state="answered", leader=people.leader)
    services.hide_answer(people.staff, s, "含不当内容")
    assert client.get(f"{API}/suggestions/{s.id}", headers=people.h["other"]).get_json()["answer"] is None
    for who in ("member", "leader", "staff"):
        answer = client.get(f"{API}/suggestions/{s.id}", headers=people.h[who]).get_json()["answer"]
        assert answer["hidden"] is True and answer["hidden_reason"] == "含不当内容", who


# ---------------------------------------------------------------- lists, filters, pagination

def test_pagination_and_filters(client, people, make_suggestion, suggestion_lists):
    other_category = suggestion_lists["categories"][1]
    made = [make_suggestion(author=people.member, title=f"第{i}条关于科研的建议", state="accepted") for i in range(5)]
    assigned = make_suggestion(author=people.other, state="assigned", leader=people.leader2, category=other_category)
    answered = make_suggestion(author=people.other, state="answered", leader=people.leader)
    client.post(f"{API}/suggestions/{made[1].id}/support", headers=people.h["other"])
    client.post(f"{API}/suggestions/{made[1].id}/support", headers=people.h["leader"])
    client.post(f"{API}/suggestions/{made[3].id}/support", headers=people.h["other"])
    newest = [answered.id, assigned.id] + [s.id for s in reversed(made)]

    resp = client.get(f"{API}/suggestions?per_page=3")
    body = resp.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 3, 7) and ids(resp) == newest[:3]
    assert ids(client.get(f"{API}/suggestions?per_page=3&page=3")) == newest[6:]
    assert ids(client.get(f"{API}/suggestions?per_page=3&page=9")) == []
    assert client.get(f"{API}/suggestions?per_page=1000").get_json()["per_page"] == 100

    assert ids(client.get(f"{API}/suggestions?category_id={other_category.id}")) == [assigned.id]
    assert ids(client.get(f"{API}/suggestions?state=assigned")) == [assigned.id]
    assert ids(client.get(f"{API}/suggestions?answered=true")) == [answered.id]
    assert ids(client.get(f"{API}/suggestions?answered=false")) == newest[1:]
    assert ids(client.get(f"{API}/suggestions?leader_id={people.leader2.id}")) == [assigned.id]
    assert ids(client.get(f"{API}/suggestions?sort=supported"))[:2] == [made[1].id, made[3].id]
    assert ids(client.get(f"{API}/suggestions?sort=waiting")) == [s.id for s in made] + [assigned.id, answered.id]
    assert ids(client.get(f"{API}/suggestions?mine=true", headers=people.h["other"])) == [answered.id, assigned.id]
    assert ids(client.get(f"{API}/suggestions?mine=false", headers=people.h["other"])) == newest

    [item] = client.get(f"{API}/suggestions?state=assigned").get_json()["items"]
    assert item["deadline"]["status"] in ("on_time", "due_soon") and item["deadline"]["working_days_left"] == 15
    assert item["assigned_leader"]["id"] == people.leader2.id and item["answered"] is False

    resp = client.get(f"{API}/suggestions?category_id=x&leader_id=1.5&answered=maybe&mine=2&state=nope&sort=old")
    assert assert_envelope(resp, 422)["fields"] == {
        "category_id": "必须是整数", "leader_id": "必须是整数", "answered": "可选 true、false",
        "mine": "可选 true、false", "state": "可选 submitted、not_accepted、accepted、assigned、answered、closed",
        "sort": "可选 newest、supported、waiting"}


def test_categories_and_screening_reasons(client, people):
    body = client.get(f"{API}/suggestions/categories").get_json()
    assert [c["name"] for c in body["items"]] == ["科研政策", "人才评价", "学会治理", "科普工作", "创新创业", "其他"]
    assert body["total"] == 6 and body["page"] == 1
    body = client.get(f"{API}/suggestions/screening-reasons", headers=people.h["staff"]).get_json()
    assert [r["title"] for r in body["items"]] == [
        "不属于受理范围", "重复提交", "含广告内容", "含辱骂或人身攻击内容", "涉及诉讼或司法程序中的事项"]
    assert body["items"][0]["id"] == people.reason.id


# ---------------------------------------------------------------- leaders

def test_leaders_list_and_stats_exact_numbers(client, people, make_suggestion, app, monkeypatch, check, clock):

    make_suggestion(author=people.member, state="closed", leader=people.leader, rating="satisfied")
    make_suggestion(author=people.member, state="closed", leader=people.leader, rating="unsatisfied",
                    visibility="private")
    make_suggestion(author=people.member, state="answered", leader=people.leader)
    late = make_suggestion(author=people.other, state="assigned", leader=people.leader)
    make_suggestion(author=people.other, state="assigned", leader=people.leader2)
    make_suggestion(author=people.other, state="submitted", addressee=people.leader)  # not received yet

    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 4)
    stats = check(client.get(f"{API}/leaders/{people.leader.id}/stats"), "get", "/leaders/{leader_id}/stats")
    assert stats == {
        "leader_id": people.leader.id, "received": 4, "answered": 3, "pending": 1, "overdue": 0, "overdue_open": 0,
        "long_overdue": 0, "rated": 2, "satisfaction": {"satisfied": 1, "basically": 0, "unsatisfied": 1},
        "sample_sufficient": True, "min_sample": 4, "response_rate": 0.75, "median_working_days": 0.0,
        "satisfaction_rate": 0.5,
    }
    stats2 = client.get(f"{API}/leaders/{people.leader2.id}/stats").get_json()
    assert stats2 == {
        "leader_id": people.leader2.id, "received": 1, "answered": 0, "pending": 1, "overdue": 0,
        "overdue_open": 0, "long_overdue": 0, "rated": 0,
        "satisfaction": {"satisfied": 0, "basically": 0, "unsatisfied": 0},
        "sample_sufficient": False, "min_sample": 4, "response_rate": None, "median_working_days": None,
        "satisfaction_rate": None,
    }

    resp = client.get(f"{API}/leaders")
    body = check(resp, "get", "/leaders")
    assert body["total"] == 2 and [item["id"] for item in body["items"]] == [people.leader.id, people.leader2.id]
    first = body["items"][0]
    assert first["url"] == f"/leaders/{people.leader.id}" and first["user"]["id"] == people.leader.id
    assert (first["real_name"], first["position"], first["organisation"]) == ("王领导", "主席", "某省科学技术协会")
    assert first["stats"] == stats
    assert client.get(f"{API}/leaders?per_page=1&page=2").get_json()["items"][0]["id"] == people.leader2.id

    # Below the minimum sample the rates are not published.
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 10)
    stats = client.get(f"{API}/leaders/{people.leader.id}/stats").get_json()
    assert stats["sample_sufficient"] is False and stats["answered"] == 3
    assert stats["response_rate"] is None and stats["median_working_days"] is None
    assert stats["satisfaction_rate"] is None

    # Time passes: the open suggestion becomes overdue, then long overdue.
    clock.set_day(late.due_date + timedelta(days=1))
    stats = client.get(f"{API}/leaders/{people.leader.id}/stats").get_json()
    assert (stats["overdue"], stats["overdue_open"], stats["long_overdue"]) == (1, 1, 0)
    deadline = client.get(f"{API}/suggestions/{late.id}").get_json()["deadline"]
    assert deadline["status"] == "overdue" and deadline["status_title"] == "已逾期"
    assert deadline["working_days_left"] < 0 and deadline["due_date"] == late.due_date.isoformat()
    clock.set_day(late.long_due_date + timedelta(days=1))
    stats = client.get(f"{API}/leaders/{people.leader.id}/stats").get_json()
    assert (stats["overdue"], stats["overdue_open"], stats["long_overdue"]) == (1, 1, 1)


def test_stats_of_a_non_leader_are_a_404(client, people):
    missing = client.get(f"{API}/leaders/999999/stats")
    assert_envelope(missing, 404, "not_found")
    for user in (people.member, people.staff):
        resp = client.get(f"{API}/leaders/{user.id}/stats")
        assert resp.status_code == 404 and resp.get_json() == missing.get_json()


def test_leader_inbox(client, people, make_suggestion, monkeypatch, check, clock):

    first = make_suggestion(author=people.member, state="assigned", leader=people.leader)
    second = make_suggestion(author=people.member, state="assigned", leader=people.leader, visibility="private")
    done = make_suggestion(author=people.member, state="answered", leader=people.leader)
    make_suggestion(author=people.member, state="assigned", leader=people.leader2)

    resp = client.get(f"{API}/leaders/inbox", headers=people.h["leader"])
    check(resp, "get", "/leaders/inbox")
    assert ids(resp) == [first.id, second.id] and resp.get_json()["total"] == 2
    assert ids(client.get(f"{API}/leaders/inbox?tab=answered", headers=people.h["leader"])) == [done.id]
    assert ids(client.get(f"{API}/leaders/inbox?tab=overdue", headers=people.h["leader"])) == []
    clock.set_day(first.due_date + timedelta(days=1))
    overdue = client.get(f"{API}/leaders/inbox?tab=overdue", headers=people.h["leader"]).get_json()
    assert [i["id"] for i in overdue["items"]] == [first.id, second.id]
    assert {i["deadline"]["status"] for i in overdue["items"]} == {"overdue"}

    assert assert_envelope(client.get(f"{API}/leaders/inbox?tab=spam", headers=people.h["leader"]), 422)["fields"] == {
        "tab": "可选 pending、overdue、answered"}
    assert_envelope(client.get(f"{API}/leaders/inbox", headers=people.h["member"]), 403, "forbidden")
    assert_envelope(client.get(f"{API}/leaders/inbox"), 401, "unauthorized")


def test_out_of_range_ids_are_refused_not_crashes(client, people):
    huge = "9" * 25
    assert_envelope(client.get(f"{API}/suggestions/{huge}"), 404, "not_found")
    assert_envelope(client.post(f"{API}/suggestions/{huge}/support", headers=people.h["member"]), 404, "not_found")
    assert_envelope(client.get(f"{API}/leaders/{huge}/stats"), 404, "not_found")
    resp = client.get(f"{API}/suggestions?category_id={huge}&leader_id=-3")
    assert assert_envelope(resp, 422)["fields"] == {"category_id": "不是有效的编号", "leader_id": "必须是整数"}
    resp = client.post(f"{API}/suggestions", headers=people.h["member"],
                       json=submission(people, category_id=int(huge), addressee_id=-1))
    assert assert_envelope(resp, 422)["fields"] == {"category_id": "不是有效的编号", "addressee_id": "不是有效的编号"}


# ---------------------------------------------------------------- the OpenAPI document

NEW_OPERATIONS = {
    ("post", "/suggestions"), ("get", "/suggestions"), ("get", "/suggestions/categories"),
    ("get", "/suggestions/screening-reasons"), ("get", "/suggestions/{suggestion_id}"),
    ("post", "/suggestions/{suggestion_id}/support"), ("post", "/suggestions/{suggestion_id}/screen"),
    ("post", "/suggestions/{suggestion_id}/assign"), ("post", "/suggestions/{suggestion_id}/answer"),
    ("post", "/suggestions/{suggestion_id}/follow-up"), ("post", "/suggestions/{suggestion_id}/follow-up/answer"),
    ("post", "/suggestions/{suggestion_id}/rating"), ("get", "/leaders"), ("get", "/leaders/inbox"),
    ("get", "/leaders/{leader_id}/stats"),
}


def test_openapi_describes_every_new_operation(document):
    documented = {(method, path[len(API):]) for path, ops in document["paths"].items() for method in ops}
    assert NEW_OPERATIONS <= documented
    for method, path in NEW_OPERATIONS:
        op = document["paths"][API + path][method]
        assert op["summary"] and op["tags"], (method, path)
        assert any(status.startswith("2") and "content" in r for status, r in op["responses"].items()), path
    submit = document["paths"][f"{API}/suggestions"]["post"]
    content = submit["requestBody"]["content"]
    assert content["application/json"]["schema"]["required"] == ["title", "body", "category_id"]
    assert content["multipart/form-data"]["schema"]["properties"]["attachments"]["items"]["format"] == "binary"
    assert {"201", "401", "422", "429"} <= set(submit["responses"])
    support = document["paths"][f"{API}/suggestions/{{suggestion_id}}/support"]["post"]["responses"]
    assert {"200", "201", "409"} <= set(support)
    schemas = document["components"]["schemas"]
    assert {"Suggestion", "SuggestionSummary", "Leader", "LeaderStats", "SuggestionRating"} <= set(schemas)
    listed = {p["name"] for p in document["paths"][f"{API}/suggestions"]["get"]["parameters"]}
    assert {"category_id", "state", "leader_id", "answered", "sort", "mine", "page", "per_page"} <= listed
