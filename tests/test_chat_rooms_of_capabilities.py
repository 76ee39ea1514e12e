"""Each forum board and each salon has its chat room (collected from forum/chat.py and
salons/chat.py): the board and salon pages link to it for those who may read it, and the room
page lets exactly them in."""
from tests.salon_helpers import make_room, make_salon  # noqa: F401  (fixtures)
from tests.staff_helpers import signed_in  # noqa: F401  (fixture)


def test_a_board_links_to_its_room_for_members_only(client, signed_in, make_member):
    from tests.forum_helpers import forum_objects

    member = make_member("board_chatter")
    board, _thread, _post = forum_objects(member)
    room_url = f"/chat/board:{board.id}"

    assert room_url not in client.get(f"/forum/boards/{board.id}").get_data(as_text=True)
    assert client.get(room_url).status_code in (302, 401)  # a visitor is sent to log in

    browser = signed_in(member)
    page = browser.get(f"/forum/boards/{board.id}").get_data(as_text=True)
    assert f'href="{room_url}"' in page
    room = browser.get(room_url)
    assert room.status_code == 200 and board.name in room.get_data(as_text=True)
    # The board is among the member's rooms.
    assert room_url in browser.get("/chat/").get_data(as_text=True)


def test_a_salon_room_is_for_its_participants(signed_in, make_member, make_salon):
    from webapp.extensions import db
    from webapp.salons import services

    host, registrant, outsider = make_member("salon_host_c"), make_member("salon_reg_c"), make_member("salon_out_c")
    salon = make_salon(host=host, title="催化反应机理青年沙龙")
    services.register(registrant, salon)
    db.session.commit()
    room_url = f"/chat/salon:{salon.id}"

    for person in (host, registrant):
        browser = signed_in(person)
        assert f'href="{room_url}"' in browser.get(f"/salons/{salon.id}").get_data(as_text=True)
        assert browser.get(room_url).status_code == 200

    browser = signed_in(outsider)
    assert room_url not in browser.get(f"/salons/{salon.id}").get_data(as_text=True)
    assert browser.get(room_url).status_code in (403, 404)


def test_a_salon_awaiting_approval_has_no_room_link(signed_in, make_member, make_salon):
    host = make_member("salon_host_d")
    salon = make_salon(host=host, state="filed")
    assert f"/chat/salon:{salon.id}" not in signed_in(host).get(f"/salons/{salon.id}").get_data(as_text=True)
