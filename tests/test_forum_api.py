"""The forum API: the fields clients rely on, the 409 of a locked thread, likes, reports,
subscriptions, accepted answers and the staff's moderation."""
from tests.forum_helpers import board, make_reply, make_thread  # noqa: F401  (fixtures)
from webapp.core.models import AuditLog
from webapp.extensions import db
from webapp.forum import services


def test_create_thread_answers_201_with_the_documented_fields(client, make_user, auth_headers, board):
    user = make_user(verified=True)
    resp = client.post(f"/api/v1/boards/{board.id}/threads", headers=auth_headers(user), json={
        "title": "关于薛定谔方程数值解的讨论", "body": "用 $\\psi$ 表示波函数。", "tags": ["量子力学", "数值计算"],
        "kind": "question"})
    assert resp.status_code == 201, resp.json
    t = resp.json
    for key in ("id", "url", "title", "board_id", "tags", "kind", "locked", "pinned", "post_count", "first_post"):
        assert key in t
    assert t["kind"] == "question" and t["tags"] == ["量子力学", "数值计算"] and t["post_count"] == 1
    assert t["url"] == f"/forum/threads/{t['id']}" and t["board_id"] == board.id
    assert "body_html" in t["first_post"] and t["first_post"]["author"]["username"] == user.username


def test_create_thread_reports_every_bad_field(client, make_user, auth_headers, board):
    resp = client.post(f"/api/v1/boards/{board.id}/threads", headers=auth_headers(make_user(verified=True)),
                       json={"title": "短", "body": "", "kind": "poll", "tags": ["x" * 21]})
    assert resp.status_code == 422
    assert {"title", "body", "kind", "tags"} <= set(resp.json["error"]["fields"])


def test_posts_carry_the_documented_fields_and_liked(client, make_user, auth_headers, make_thread):
    thread = make_thread()
    first = services.first_post(thread)
    user = make_user(verified=True)
    h = auth_headers(user)
    resp = client.post(f"/api/v1/threads/{thread.id}/posts", headers=h,
                       json={"body": "引用并回复 @nobody", "quote_post_id": first.id})
    assert resp.status_code == 201, resp.json
    p = resp.json
    for key in ("id", "url", "thread_id", "author", "body_html", "like_count", "liked", "edited", "created_at"):
        assert key in p
    assert p["thread_id"] == thread.id and p["liked"] is False and "<blockquote>" in p["body_html"]
    assert client.post(f"/api/v1/posts/{first.id}/like", headers=h).status_code == 201
    assert client.post(f"/api/v1/posts/{first.id}/like", headers=h).status_code == 200
    listing = client.get(f"/api/v1/threads/{thread.id}/posts", headers=h).json
    assert listing["total"] == 2 and listing["items"][0]["liked"] is True and listing["items"][0]["like_count"] == 1
    resp = client.delete(f"/api/v1/posts/{first.id}/like", headers=h)
    assert resp.status_code == 200 and resp.json["like_count"] == 0 and resp.json["liked"] is False


def test_reply_to_a_locked_thread_is_409_thread_locked(client, make_user, make_staff, auth_headers, make_thread):
    thread = make_thread()
    staff_h = auth_headers(make_staff())
    assert client.post(f"/api/v1/threads/{thread.id}/lock", headers=staff_h, json={"reason": "讨论已充分"}).json["locked"]
    resp = client.post(f"/api/v1/threads/{thread.id}/posts", headers=auth_headers(make_user(verified=True)),
                       json={"body": "还想回复"})
    assert resp.status_code == 409 and resp.json["error"]["code"] == "thread_locked"


def test_edit_and_delete_own_post(client, make_user, auth_headers, make_thread, make_reply):
    thread = make_thread()
    author = make_user(verified=True)
    post = make_reply(author, thread, "原来的回复")
    h = auth_headers(author)
    resp = client.patch(f"/api/v1/posts/{post.id}", headers=h, json={"body": "修改后的回复"})
    assert resp.status_code == 200 and resp.json["edited"] is True and "修改后的回复" in resp.json["body_html"]
    other = auth_headers(make_user(verified=True))
    assert client.patch(f"/api/v1/posts/{post.id}", headers=other, json={"body": "别人改"}).status_code == 403
    resp = client.delete(f"/api/v1/posts/{post.id}", headers=h)
    assert resp.status_code == 200 and resp.json["deleted"] is True and resp.json["body_html"] is None


def test_report_subscription_and_accept(client, make_user, auth_headers, make_thread, make_reply):
    asker = make_user(verified=True)
    thread = make_thread(asker, kind="question", title="一个问题的标题")
    answerer = make_user(verified=True)
    answer = make_reply(answerer, thread, "这是答案")
    h = auth_headers(asker)
    resp = client.post(f"/api/v1/posts/{answer.id}/report", headers=h, json={"reason": "测试举报"})
    assert resp.status_code == 201 and resp.json["state"] == "open"
    resp = client.delete(f"/api/v1/threads/{thread.id}/subscription", headers=h)
    assert resp.status_code == 200 and resp.json["muted"] is True
    resp = client.post(f"/api/v1/threads/{thread.id}/subscription", headers=h)
    assert resp.json["subscribed"] is True and resp.json["muted"] is False
    assert client.post(f"/api/v1/posts/{answer.id}/accept", headers=auth_headers(answerer)).status_code == 403
    resp = client.post(f"/api/v1/posts/{answer.id}/accept", headers=h)
    assert resp.status_code == 200 and resp.json["accepted"] is True
    assert client.get(f"/api/v1/threads/{thread.id}").json["accepted_post_id"] == answer.id


def test_staff_moderation_through_the_api(client, make_user, make_staff, auth_headers, make_thread, board):
    from webapp.forum.models import Board

    thread = make_thread()
    other = Board(slug="bio", name="生物学", group_name="生命科学")
    db.session.add(other)
    db.session.commit()
    member_h = auth_headers(make_user())
    assert client.post(f"/api/v1/threads/{thread.id}/pin", headers=member_h).status_code == 403
    h = auth_headers(make_staff())
    assert client.post(f"/api/v1/threads/{thread.id}/pin", headers=h).json["pinned"] is True
    assert client.post(f"/api/v1/threads/{thread.id}/pin", headers=h).status_code == 409
    assert client.post(f"/api/v1/threads/{thread.id}/unpin", headers=h).json["pinned"] is False
    assert client.post(f"/api/v1/threads/{thread.id}/lock", headers=h).json["locked"] is True
    assert client.post(f"/api/v1/threads/{thread.id}/unlock", headers=h).json["locked"] is False
    resp = client.post(f"/api/v1/threads/{thread.id}/move", headers=h, json={"board_id": other.id, "reason": "更合适"})
    assert resp.status_code == 200 and resp.json["board_id"] == other.id
    assert AuditLog.query.filter(AuditLog.action.like("forum.%")).count() == 5


def test_boards_and_threads_lists(client, make_thread, board):
    make_thread(title="第一个主题标题")
    boards = client.get("/api/v1/boards").json
    assert boards["total"] == 1 and boards["items"][0]["group"] == "数理"
    threads = client.get(f"/api/v1/boards/{board.id}/threads").json
    assert threads["total"] == 1 and threads["items"][0]["title"] == "第一个主题标题"
    assert client.get("/api/v1/boards/999999/threads").status_code == 404
