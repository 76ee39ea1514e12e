"""The chat across real server processes (gunicorn, gevent worker), with python-socketio's
client: history survives a restart (SQLite file), and with PostgreSQL + Redis a message sent
through one process arrives through another.

The Redis test needs PostgreSQL and Redis on this machine: it is skipped when they cannot be
reached, unless DATABASE_URL is PostgreSQL and REDIS_URL is set (CI's second run) or
REQUIRE_SCALEOUT is set, when it fails instead.
"""
import os
import threading
import time

import pytest

from tests.chat_servers import Server, fresh_pg_database, server_env, setup_people

socketio_client = pytest.importorskip("socketio")


def _client(server, token):
    got, arrived = [], threading.Event()
    client = socketio_client.Client(reconnection=False)

    @client.on("message")
    def on_message(data):
        got.append(data)
        arrived.set()

    client.connect(server.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return client, got, arrived


def test_history_survives_a_server_restart(tmp_path):
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'chat.db'}")
    people = setup_people(env, "alice", "bob")
    alice, bob = people["alice"], people["bob"]
    server = Server(env)
    try:
        client, _, _ = _client(server, alice["token"])
        client.call("join", {"room": f"dm:{bob['id']}"}, timeout=10)
        sent = client.call("send", {"room": f"dm:{bob['id']}", "text": "重启之后还在吗"}, timeout=10)
        client.disconnect()
    finally:
        server.stop()
    server = Server(env, port=server.port)
    try:
        client, _, _ = _client(server, bob["token"])
        ack = client.call("join", {"room": f"dm:{alice['id']}"}, timeout=10)
        client.disconnect()
    finally:
        server.stop()
    assert [(m["id"], m["text"], m["room"]) for m in ack["messages"]] == [(sent["id"], "重启之后还在吗", f"dm:{alice['id']}")]


def _scaleout_urls():
    url = os.environ.get("DATABASE_URL", "")
    required = bool(os.environ.get("REQUIRE_SCALEOUT")) or (url.startswith("postgresql") and bool(os.environ.get("REDIS_URL")))
    base = url if url.startswith("postgresql") else "postgresql+psycopg://postgres@127.0.0.1:5432/test_chat"
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"
    return base, redis_url, required


def test_message_crosses_processes_through_redis(tmp_path):
    base, redis_url, required = _scaleout_urls()
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
        database_url = fresh_pg_database(base)
    except Exception as exc:  # noqa: BLE001
        if required:
            raise
        pytest.skip(f"PostgreSQL or Redis not reachable ({exc.__class__.__name__}: {exc})")
    env = server_env(tmp_path, database_url, redis_url)
    people = setup_people(env, "alice", "bob")
    alice, bob = people["alice"], people["bob"]
    one, two = Server(env), Server(env)
    try:
        sender, _, _ = _client(one, alice["token"])
        receiver, got, arrived = _client(two, bob["token"])
        receiver.call("join", {"room": f"dm:{alice['id']}"}, timeout=10)
        sender.call("join", {"room": f"dm:{bob['id']}"}, timeout=10)
        sent = sender.call("send", {"room": f"dm:{bob['id']}", "text": "跨进程你好"}, timeout=10)
        assert arrived.wait(10), "the message did not reach the other process"
        time.sleep(0.3)  # a duplicate would come right after
        assert [(m["id"], m["room"], m["text"]) for m in got] == [(sent["id"], f"dm:{alice['id']}", "跨进程你好")]
        sender.disconnect()
        receiver.disconnect()
    finally:
        one.stop()
        two.stop()
