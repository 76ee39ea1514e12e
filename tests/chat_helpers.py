"""Fixtures for the chat tests: a test-only room kind (the code path forum boards and salons
take at merge) and Socket.IO test clients logged in as a user or with a bearer token."""
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest


@dataclass
class Club:
    """A stand-in for a forum board (open: every member) or a salon (members only)."""

    id: int
    name: str
    open: bool = True
    members: set = field(default_factory=set)
    url: str = "/"


CLUBS = {}


def _can_read(user, club):
    return club.open or user.id in club.members or user.is_staff


def club_spec():
    return {
        "kind": "club",
        "load": lambda obj_id: CLUBS.get(obj_id),
        "title": lambda club: club.name,
        "url": lambda club: club.url,
        "can_read": _can_read,
        "can_post": _can_read,
        "rooms_for": lambda user: [c for c in CLUBS.values() if _can_read(user, c)],
    }


@pytest.fixture
def clubs(app):
    """Room kind `club`: club:1 open to every member, club:2 for its members (and staff)."""
    from webapp.chat.rooms import _EXTRA, _KINDS, register_room_kind

    CLUBS.clear()
    CLUBS[1] = Club(1, "物理学交流室")
    CLUBS[2] = Club(2, "量子计算青年沙龙", open=False)
    register_room_kind(app, club_spec())
    yield CLUBS
    app.extensions.get(_EXTRA, {}).pop("club", None)
    app.extensions.pop(_KINDS, None)
    CLUBS.clear()


@contextmanager
def app_socket_server(app):
    """Within the block, the Socket.IO server is the test app's own. (Another create_app()
    in the session — migration and production-mode tests make apps — rebinds the shared
    `socketio` object to a new server, while the test app's middleware keeps its own.)"""
    from webapp.extensions import socketio

    other = socketio.server
    server = socketio.server = app.extensions["chat_socketio_server"]
    handlers = (server.async_handlers, server.eio.async_handlers)
    try:
        yield server
    finally:
        socketio.server = other
        # Flask-SocketIO's test client patches the server it runs on and never undoes it:
        # undone here, so the live server's real sockets work in the tests after it.
        for name in ("_send_packet", "_send_eio_packet"):
            server.__dict__.pop(name, None)
        server.async_handlers, server.eio.async_handlers = handlers


@pytest.fixture
def socket_server(app):
    with app_socket_server(app) as server:
        yield server


@pytest.fixture
def sock(app, login, socket_server):
    """sock(user) → a Socket.IO test client connected with the user's session cookie;
    sock(token=...) with a bearer token; sock(client=c) with test client c's cookies;
    sock() anonymous. All disconnected at the end."""
    from socketio import Manager, PubSubManager

    from webapp.chat import live
    from webapp.extensions import socketio

    # With REDIS_URL (the PostgreSQL + Redis run) the server's manager is Redis' pub/sub,
    # which Flask-SocketIO's test client refuses: deliver in process for these tests (the
    # cross-process test covers Redis with real servers).
    queue = socketio.server.manager
    if isinstance(queue, PubSubManager):
        local = Manager()
        local.set_server(socketio.server)
        local.initialize()
        socketio.server.manager = local
    live.presence().clear()
    opened = []

    def connect(user=None, token=None, client=None):
        client = client or app.test_client()
        if user is not None:
            login(client, user)
        auth = {"token": token} if token is not None else None
        sc = socketio.test_client(app, flask_test_client=client, auth=auth)
        opened.append(sc)
        return sc

    yield connect
    for sc in opened:
        if sc.is_connected():
            sc.disconnect()
    socketio.server.manager = queue
    live.presence().clear()


def events(sc, name):
    """The `name` events `sc` received since last asked (other events are dropped)."""
    # The test client keeps a `message` event's data as it is (Socket.IO's send()), others' as a list.
    return [e["args"][0] if isinstance(e["args"], list) else e["args"]
            for e in sc.get_received() if e["name"] == name]
