"""What goes out on the sockets: broadcasts after the commit, presence, live notifications.

Socket rooms: a chat room's key (`board:3`, `dm:4-9`) holds the sockets that joined it;
`user:<id>` holds every socket of a user (direct messages and notifications go there, each
named as its receiver knows it). With REDIS_URL set, `socketio.emit` goes through Redis to
every server process; presence is then kept in Redis too.
"""
import json
import threading

from flask import current_app

from webapp.core.db import after_commit
from webapp.extensions import db, socketio


def user_room(user_id):
    return f"user:{user_id}"


def after_commit_deliver(room_ref, event, payload_for):
    """After the commit, send `event` to the room's members: `payload_for(room name)` is
    computed now (the session cannot be read once it has committed)."""
    if room_ref.is_dm:
        targets = [(user_room(uid), payload_for(room_ref.name_for(uid))) for uid in room_ref.member_ids()]
    else:
        targets = [(room_ref.key, payload_for(room_ref.name))]

    def send():
        for to, payload in targets:
            socketio.emit(event, payload, to=to)

    after_commit(db.session, send)


# ---------------------------------------------------------------- presence

class MemoryPresence:
    """Who is in which room, in this process (the embedded default, tests)."""

    def __init__(self):
        self._rooms = {}
        self._lock = threading.Lock()

    def add(self, key, sid, person):
        with self._lock:
            self._rooms.setdefault(key, {})[sid] = person

    def remove(self, key, sid):
        with self._lock:
            self._rooms.get(key, {}).pop(sid, None)
            if not self._rooms.get(key):
                self._rooms.pop(key, None)

    def people(self, key):
        with self._lock:
            return list(self._rooms.get(key, {}).values())

    def clear(self):
        with self._lock:
            self._rooms.clear()


class RedisPresence:
    """The same, shared by every process through Redis (a hash per room: sid → person)."""

    def __init__(self, url, prefix="sh:chat:presence:"):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def add(self, key, sid, person):
        pipe = self._redis.pipeline()
        pipe.hset(self._prefix + key, sid, json.dumps(person, ensure_ascii=False))
        pipe.expire(self._prefix + key, 24 * 3600)
        pipe.execute()

    def remove(self, key, sid):
        self._redis.hdel(self._prefix + key, sid)

    def people(self, key):
        return [json.loads(v) for v in self._redis.hvals(self._prefix + key)]

    def clear(self):
        for k in self._redis.scan_iter(self._prefix + "*"):
            self._redis.delete(k)


def presence():
    return current_app.extensions["chat_presence"]


def present_people(key):
    """Distinct people in room `key`, by display name (a person with two tabs counts once)."""
    seen = {}
    for person in presence().people(key):
        seen.setdefault(person["id"], person)
    return sorted(seen.values(), key=lambda p: p["display_name"])


def announce_presence(room_ref):
    people = present_people(room_ref.key)
    if room_ref.is_dm:
        for uid in room_ref.member_ids():
            socketio.emit("presence", {"room": room_ref.name_for(uid), "people": people}, to=user_room(uid))
    else:
        socketio.emit("presence", {"room": room_ref.name, "people": people}, to=room_ref.key)


# ---------------------------------------------------------------- live notifications

def _notification_created(note):
    """notifications.services.notify() made `note`: once the action commits, tell the user's
    sockets their new unread count (counted now, inside the transaction)."""
    pending = db.session.info.setdefault("chat_notified_users", {})
    pending[note.user_id] = {"title": note.title, "link": note.link, "kind": note.kind}


def _before_commit(session):
    pending = session.info.pop("chat_notified_users", None)
    if not pending:
        return
    from webapp.notifications.models import Notification

    session.flush()
    payloads = []
    for user_id, latest in pending.items():
        unread = session.query(Notification).filter(
            Notification.user_id == user_id, Notification.read_at.is_(None)).count()
        payloads.append((user_id, {"unread_count": unread, **latest}))

    def send():
        for user_id, payload in payloads:
            socketio.emit("notification", payload, to=user_room(user_id))

    after_commit(session, send)


def init_app(app):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from webapp.notifications.services import notification_created

    url = app.config.get("REDIS_URL")
    app.extensions["chat_presence"] = RedisPresence(url) if url else MemoryPresence()
    notification_created.connect(_notification_created)
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
