"""The chat's Socket.IO protocol: authentication, room authorisation, validation, history and
catch-up, rate limit, moderation, typing, presence and live notifications."""
from datetime import timedelta

import pytest

from tests.chat_helpers import clubs, events, sock, socket_server  # noqa: F401  (fixtures)


def test_anonymous_connection_is_refused(sock):
    assert not sock().is_connected()


def test_bad_token_is_refused_and_good_token_connects(sock, make_member, api_token):
    assert not sock(token="not-a-token").is_connected()
    assert not sock(token=12345).is_connected()
    member = make_member()
    sc = sock(token=api_token(member))
    assert sc.is_connected()


def test_logged_out_session_cookie_does_not_connect(app, sock, make_member, login, post_form):
    member = make_member()
    client = app.test_client()
    login(client, member)
    cookie = client.get_cookie("session")
    post_form(client, "/logout", {})
    # The old cookie, replayed: its session version is stale.
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    assert not sock(client=replay).is_connected()


def test_logging_out_closes_the_sessions_sockets(app, sock, make_member, login, post_form):
    member = make_member()
    client = app.test_client()
    login(client, member)
    sc = sock(client=client)
    assert sc.is_connected()
    post_form(client, "/logout", {})
    assert not sc.is_connected()


def test_suspended_member_cannot_connect(sock, make_member, db):
    from webapp.core.db import utcnow

    member = make_member()
    member.suspended_at = utcnow()
    db.session.commit()
    assert not sock(member).is_connected()


def test_join_open_room_and_send_broadcasts_stored_message(sock, clubs, make_member, db):
    from webapp.chat.models import ChatMessage

    alice, bob = make_member(display_name="张华"), make_member()
    a, b = sock(alice), sock(bob)
    ack = a.emit("join", {"room": "club:1"}, callback=True)
    assert ack["room"] == "club:1" and ack["messages"] == [] and ack["permissions"]["post"] is True
    b.emit("join", {"room": "club:1"}, callback=True)
    b.get_received()
    sent = a.emit("send", {"room": "club:1", "text": "  大家好，@" + bob.username + " 请看 https://example.org  "}, callback=True)
    assert sent["id"] > 0 and sent["text"] == "大家好，@" + bob.username + " 请看 https://example.org"
    assert sent["author"]["display_name"] == "张华" and sent["created_at"].endswith("Z")
    stored = db.session.get(ChatMessage, sent["id"])
    assert stored.text == sent["text"] and stored.author_id == alice.id
    got = events(b, "message")
    assert [m["id"] for m in got] == [sent["id"]] and got[0]["room"] == "club:1"


def test_mention_notifies_live_with_unread_count(sock, clubs, make_member):
    alice, bob = make_member(), make_member()
    a, b = sock(alice), sock(bob)
    a.emit("join", {"room": "club:1"}, callback=True)
    b.get_received()
    a.emit("send", {"room": "club:1", "text": f"@{bob.username} 明天的报告准备好了吗"}, callback=True)
    notes = events(b, "notification")
    assert len(notes) == 1 and notes[0]["unread_count"] == 1 and notes[0]["link"] == "/chat/club:1"
    assert notes[0]["kind"] == "chat_mention"


def test_non_member_cannot_join_private_room(sock, clubs, make_member, make_staff):
    insider, outsider = make_member(), make_member()
    clubs[2].members.add(insider.id)
    out = sock(outsider)
    ack = out.emit("join", {"room": "club:2"}, callback=True)
    assert ack["error"]["code"] == "forbidden"
    assert events(out, "error")[0]["code"] == "forbidden"
    # Not joined, so a message there does not reach them; sending is refused too.
    inside = sock(insider)
    assert "error" not in inside.emit("join", {"room": "club:2"}, callback=True)
    inside.emit("send", {"room": "club:2", "text": "内部讨论"}, callback=True)
    assert events(out, "message") == []
    assert out.emit("send", {"room": "club:2", "text": "我也想说"}, callback=True)["error"]["code"] == "forbidden"
    assert "error" not in sock(make_staff()).emit("join", {"room": "club:2"}, callback=True)


@pytest.mark.parametrize("payload, field", [
    ({"room": "club:1", "text": ""}, "text"),
    ({"room": "club:1", "text": "字" * 2001}, "text"),
    ({"room": "club:1", "text": 42}, "text"),
    ({"room": "club:1"}, "text"),
    ({"room": ["club:1"], "text": "hi"}, "room"),
])
def test_invalid_send_payload_gets_validation_error(sock, clubs, make_member, payload, field):
    sc = sock(make_member())
    sc.emit("join", {"room": "club:1"}, callback=True)
    ack = sc.emit("send", payload, callback=True)
    assert ack["error"]["code"] == "validation_error" and field in ack["error"]["fields"]
    assert sc.is_connected()


def test_garbage_events_answer_errors_and_keep_the_connection(sock, clubs, make_member):
    sc = sock(make_member())
    for name, payload in [("join", "club:1"), ("join", None), ("join", {"room": "nope"}),
                          ("join", {"room": "club:999"}), ("join", {"room": "club:1", "last_id": "3"}),
                          ("read", {"room": "club:1", "last_id": -1}), ("history", {"room": "club:1"}),
                          ("typing", {"room": "club:1"}), ("send", {"room": "dm:0", "text": "x"})]:
        ack = sc.emit(name, payload, callback=True)
        assert ack["error"]["code"] in {"validation_error", "not_found", "not_joined"}, (name, payload, ack)
    assert sc.is_connected()
    assert "error" not in sc.emit("join", {"room": "club:1"}, callback=True)


def test_only_whitespace_text_is_refused_by_the_service(sock, clubs, make_member):
    sc = sock(make_member())
    sc.emit("join", {"room": "club:1"}, callback=True)
    ack = sc.emit("send", {"room": "club:1", "text": " \n\t "}, callback=True)
    assert ack["error"]["code"] == "validation_error" and "text" in ack["error"]["fields"]


def test_history_latest_fifty_then_older(sock, clubs, make_member, db):
    from webapp.chat import services
    from webapp.chat.rooms import resolve

    author = make_member()
    room = resolve("club:1", author)
    ids = []
    for i in range(60):
        ids.append(services.post_message(author, room, f"第 {i} 条").id)
        from webapp.core import ratelimit
        ratelimit.reset(f"chat:send:{author.id}")
    db.session.commit()
    sc = sock(make_member())
    ack = sc.emit("join", {"room": "club:1"}, callback=True)
    assert [m["id"] for m in ack["messages"]] == ids[-50:] and ack["has_more"] is True
    older = sc.emit("history", {"room": "club:1", "before_id": ids[-50]}, callback=True)
    assert [m["id"] for m in older["messages"]] == ids[:10] and older["has_more"] is False


def test_reconnect_catches_up_without_gaps_or_duplicates(sock, clubs, make_member):
    alice, bob = make_member(), make_member()
    a = sock(alice)
    a.emit("join", {"room": "club:1"}, callback=True)
    first = a.emit("send", {"room": "club:1", "text": "一"}, callback=True)
    b = sock(bob)
    seen = [m["id"] for m in b.emit("join", {"room": "club:1"}, callback=True)["messages"]]
    b.disconnect()  # bob's connection drops
    missed = [a.emit("send", {"room": "club:1", "text": t}, callback=True)["id"] for t in ("二", "三")]
    b = sock(bob)
    ack = b.emit("join", {"room": "club:1", "last_id": seen[-1]}, callback=True)
    assert [m["id"] for m in ack["messages"]] == missed and ack["complete"] is True
    assert seen == [first["id"]]
    # A later message arrives live, once.
    b.get_received()
    live = a.emit("send", {"room": "club:1", "text": "四"}, callback=True)
    assert [m["id"] for m in events(b, "message")] == [live["id"]]


def test_rate_limit_answers_with_a_clear_message(sock, clubs, make_member, app):
    sc = sock(make_member())
    sc.emit("join", {"room": "club:1"}, callback=True)
    limit = app.config["CHAT_RATE_LIMIT"]
    for i in range(limit):
        assert "error" not in sc.emit("send", {"room": "club:1", "text": f"消息 {i}"}, callback=True)
    ack = sc.emit("send", {"room": "club:1", "text": "太快了"}, callback=True)
    assert ack["error"]["code"] == "rate_limited" and "发送过于频繁" in ack["error"]["message"]
    assert ack["error"]["retry_after"] >= 1


def test_staff_delete_is_broadcast_and_leaves_history(sock, clubs, make_member, make_staff):
    from webapp.core.audit import query_log

    author, reader, staff = make_member(), make_member(), make_staff()
    a, r, s = sock(author), sock(reader), sock(staff)
    for c in (a, r, s):
        c.emit("join", {"room": "club:1"}, callback=True)
    sent = a.emit("send", {"room": "club:1", "text": "广告内容"}, callback=True)
    assert a.emit("delete", {"room": "club:1", "id": sent["id"]}, callback=True)["error"]["code"] == "forbidden"
    r.get_received()
    assert s.emit("delete", {"room": "club:1", "id": sent["id"]}, callback=True) == {"room": "club:1", "id": sent["id"]}
    assert events(r, "message_deleted") == [{"id": sent["id"], "room": "club:1"}]
    assert sent["id"] not in [m["id"] for m in sock(reader).emit("join", {"room": "club:1"}, callback=True)["messages"]]
    assert query_log(action="chat_message_deleted").count() == 1


def test_muted_member_cannot_send_until_the_mute_ends(sock, clubs, make_member, make_staff, clock):
    member, staff = make_member(), make_staff()
    m, s = sock(member), sock(staff)
    m.emit("join", {"room": "club:1"}, callback=True)
    ack = s.emit("mute", {"room": "club:1", "user_id": member.id, "minutes": 30, "reason": "刷屏"}, callback=True)
    assert ack["until"].endswith("Z")
    refused = m.emit("send", {"room": "club:1", "text": "还能说话吗"}, callback=True)
    assert refused["error"]["code"] == "muted" and "禁言" in refused["error"]["message"]
    clock.set(clock.now + timedelta(minutes=31))
    assert "error" not in m.emit("send", {"room": "club:1", "text": "禁言结束了"}, callback=True)
    assert m.emit("mute", {"room": "club:1", "user_id": staff.id, "minutes": 5}, callback=True)["error"]["code"] == "forbidden"


def test_typing_and_presence_reach_the_others(sock, clubs, make_member):
    alice, bob = make_member(display_name="甲"), make_member(display_name="乙")
    a, b = sock(alice), sock(bob)
    a.emit("join", {"room": "club:1"}, callback=True)
    ack = b.emit("join", {"room": "club:1"}, callback=True)
    assert {p["display_name"] for p in ack["people"]} == {"甲", "乙"}
    assert events(a, "presence")[-1]["people"][1]["display_name"] in {"甲", "乙"}
    b.emit("typing", {"room": "club:1"}, callback=True)
    assert events(a, "typing") == [{"room": "club:1", "user": {"id": bob.id, "username": bob.username, "display_name": "乙"}}]
    assert events(b, "typing") == []
    b.disconnect()
    assert [p["display_name"] for p in events(a, "presence")[-1]["people"]] == ["甲"]


def test_direct_messages_reach_only_the_pair_named_for_each(sock, make_member):
    alice, bob, eve = make_member(), make_member(), make_member()
    a, b, e = sock(alice), sock(bob), sock(eve)
    a.emit("join", {"room": f"dm:{bob.id}"}, callback=True)
    sent = a.emit("send", {"room": f"dm:{bob.id}", "text": "私下聊聊"}, callback=True)
    assert sent["room"] == f"dm:{bob.id}"
    got = events(b, "message")  # bob has not opened the room: it reaches his personal room
    assert [(m["id"], m["room"]) for m in got] == [(sent["id"], f"dm:{alice.id}")]
    assert events(e, "message") == []
    assert e.emit("join", {"room": f"dm:{eve.id}"}, callback=True)["error"]["code"] == "not_found"
    ack = b.emit("join", {"room": f"dm:{alice.id}"}, callback=True)
    assert [m["text"] for m in ack["messages"]] == ["私下聊聊"]


def test_read_marker_clears_unread_count(sock, clubs, make_member):
    from webapp.chat import services
    from webapp.chat.rooms import resolve

    alice, bob = make_member(), make_member()
    a = sock(alice)
    a.emit("join", {"room": "club:1"}, callback=True)
    ids = [a.emit("send", {"room": "club:1", "text": t}, callback=True)["id"] for t in ("甲", "乙", "丙")]
    room = resolve("club:1", bob)
    assert services.unread_counts(bob, [room]) == {"club:1": 3}
    b = sock(bob)
    b.emit("join", {"room": "club:1"}, callback=True)
    assert b.emit("read", {"room": "club:1", "last_id": ids[1]}, callback=True)["last_read_id"] == ids[1]
    assert services.unread_counts(bob, [room]) == {"club:1": 1}
    b.emit("read", {"room": "club:1", "last_id": 10**9}, callback=True)  # never past the newest
    assert services.unread_counts(bob, [room]) == {}
    assert services.unread_counts(alice, [room]) == {}  # one's own messages are not unread


@pytest.mark.real_commits
def test_message_is_committed_before_it_is_broadcast(sock, clubs, make_member, db, monkeypatch):
    """At the moment `message` goes out, another connection already reads the row."""
    from sqlalchemy import text

    from webapp.chat import live

    alice = make_member()
    db.session.commit()
    seen_by_other_connection = []
    real_emit = live.socketio.emit

    def checking_emit(event, data=None, **kw):
        if event == "message":
            with db.engine.connect() as other:
                row = other.execute(text("SELECT text FROM chat_messages WHERE id = :id"), {"id": data["id"]}).first()
            seen_by_other_connection.append(row[0] if row else None)
        return real_emit(event, data, **kw)

    monkeypatch.setattr(live.socketio, "emit", checking_emit)
    a = sock(alice)
    a.emit("join", {"room": "club:1"}, callback=True)
    sent = a.emit("send", {"room": "club:1", "text": "先提交，后广播"}, callback=True)
    assert seen_by_other_connection == ["先提交，后广播"]
    # A refused send broadcasts nothing and stores nothing.
    a.emit("send", {"room": "club:1", "text": ""}, callback=True)
    assert seen_by_other_connection == ["先提交，后广播"]
    # "Restart": a new connection on fresh database connections; the history comes from the database
    # (tests/test_chat_processes.py restarts a real server process).
    a.disconnect()
    db.session.remove()
    db.engine.dispose()
    ack = sock(make_member()).emit("join", {"room": "club:1"}, callback=True)
    assert [m["id"] for m in ack["messages"]] == [sent["id"]]
