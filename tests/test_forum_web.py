"""The forum's pages: browsing, posting with an image, replying (and the 409 of a locked
thread), editing, likes, reports and the staff's moderation, read marks by POST only."""
import io
import re

from PIL import Image

from tests.forum_helpers import board, make_reply, make_thread  # noqa: F401  (fixtures)
from tests.web_helpers import html
from webapp.core.models import AuditLog
from webapp.extensions import db
from webapp.forum import services
from webapp.forum.models import Post, Report, Thread


def png_bytes():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def test_index_board_and_thread_pages(client, make_thread, make_reply, make_user, board):
    thread = make_thread(title="超导量子比特的退相干", tags=["量子计算"])
    make_reply(make_user(verified=True), thread, "回复里有 **粗体**")
    page = html(client.get("/forum/"))
    assert "物理学" in page and "数理" in page
    page = html(client.get(f"/forum/boards/{board.id}"))
    assert "超导量子比特的退相干" in page and "量子计算" in page
    resp = client.get(f"/forum/threads/{thread.id}")
    assert resp.status_code == 200 and "<strong>粗体</strong>" in html(resp)
    assert client.get("/forum/threads/999999").status_code == 404
    assert client.get(f"/forum/threads/{thread.id}?page=99").status_code == 200


def test_post_a_thread_with_an_image_and_reply(client, login, post_form, make_user, board):
    user = make_user(verified=True)
    login(client, user)
    resp = post_form(client, f"/forum/boards/{board.id}/new", {
        "title": "带图片和公式的主题", "kind": "question", "tags": "光学, 激光", "body": "公式 $E=mc^2$",
        "image": (io.BytesIO(png_bytes()), "x.png")}, content_type="multipart/form-data")
    assert resp.status_code == 302, html(resp)
    thread = Thread.query.filter_by(title="带图片和公式的主题").one()
    assert thread.tags == ["光学", "激光"] and thread.kind == "question"
    first = services.first_post(thread)
    src = re.search(r'<img[^>]+src="(/forum/uploads/[0-9a-f]+\.png)"', first.body_html).group(1)
    image = client.get(src)
    assert image.status_code == 200 and image.mimetype == "image/png"
    resp = post_form(client, f"/forum/threads/{thread.id}/reply", {"body": "自己补充一句"})
    assert resp.status_code == 302 and resp.location.endswith("#p1")


def test_bad_input_is_shown_in_the_form(client, login, post_form, make_user, board):
    login(client, make_user(verified=True))
    resp = post_form(client, f"/forum/boards/{board.id}/new", {"title": "短", "body": ""})
    assert resp.status_code == 422 and "error-summary" in html(resp)
    resp = post_form(client, f"/forum/boards/{board.id}/new", {
        "title": "不是图片的图片", "body": "正文内容",
        "image": (io.BytesIO(b"not an image"), "x.png")}, content_type="multipart/form-data")
    assert resp.status_code == 422 and "图片" in html(resp)


def test_reply_to_a_locked_thread_is_a_409_in_the_page(client, login, post_form, make_thread, make_user, make_staff):
    thread = make_thread()
    services.lock(make_staff(), thread, "讨论已充分")
    db.session.commit()
    login(client, make_user(verified=True))
    resp = post_form(client, f"/forum/threads/{thread.id}/reply", {"body": "锁了还想回"})
    assert resp.status_code == 409 and "该主题已锁定" in html(resp)
    assert Post.query.filter_by(thread_id=thread.id).count() == 1


def test_quote_button_prefills_the_reply_form(client, login, post_form, make_thread, make_user):
    thread = make_thread()
    first = services.first_post(thread)
    login(client, make_user(verified=True))
    page = html(client.get(f"/forum/threads/{thread.id}?quote={first.id}"))
    assert f'value="{first.id}"' in page and "引用" in page
    resp = post_form(client, f"/forum/threads/{thread.id}/reply", {"body": "同意楼主", "quote_post_id": str(first.id)})
    assert resp.status_code == 302
    reply = Post.query.filter_by(thread_id=thread.id, number=1).one()
    assert reply.quote_post_id == first.id and "<blockquote>" in reply.body_html


def test_a_get_writes_nothing_and_the_read_mark_is_a_post(client, login, post_form, make_thread, make_reply,
                                                           make_user, count_queries=None):
    from sqlalchemy import event

    thread = make_thread()
    make_reply(make_user(verified=True), thread)
    reader = make_user()
    login(client, reader)
    writes = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(f"/forum/threads/{thread.id}").status_code == 200
        assert client.get(f"/forum/boards/{thread.board_id}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [w for w in writes if "forum" in w] == []
    assert post_form(client, f"/forum/threads/{thread.id}/read", {"number": "0"}).status_code == 204
    page = html(client.get(f"/forum/boards/{thread.board_id}"))
    assert "有新回复" in page
    resp = client.get(f"/forum/threads/{thread.id}/unread")
    assert resp.status_code == 302 and resp.location.endswith("#p1")


def test_like_edit_delete_report_from_the_page(client, login, post_form, make_thread, make_user):
    author = make_user(verified=True)
    thread = make_thread(author, body="原始内容")
    first = services.first_post(thread)
    fan = make_user()
    login(client, fan)
    post_form(client, f"/forum/posts/{first.id}/like")
    post_form(client, f"/forum/posts/{first.id}/like")  # a second like changes nothing
    db.session.refresh(first)
    assert first.like_count == 1
    resp = post_form(client, f"/forum/posts/{first.id}/report", {"reason": ""})
    assert resp.status_code == 422
    post_form(client, f"/forum/posts/{first.id}/report", {"reason": "含有广告"})
    assert Report.query.filter_by(post_id=first.id).count() == 1
    client2 = client.application.test_client()
    login(client2, author)
    resp = post_form(client2, f"/forum/posts/{first.id}/edit", {"body": "修改后的内容", "title": thread.title, "tags": ""})
    assert resp.status_code == 302
    page = html(client2.get(f"/forum/threads/{thread.id}"))
    assert "已编辑" in page and "修改后的内容" in page
    assert client2.get(f"/forum/posts/{first.id}/history").status_code == 200


def test_staff_moderation_queue_and_actions_are_audited(client, login, post_form, make_thread, make_reply,
                                                        make_user, make_staff, board):
    from webapp.forum.models import Board

    thread = make_thread()
    spammer = make_user(verified=True, username="spammer")
    bad = make_reply(spammer, thread, "广告内容")
    reporter = make_user()
    services.report(reporter, bad, "这是广告")
    db.session.commit()
    staff = make_staff()
    login(client, staff)
    page = html(client.get("/forum/moderation"))
    assert "这是广告" in page
    post_form(client, f"/forum/posts/{bad.id}/hide", {"reason": "广告"})
    db.session.refresh(bad)
    assert bad.hidden_at is not None
    other = Board(slug="chem", name="化学", group_name="化学")
    db.session.add(other)
    db.session.commit()
    for action in ("lock", "unlock", "pin", "unpin"):
        post_form(client, f"/forum/threads/{thread.id}/moderate", {"action": action, "reason": "测试"})
    post_form(client, f"/forum/threads/{thread.id}/moderate", {"action": "move", "board_id": str(other.id)})
    db.session.refresh(thread)
    assert thread.board_id == other.id
    resp = post_form(client, "/forum/moderation", {"username": "spammer", "until": "2099-01-01", "reason": "广告"})
    assert resp.status_code == 302
    actions = {a for (a,) in db.session.query(AuditLog.action).filter(AuditLog.action.like("forum.%"))}
    assert actions == {"forum.hide_post", "forum.lock_thread", "forum.unlock_thread", "forum.pin_thread",
                       "forum.unpin_thread", "forum.move_thread", "forum.suspend_user"}
    assert all(a.actor_id == staff.id for a in AuditLog.query.filter(AuditLog.action.like("forum.%")))


def test_members_cannot_use_moderation_pages(client, login, make_user, make_thread, post_form):
    thread = make_thread()
    login(client, make_user())
    assert client.get("/forum/moderation").status_code == 403
    assert post_form(client, f"/forum/threads/{thread.id}/moderate", {"action": "lock"}).status_code == 403


def test_staff_create_and_reorder_boards(client, login, post_form, make_staff, board):
    from webapp.forum.models import Board

    login(client, make_staff())
    resp = post_form(client, "/forum/manage/boards", {"slug": "chemistry", "name": "化学", "group_name": "化学",
                                                      "description": "有机与无机", "position": "0"})
    assert resp.status_code == 302
    assert [b.slug for b in services.boards()] == ["chemistry", "physics"]
    assert f'value="{board.name}"' in html(client.get(f"/forum/manage/boards?board_id={board.id}"))
    post_form(client, "/forum/manage/boards", {"board_id": str(board.id), "slug": "physics", "name": "物理学",
                                               "group_name": "数理", "position": "-1"})
    assert [b.slug for b in services.boards()] == ["physics", "chemistry"]
    resp = post_form(client, "/forum/manage/boards", {"slug": "Bad Slug", "name": ""})
    assert resp.status_code == 422 and Board.query.count() == 2
