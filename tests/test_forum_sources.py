"""The forum's contributions to the site search and the chat: only public content gets a
document; board rooms are for logged-in members, posting for those not suspended."""
from datetime import timedelta

from tests.forum_helpers import board, make_reply, make_thread  # noqa: F401  (fixtures)
from webapp.forum import chat, search, services
from webapp.forum.models import Post, Thread


def _source(type_):
    return next(s for s in search.search_sources() if s["type"] == type_)


def test_thread_and_post_documents(app, make_thread, make_reply, make_user):
    thread = make_thread(title="量子退相干的讨论", body="正文 **加粗** <script>x</script>", tags=["量子"])
    reply = make_reply(make_user(verified=True), thread, "一条公开的回复")
    with app.test_request_context():
        doc = _source("thread")["document"](thread)
        assert doc["title"] == "量子退相干的讨论" and doc["tags"] == ["量子"] and doc["category"] == "物理学"
        assert "<" not in doc["body"] and "加粗" in doc["body"] and doc["url"] == f"/forum/threads/{thread.id}"
        assert doc["discipline"] == "数理" and doc["created_at"] == thread.created_at
        pdoc = _source("post")["document"](reply)
        assert pdoc["body"] == "一条公开的回复" and pdoc["url"].endswith("#p1")
        assert _source("post")["document"](services.first_post(thread)) is None  # in the thread's document
        assert list(_source("thread")["all"]()) == [thread]
        assert _source("thread")["model"] is Thread and _source("post")["model"] is Post
        assert _source("thread")["watch"][Post](services.first_post(thread)) == [thread.id]
        assert _source("post")["watch"][Thread](thread) == [reply.id]


def test_hidden_and_deleted_content_has_no_document(app, make_thread, make_reply, make_user, make_staff):
    staff = make_staff()
    thread = make_thread()
    author = make_user(verified=True)
    hidden, deleted = make_reply(author, thread, "将被隐藏"), make_reply(author, thread, "将被删除")
    services.hide_post(staff, hidden, "违规")
    services.delete_post(author, deleted)
    other = make_thread(title="首帖被隐藏的主题")
    services.hide_post(staff, services.first_post(other), "违规")
    gone = make_thread(author, title="首帖被删除的主题")
    services.delete_post(author, services.first_post(gone))
    with app.test_request_context():
        assert _source("post")["document"](hidden) is None
        assert _source("post")["document"](deleted) is None
        assert _source("thread")["document"](other) is None
        assert _source("thread")["document"](gone) is None


def test_board_rooms(app, board, make_user, make_staff, clock):
    room = chat.chat_rooms()[0]
    assert room["kind"] == "board" and room["load"](board.id) is board and room["load"]("x") is None
    assert room["load"](999999) is None and room["title"](board) == "物理学"
    with app.test_request_context():
        assert room["url"](board) == f"/forum/boards/{board.id}"
    from webapp.accounts.models import AnonymousUser

    member = make_user()
    assert not room["can_read"](AnonymousUser(), board) and room["rooms_for"](AnonymousUser()) == []
    assert room["can_read"](member, board) and room["can_post"](member, board)
    assert room["rooms_for"](member) == [board]
    services.suspend(make_staff(), member, clock.now + timedelta(days=1), "刷屏")
    assert room["can_read"](member, board) and not room["can_post"](member, board)
    member.suspended_at = clock.now
    assert not room["can_read"](member, board)
