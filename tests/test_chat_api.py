"""Chat over HTTP: the caller's rooms with unread counts, and a room's history by page."""
from tests.chat_helpers import clubs  # noqa: F401  (fixture)


def test_rooms_list_with_unread_counts_only_the_callers(client, clubs, make_member, auth_headers, db):
    from webapp.chat import services

    alice, bob, eve = make_member(), make_member(display_name="吴工"), make_member()
    clubs[2].members.add(alice.id)
    services.post_message(bob, services.dm_room(bob, alice), "资料已发到邮箱")
    db.session.commit()
    body = client.get("/api/v1/chat/rooms", headers=auth_headers(alice)).get_json()
    rooms = {r["name"]: r for r in body["items"]}
    assert set(rooms) == {"club:1", "club:2", f"dm:{bob.id}"} and body["total"] == 3
    assert rooms[f"dm:{bob.id}"]["unread"] == 1 and rooms[f"dm:{bob.id}"]["title"] == "与 吴工 的私信"
    assert rooms[f"dm:{bob.id}"]["chat_url"] == f"/chat/dm:{bob.id}"
    names = {r["name"] for r in client.get("/api/v1/chat/rooms", headers=auth_headers(eve)).get_json()["items"]}
    assert names == {"club:1"}  # neither the private club nor the others' direct messages
    assert client.get("/api/v1/chat/rooms").status_code == 401


def test_history_pages_and_catch_up(client, clubs, make_member, auth_headers, db):
    from webapp.chat import services
    from webapp.chat.rooms import resolve
    from webapp.core import ratelimit

    author, stranger = make_member(), make_member()
    ids = []
    for i in range(53):
        ids.append(services.post_message(author, resolve("club:1", author), f"第{i}条").id)
        ratelimit.reset(f"chat:send:{author.id}")
    db.session.commit()
    h = auth_headers(author)
    latest = client.get("/api/v1/chat/rooms/club:1/messages", headers=h).get_json()
    assert [m["id"] for m in latest["items"]] == ids[-50:] and latest["has_more"] is True
    older = client.get(f"/api/v1/chat/rooms/club:1/messages?before_id={ids[3]}", headers=h).get_json()
    assert [m["id"] for m in older["items"]] == ids[:3] and older["has_more"] is False
    newer = client.get(f"/api/v1/chat/rooms/club:1/messages?after_id={ids[50]}", headers=h).get_json()
    assert [m["id"] for m in newer["items"]] == ids[51:]
    clubs[2].members.add(author.id)
    assert client.get("/api/v1/chat/rooms/club:2/messages", headers=auth_headers(stranger)).status_code == 403
    resp = client.get("/api/v1/chat/rooms/club:1/messages?before_id=abc", headers=h)
    assert resp.status_code == 422 and "before_id" in resp.get_json()["error"]["fields"]
