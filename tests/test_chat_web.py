"""Chat pages: the rooms list with unread counts, a room (server-rendered history, posting
without scripts), direct messages, moderation forms, and what strangers may not see."""
from tests.chat_helpers import clubs  # noqa: F401  (fixture)
from tests.web_helpers import html


def _post(client, room, text, post_form):
    return post_form(client, f"/chat/{room}/messages", {"text": text})


def test_room_pages_need_login(client, clubs):
    for path in ("/chat/", "/chat/club:1", "/chat/dm?username=x"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_post_without_scripts_then_history_and_unread(app, clubs, make_member, login, post_form):
    alice, bob = make_member(display_name="王磊"), make_member()
    a, b = app.test_client(), app.test_client()
    login(a, alice)
    login(b, bob)
    resp = _post(a, "club:1", "<script>alert(1)</script> 见 https://example.org/a?b=1 @" + bob.username, post_form)
    assert resp.status_code == 302 and "/chat/club:1#m" in resp.headers["Location"]
    page = html(b.get("/chat/"))
    assert "物理学交流室" in page and 'chat-unread">1<' in page
    room = html(b.get("/chat/club:1"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in room and "<script>alert" not in room
    assert '<a href="https://example.org/a?b=1" rel="nofollow noopener" target="_blank">' in room
    assert f'href="/u/{bob.username}" class="chat-mention">@{bob.username}</a>' in room


def test_empty_message_shows_the_form_error(app, clubs, make_member, login, post_form):
    client = app.test_client()
    login(client, make_member())
    resp = _post(client, "club:1", "   ", post_form)
    assert resp.status_code == 422
    page = html(resp)
    assert "error-summary" in page and "请输入消息内容" in page


def test_private_room_is_forbidden_and_unknown_rooms_missing(app, clubs, make_member, login, post_form):
    client = app.test_client()
    stranger = make_member()
    login(client, stranger)
    assert client.get("/chat/club:2").status_code == 403
    assert _post(client, "club:2", "你好", post_form).status_code == 403
    for name in ("club:99", "nothing:1", "dm:99999", f"dm:{stranger.id}", "club:0", "club:99999999999"):
        assert client.get(f"/chat/{name}").status_code == 404, name
    page = html(client.get("/chat/"))
    assert "量子计算青年沙龙" not in page and "物理学交流室" in page


def test_direct_message_by_username(app, make_member, login, post_form):
    alice, bob = make_member(), make_member(display_name="陈晨")
    client = app.test_client()
    login(client, alice)
    resp = client.get(f"/chat/dm?username={bob.username}")
    assert resp.headers["Location"].endswith(f"/chat/dm:{bob.id}")
    assert "与 陈晨 的私信" in html(client.get(f"/chat/dm:{bob.id}"))
    assert client.get("/chat/dm?username=nobody-here").status_code == 404
    assert client.get(f"/chat/dm?username={alice.username}").status_code == 404
    _post(client, f"dm:{bob.id}", "周五组会见", post_form)
    other = app.test_client()
    login(other, bob)
    page = html(other.get("/chat/"))
    assert f"/chat/dm:{alice.id}" in page and 'chat-unread">1<' in page


def test_staff_delete_and_mute_forms(app, clubs, make_member, make_staff, login, post_form):
    member, staff = make_member(), make_staff()
    mc, sc = app.test_client(), app.test_client()
    login(mc, member)
    login(sc, staff)
    _post(mc, "club:1", "违规内容", post_form)
    from webapp.chat.models import ChatMessage

    message = ChatMessage.query.filter_by(text="违规内容").one()
    assert "删除这条消息" not in html(mc.get("/chat/club:1"))
    assert post_form(mc, f"/chat/club:1/messages/{message.id}/delete", {}).status_code == 302
    assert message.deleted_at is None
    post_form(sc, f"/chat/club:1/messages/{message.id}/delete", {})
    assert message.deleted_at is not None and "违规内容" not in html(mc.get("/chat/club:1"))
    bad = post_form(sc, "/chat/club:1/mutes", {"username": "nobody", "minutes": "10"})
    assert bad.status_code == 422 and "找不到该用户" in html(bad)
    post_form(sc, "/chat/club:1/mutes", {"username": member.username, "minutes": "10", "reason": "刷屏"})
    refused = html(mc.get("/chat/club:1"))
    assert "已被禁言" in refused and 'id="chat-form"' not in refused
    assert _post(mc, "club:1", "我还想说", post_form).status_code == 403
    post_form(sc, f"/chat/club:1/mutes/{member.id}/lift", {})
    assert 'id="chat-form"' in html(mc.get("/chat/club:1"))
    assert post_form(mc, "/chat/club:1/mutes", {"username": staff.username, "minutes": "10"}).status_code == 403


def test_older_page_links_back(app, clubs, make_member, login, db):
    from webapp.chat import services
    from webapp.chat.rooms import resolve
    from webapp.core import ratelimit

    author = make_member()
    room = resolve("club:1", author)
    ids = []
    for i in range(55):
        ids.append(services.post_message(author, room, f"消息{i}").id)
        ratelimit.reset(f"chat:send:{author.id}")
    db.session.commit()
    client = app.test_client()
    login(client, author)
    page = html(client.get("/chat/club:1"))
    assert f'data-before="{ids[5]}"' in page and "消息4<" not in page
    older = html(client.get(f"/chat/club:1?before={ids[5]}"))
    assert "消息0<" in older and "消息5<" not in older and "回到最新消息" in older
    assert client.get("/chat/club:1?before=abc").status_code == 404
