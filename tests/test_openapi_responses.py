"""Real responses of every documented operation, validated with jsonschema against the
generated OpenAPI document — strictly: an undeclared field is an error, null only where
declared, date-times in ISO 8601 ending in "Z".

One walk through the whole API as anonymous, member, staff, admin and leader records every
response; the test fails if an operation of the document was never answered with a 2xx."""
import io
import re
from datetime import date, datetime

import jsonschema
from PIL import Image

from tests.staff_helpers import make_verification  # noqa: F401  (the fixture)

API = "/api/v1"


# ---------------------------------------------------------------- OpenAPI 3.0 → strict JSON Schema

SUBSCHEMAS = ("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not")


def to_json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema 2020-12: `nullable` becomes a null alternative,
    refs point into $defs, and an object with properties admits no others."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref":
            out[key] = value.replace("#/components/schemas/", "#/$defs/")
        elif key == "properties":
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in SUBSCHEMAS:
            out[key] = to_json_schema(value)
        elif key != "nullable":
            out[key] = value
    if "properties" in out:
        out.setdefault("additionalProperties", False)
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


format_checker = jsonschema.FormatChecker(formats=())


@format_checker.checks("date-time")
def _utc_date_time(value):
    if not isinstance(value, str):
        return True
    if not value.endswith("Z"):
        return False
    datetime.fromisoformat(value[:-1])
    return True


@format_checker.checks("date", raises=ValueError)
def _date(value):
    if isinstance(value, str):
        date.fromisoformat(value)
    return True


def validator_for(document, schema):
    defs = {name: to_json_schema(s) for name, s in document["components"]["schemas"].items()}
    return jsonschema.Draft202012Validator({**to_json_schema(schema), "$defs": defs}, format_checker=format_checker)


def test_the_strict_check_refuses_what_the_document_does_not_declare(client, make_user):
    document = client.get(f"{API}/openapi.json").get_json()
    check = validator_for(document, {"$ref": "#/components/schemas/User"})
    body = client.get(f"{API}/users/{make_user('zhang').username}").get_json()
    assert list(check.iter_errors(body)) == []
    assert list(check.iter_errors({**body, "extra": 1}))             # undeclared field
    assert list(check.iter_errors({**body, "bio": None}))            # null where not nullable
    assert list(check.iter_errors({**body, "created_at": "2026-01-01T00:00:00"}))  # no "Z"
    assert list(check.iter_errors({**body, "verified": "yes"}))
    assert not list(check.iter_errors({**body, "verification": None}))
    missing = dict(body)
    del missing["username"]
    assert list(check.iter_errors(missing))


# ---------------------------------------------------------------- the walk

class Recorder:
    """A test client that keeps every API response with the operation it answered."""

    def __init__(self, app, client):
        self.app, self.client, self.responses = app, client, []

    def __call__(self, method, url, headers=None, **kwargs):
        resp = self.client.open(url, method=method, headers=headers or {}, **kwargs)
        rule, _ = self.app.url_map.bind("localhost").match(url.split("?")[0], method=method, return_rule=True)
        path = re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", r"{\1}", rule.rule)
        self.responses.append((method.lower(), path, resp))
        return resp


def png():
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (30, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def walk(call, people, h, make_suggestion, new_verification, suggestion_lists):
    category = suggestion_lists["categories"][0]
    reason = suggestion_lists["reasons"][0]
    member, leader = people["member"], people["leader"]

    # accounts
    registration = {"username": "li_ming", "email": "li@example.org", "password": "Qiming-Star-2026",
                    "display_name": "李明"}
    call("POST", f"{API}/auth/register", json=registration)  # 202: the code goes by mail
    from webapp.core.mail import read_outbox

    (mail,) = read_outbox(call.app.config["MAIL_OUTBOX_DIR"])
    code = re.search(r"确认码：\s*(\S+)", mail.get_content()).group(1)
    call("POST", f"{API}/auth/register", json={**registration, "code": code, "accept_terms": True})  # 201
    call("POST", f"{API}/auth/register", json={"username": 1})
    token = call("POST", f"{API}/auth/tokens", json={"username": "li_ming", "password": "Qiming-Star-2026"}).get_json()
    call("POST", f"{API}/auth/tokens", json={"username": "li_ming", "password": "wrong-password-1"})
    mine = {"Authorization": f"Bearer {token['token']}"}
    call("GET", f"{API}/auth/tokens", mine)
    call("GET", f"{API}/me", h["member"])
    call("GET", f"{API}/me", {"Authorization": "Bearer sh_forged"})
    call("PATCH", f"{API}/me", h["member"], json={"email_notifications": False})
    call("PATCH", f"{API}/me", h["member"], json={"email_notifications": "no"})
    call("GET", f"{API}/users/{leader.username}")
    call("GET", f"{API}/users/nobody")
    call("DELETE", f"{API}/auth/tokens/{token['id']}", mine)
    call("DELETE", f"{API}/auth/tokens/{token['id']}", h["member"])

    # suggestions, from submission to rating
    submission = {"title": "关于优化科研项目经费管理的建议", "category_id": category.id,
                  "body": "建议简化科研经费报销流程，减少科研人员的事务性负担。"}
    s = call("POST", f"{API}/suggestions", h["member"], json={**submission, "addressee_id": leader.id}).get_json()
    call("POST", f"{API}/suggestions", h["member"], json={**submission, "title": "短"})
    call("POST", f"{API}/suggestions", h["member"], content_type="multipart/form-data",
         data={**submission, "category_id": str(category.id), "visibility": "private",
               "attachments": [(io.BytesIO(png()), "现场照片.png")]})
    url = f"{API}/suggestions/{s['id']}"
    call("GET", f"{API}/suggestions/categories")
    call("GET", f"{API}/suggestions/screening-reasons", h["staff"])
    call("GET", f"{API}/suggestions/screening-reasons", h["member"])
    call("POST", f"{url}/support", h["other"])  # not published before screening: 404
    call("PATCH", url, h["member"], json={"title": "关于优化科研项目经费管理流程的建议"})
    call("PATCH", url, h["member"], json={"title": "短"})
    call("PATCH", url, h["other"], json={"title": "关于优化科研项目经费管理流程的建议"})
    call("POST", f"{url}/screen", h["staff"], json={"decision": "accept", "note": "依规受理"})
    call("POST", f"{url}/screen", h["staff"], json={"decision": "accept"})
    call("POST", f"{url}/support", h["other"])
    call("POST", f"{url}/support", h["other"])
    call("POST", f"{url}/support", h["member"])
    call("POST", f"{API}/suggestions/preview", h["member"], json={"body": "**加粗** <script>x</script>"})
    call("POST", f"{API}/suggestions/preview", h["member"], json={})
    call("GET", f"{API}/suggestions/similar?title=科研经费管理")
    call("GET", f"{API}/suggestions/similar")
    withdrawn = call("POST", f"{API}/suggestions", h["member"], json={**submission, "title": "一条将要撤回的建议"})
    call("POST", f"{API}/suggestions/{withdrawn.get_json()['id']}/withdraw", h["member"], json={"reason": "重复"})
    call("POST", f"{API}/suggestions/{withdrawn.get_json()['id']}/withdraw", h["member"])
    call("POST", f"{url}/screen", h["staff"], json={"decision": "accept", "note": "依规受理"})
    call("POST", f"{url}/screen", h["staff"], json={"decision": "accept"})
    call("POST", f"{url}/support", h["other"])
    call("DELETE", f"{url}/support", h["other"])
    call("DELETE", f"{url}/support", h["other"])
    call("POST", f"{url}/support", h["other"])
    call("POST", f"{url}/assign", h["staff"], json={"leader_id": people["leader2"].id, "note": "改派"})
    other_category = suggestion_lists["categories"][1]
    call("POST", f"{url}/category", h["staff"], json={"category_id": other_category.id, "note": "更贴切"})
    call("POST", f"{url}/category", h["staff"], json={"category_id": other_category.id})
    call("POST", f"{url}/category", h["member"], json={"category_id": category.id})
    call("POST", f"{url}/assign", h["staff"], json={"leader_id": leader.id})
    call("POST", f"{url}/answer", h["leader"], json={"body": "草稿", "draft": True})
    for who in ("leader", "member", "staff", "other", None):
        call("GET", url, h.get(who))
    call("POST", f"{url}/answer", h["leader"], json={"body": "感谢您的建议，我们将认真研究并推动落实。"})
    call("POST", f"{url}/follow-up", h["member"], json={"question": "请问何时可以落实？"})
    call("POST", f"{url}/rating", h["member"], json={"value": "satisfied"})
    call("POST", f"{url}/follow-up/answer", h["leader"], json={"body": "预计下个月落实。"})
    call("POST", f"{url}/rating", h["member"], json={"value": "basically", "comment": "基本满意"})
    call("GET", url, h["member"])

    refused = make_suggestion(author=member)
    call("POST", f"{API}/suggestions/{refused.id}/screen", h["staff"], json={"decision": "reject",
                                                                           "reason_id": reason.id, "note": "重复"})
    call("GET", f"{API}/suggestions/{refused.id}", h["member"])
    answered = make_suggestion(author=member, state="answered", leader=leader)
    moderated = f"{API}/suggestions/{answered.id}"
    call("POST", f"{moderated}/answer/hide", h["staff"], json={"reason": "含个人信息"})
    call("GET", moderated)
    call("POST", f"{moderated}/answer/unhide", h["staff"])
    call("POST", f"{moderated}/hide", h["staff"], json={"reason": "含广告内容"})
    call("POST", f"{moderated}/hide", h["staff"], json={})
    call("GET", moderated, h["member"])
    call("POST", f"{moderated}/unhide", h["staff"])
    call("POST", f"{moderated}/close", h["staff"], json={"note": "建议人未评价"})
    call("POST", f"{moderated}/close", h["member"], json={})

    for query in ("", "?per_page=2&page=2", "?state=closed&sort=supported", "?answered=false&sort=waiting",
                  f"?leader_id={leader.id}&category_id={category.id}", "?mine=true", "?state=nope"):
        call("GET", f"{API}/suggestions{query}", h["member"])
    call("GET", f"{API}/suggestions")
    call("GET", f"{API}/suggestions?mine=true")
    call("GET", f"{API}/leaders")
    call("GET", f"{API}/leaders/{leader.id}/stats")
    call("GET", f"{API}/leaders/{member.id}/stats")
    call("PUT", f"{API}/leaders/{leader.id}/profile", h["staff"], json={"responsibilities": "分管学术交流。"})
    call("PUT", f"{API}/leaders/{leader.id}/profile", h["member"], json={"responsibilities": "分管学术交流。"})
    call("PUT", f"{API}/leaders/{member.id}/profile", h["staff"], json={"responsibilities": "分管学术交流。"})
    call("PUT", f"{API}/leaders/{leader.id}/profile", h["staff"], json={"responsibilities": "长" * 1001})
    for tab in ("pending", "overdue", "answered"):
        call("GET", f"{API}/leaders/inbox?tab={tab}", h["leader"])
    call("GET", f"{API}/leaders/inbox", h["member"])

    # notifications
    notes = call("GET", f"{API}/notifications", h["member"]).get_json()
    call("GET", f"{API}/notifications?unread=1", h["member"])
    call("GET", f"{API}/notifications/unread-count", h["member"])
    call("POST", f"{API}/notifications/{notes['items'][0]['id']}/read", h["member"])
    call("POST", f"{API}/notifications/999999/read", h["member"])
    call("POST", f"{API}/notifications/read-all", h["member"])

    # staff: users, roles, verification, audit log
    req = new_verification(member)
    other_req = new_verification(people["other"])
    call("GET", f"{API}/me/verification", h["member"])
    call("GET", f"{API}/admin/users?q=sa_&per_page=3", h["staff"])
    call("GET", f"{API}/admin/users?role=leader&state=verified", h["staff"])
    call("GET", f"{API}/admin/users?role=emperor", h["staff"])
    call("GET", f"{API}/admin/users", h["member"])
    call("GET", f"{API}/admin/users/{member.id}", h["staff"])
    call("POST", f"{API}/admin/users/{member.id}/roles", h["admin"], json={"role": "editor"})
    call("POST", f"{API}/admin/users/{member.id}/roles", h["admin"], json={"role": "editor"})
    call("POST", f"{API}/admin/users/{member.id}/roles", h["staff"], json={"role": "editor"})
    call("DELETE", f"{API}/admin/users/{member.id}/roles/editor", h["admin"])
    call("DELETE", f"{API}/admin/users/{member.id}/roles/emperor", h["admin"])
    call("POST", f"{API}/admin/users/{people['other'].id}/suspend", h["staff"], json={"reason": "违反社区规定"})
    call("POST", f"{API}/admin/users/{people['other'].id}/suspend", h["staff"], json={"reason": "再次"})
    call("POST", f"{API}/admin/users/{people['other'].id}/unsuspend", h["staff"])
    call("GET", f"{API}/admin/verifications", h["staff"])
    call("GET", f"{API}/admin/verifications/{req.id}", h["staff"])
    call("POST", f"{API}/admin/verifications/{req.id}/approve", h["staff"])
    call("POST", f"{API}/admin/verifications/{req.id}/approve", h["staff"], json={"note": "再次"})
    call("POST", f"{API}/admin/verifications/{other_req.id}/reject", h["staff"], json={"reason": "证明材料不清晰"})
    call("GET", f"{API}/admin/verifications?state=approved", h["staff"])
    call("GET", f"{API}/me/verification", h["member"])
    call("GET", f"{API}/admin/audit?per_page=50", h["staff"])
    call("GET", f"{API}/admin/audit?object_type=user&object_id={member.id}", h["staff"])

    # science: an article from draft to published, videos, the map, recommendations
    _science_walk(call, people, h)
    # search (the index rebuilt from what the walk published)
    from webapp.search import indexer

    indexer.rebuild()
    call("GET", f"{API}/search?q=科研经费")
    call("GET", f"{API}/search?q=科研经费&type=suggestion&sort=date&date_from=2020-01-01&per_page=5")
    call("GET", f"{API}/search?q=科研&type=nope")
    call("GET", f"{API}/search/suggest?q=科研")
    call("GET", f"{API}/search/suggest")
    call("GET", f"{API}/openapi.json")

    # review
    from tests.review_api_walk import review_walk

    review_walk(call, people, h)
    # chat: a direct message between two members, then the rooms list and the history
    from webapp.chat import services as chat
    from webapp.extensions import db

    other = people["other"]
    chat.post_message(member, chat.dm_room(member, other), "周五的组会改到下午三点 @sa_other https://example.org")
    db.session.commit()
    call("GET", f"{API}/chat/rooms", h["member"])
    call("GET", f"{API}/chat/rooms", h["leader"])  # none
    call("GET", f"{API}/chat/rooms/dm:{other.id}/messages", h["member"])
    call("GET", f"{API}/chat/rooms/dm:{member.id}/messages?after_id=0", h["other"])
    call("GET", f"{API}/chat/rooms/dm:{other.id}/messages?before_id=1&after_id=1", h["member"])
    call("GET", f"{API}/chat/rooms/nothing:1/messages", h["member"])
    call("GET", f"{API}/chat/rooms", {})


def forum_walk(call, people, h):
    from tests.forum_helpers import forum_objects
    from webapp.extensions import db
    from webapp.forum.models import Board

    board, thread, first = forum_objects(people["leader"])
    other_board = Board(slug="walk-other", name="另一版块", group_name="化学")
    db.session.add(other_board)
    db.session.commit()
    call("GET", f"{API}/boards")
    call("GET", f"{API}/boards/{board.id}/threads")
    call("POST", f"{API}/boards/{board.id}/threads", h["member"], json={"title": "成员发的主题", "body": "正文", "tags": ["a"]})
    call("POST", f"{API}/boards/{board.id}/threads", h["member"], json={"title": "短"})
    call("GET", f"{API}/threads/{thread.id}", h["member"])
    reply = call("POST", f"{API}/threads/{thread.id}/posts", h["member"],
                 json={"body": "一条回复 @sa_leader", "quote_post_id": first.id}).get_json()
    call("GET", f"{API}/threads/{thread.id}/posts", h["member"])
    call("PATCH", f"{API}/posts/{reply['id']}", h["member"], json={"body": "改过的回复"})
    call("PATCH", f"{API}/posts/{reply['id']}", h["other"], json={"body": "别人改"})
    call("POST", f"{API}/posts/{first.id}/like", h["leader2"])
    call("POST", f"{API}/posts/{first.id}/like", h["leader2"])
    call("DELETE", f"{API}/posts/{first.id}/like", h["leader2"])
    call("POST", f"{API}/posts/{first.id}/like", h["leader"])  # own post: 409
    call("POST", f"{API}/posts/{first.id}/report", h["leader2"], json={"reason": "走查举报"})
    call("POST", f"{API}/posts/{reply['id']}/accept", h["leader"])
    call("POST", f"{API}/posts/{reply['id']}/accept", h["member"])
    call("POST", f"{API}/threads/{thread.id}/subscription", h["member"])
    call("DELETE", f"{API}/threads/{thread.id}/subscription", h["member"])
    for action in ("pin", "unpin", "lock"):
        call("POST", f"{API}/threads/{thread.id}/{action}", h["staff"], json={"reason": "走查"})
    call("POST", f"{API}/threads/{thread.id}/posts", h["member"], json={"body": "锁定后回复"})  # 409 thread_locked
    call("POST", f"{API}/threads/{thread.id}/unlock", h["staff"])
    call("POST", f"{API}/threads/{thread.id}/lock", h["member"])
    call("POST", f"{API}/threads/{thread.id}/move", h["staff"], json={"board_id": other_board.id})
    call("DELETE", f"{API}/posts/{reply['id']}", h["member"])
def walk_salons(call, people, h):
    """Salons: propose, file, review, register, cancel, calendar files, the report."""
    from datetime import timedelta

    from webapp.core.db import utcnow
    from webapp.core.timeutil import to_local
    from webapp.extensions import db
    from webapp.salons import services as salons

    start = to_local(utcnow() + timedelta(days=30)).replace(hour=14, minute=0, second=0, microsecond=0)
    iso = lambda moment: moment.isoformat(timespec="seconds")  # noqa: E731
    proposal = {"title": "青年学者沙龙：蛋白质结构预测", "discipline": "生命科学", "format": "online",
                "description": "交流蛋白质结构预测模型在药物设计中的应用。", "online_url": "https://meeting.example.cn/j/9",
                "capacity": 1, "requires_approval": False, "start": iso(start), "end": iso(start + timedelta(hours=2)),
                "registration_deadline": iso(start - timedelta(days=1)),
                "speakers": [{"name": "王教授", "affiliation": "某大学"}, {"user_id": people["other"].id}]}
    salon = call("POST", f"{API}/salons", h["member"], json=proposal).get_json()
    call("POST", f"{API}/salons", h["member"], json={**proposal, "capacity": 0, "start": "tomorrow"})
    url = f"{API}/salons/{salon['id']}"
    call("GET", url, h["member"])
    call("GET", url)  # a draft: 404
    call("POST", f"{url}/file", h["member"])
    call("POST", f"{url}/file", h["member"])  # already filed: 409
    call("POST", f"{url}/review", h["member"], json={"decision": "approve"})
    call("POST", f"{url}/review", h["staff"], json={"decision": "return"})  # no comment: 422
    call("POST", f"{url}/review", h["staff"], json={"decision": "approve", "comment": "同意举办"})
    call("POST", f"{url}/registration", h["admin"])
    call("POST", f"{url}/registration", h["admin"])  # again: 200
    call("POST", f"{url}/registration", h["leader"])  # full: waiting
    call("POST", f"{url}/registration", h["member"])  # the host: 409
    cancelled = call("DELETE", f"{url}/registration", h["admin"])
    assert cancelled.status_code == 200, cancelled.get_json()
    call("DELETE", f"{url}/registration", h["admin"])  # not registered: 409
    call("GET", url, h["leader"])
    call("GET", url)
    call("GET", f"{url}/ics")
    for query in ("", "?when=all&per_page=1", "?when=past", "?discipline=生命科学", "?mine=true&state=approved",
                  "?discipline=炼金术"):
        call("GET", f"{API}/salons{query}", h["member"])
    call("GET", f"{API}/salons/rooms")
    token = salons.feed_token(people["leader"], create=True)
    db.session.commit()
    call("GET", f"{API}/me/calendar.ics?token={token}")
    call("GET", f"{API}/me/calendar.ics?token=revoked")
    call("GET", f"{API}/me/calendar.ics")
    call("PATCH", f"{API}/me", h["member"], json={"birth_year": 1990})
    call("PATCH", f"{API}/me", h["member"], json={"birth_year": 1800})
    period = f"from={utcnow():%Y-%m-01}&to={utcnow() + timedelta(days=60):%Y-%m-%d}"
    call("GET", f"{API}/salons/report?{period}", h["staff"])
    call("GET", f"{API}/salons/report?{period}&format=csv", h["staff"])
    call("GET", f"{API}/salons/report?{period}", h["member"])
    call("GET", f"{API}/salons/report?from=x&to=y", h["staff"])


def _science_walk(call, people, h):
    import io as _io

    from tests.science_helpers import SAMPLE
    from webapp.extensions import db
    from webapp.science import services

    cats = call("GET", f"{API}/articles/categories").get_json()["items"]
    article = {"title": "黑洞的事件视界有多大", "summary": "史瓦西半径", "category_id": cats[0]["id"],
               "body": "不旋转黑洞的视界半径是 $r_s = 2GM/c^2$，太阳质量的黑洞约三千米。", "tags": ["天文"]}
    a = call("POST", f"{API}/articles", h["member"], json=article).get_json()
    call("POST", f"{API}/articles", h["member"], json={**article, "title": "短"})
    call("GET", f"{API}/articles/{a['id']}", h["member"])
    call("GET", f"{API}/articles/{a['id']}")  # a draft: 404
    call("POST", f"{API}/articles/{a['id']}/review", h["admin"], json={"decision": "approve"})  # 409
    call("POST", f"{API}/articles/{a['id']}/submit", h["member"])
    call("POST", f"{API}/articles/{a['id']}/submit", h["member"])  # 409
    call("POST", f"{API}/articles/{a['id']}/review", h["other"], json={"decision": "approve"})  # 404
    call("POST", f"{API}/articles/{a['id']}/review", h["admin"], json={"decision": "maybe"})  # 422
    call("POST", f"{API}/articles/{a['id']}/review", h["admin"], json={"decision": "approve", "comment": "好"})
    call("GET", f"{API}/articles/{a['id']}")
    for query in ("", "?category=popular", "?tag=天文", "?per_page=1&page=2", "?category=nope"):
        call("GET", f"{API}/articles{query}")
    video = services.create_video(people["member"], "认识电视测试图", "测试图", cats[0]["id"],
                                  _io.BytesIO((SAMPLE / "videos" / "sample.webm").read_bytes()),
                                  poster=_io.BytesIO(png()), tags=["天文"], duration=4, transcript="彩条")
    services.submit(people["member"], video)
    services.review(people["admin"], video, "approve")
    db.session.commit()
    call("GET", f"{API}/videos")
    call("GET", f"{API}/videos/{video.id}")
    call("GET", f"{API}/videos/999999")
    services.save_base(people["staff"], None, {"name": "中国科学技术馆", "type": "科技馆", "city": "北京",
                                               "lon": 116.442, "lat": 39.983})
    db.session.commit()
    for query in ("", "?type=science_museum", "?city=北京", "?bbox=115,39,117,41", "?bbox=x"):
        call("GET", f"{API}/map/bases{query}")
    call("GET", f"{API}/recommendations", h["member"])
    call("GET", f"{API}/recommendations")


def test_every_operation_answers_as_its_document_says(app, client, make_user, make_suggestion, suggestion_lists,
                                                      auth_headers, request):
    people = {
        "member": make_user("sa_member", display_name="提议人", bio="**简介** <b>x</b>"),
        "other": make_user("sa_other"),
        "staff": make_user("sa_staff", roles=["staff"]),
        "admin": make_user("sa_admin", roles=["member", "admin"]),
        "leader": make_user("sa_leader", roles=["leader"], verified=True, real_name="王领导"),
        "leader2": make_user("sa_leader2", roles=["leader"], verified=True, real_name="李领导"),
    }
    h = {key: auth_headers(user) for key, user in people.items()}
    call = Recorder(app, client)
    walk(call, people, h, make_suggestion, request.getfixturevalue("make_verification"), suggestion_lists)
    forum_walk(call, people, h)
    walk_salons(call, people, h)

    document = client.get(f"{API}/openapi.json").get_json()
    problems, answered = [], set()
    for method, path, resp in call.responses:
        operation = document["paths"][path][method]
        where = f"{method.upper()} {path} → {resp.status_code}"
        response = operation["responses"].get(str(resp.status_code))
        if response is None:
            problems.append(f"{where}: status not documented")
            continue
        if resp.status_code < 300:
            answered.add((method, path))
        if "content" not in response:
            assert resp.get_data() == b"", where
            continue
        if resp.mimetype != "application/json":  # a file the document declares (iCalendar, CSV)
            assert resp.mimetype in response["content"], where
            continue
        assert resp.mimetype == "application/json", where
        check = validator_for(document, response["content"]["application/json"]["schema"])
        problems += [f"{where}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
                     for e in check.iter_errors(resp.get_json())]
    assert problems == []
    documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert documented - answered == set(), "documented operations never answered with a 2xx in this walk"
