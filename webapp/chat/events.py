"""Socket.IO handlers: authenticate the connection, then each event is parse → one service
call in one unit of work → ack (and broadcasts after the commit). No rule lives here.

An event's ack is its result, or {"error": {code, message, fields}}; the same error is also
sent as an `error` event, so clients that do not use acks still hear it.
"""
import logging
from functools import wraps

from flask import g, request
from flask_login import current_user, user_logged_out
from flask_socketio import join_room, leave_room
from marshmallow import ValidationError as SchemaError

from webapp.chat import live, services
from webapp.chat import schemas as s
from webapp.chat.rooms import resolve
from webapp.core.db import after_commit
from webapp.core.errors import AuthenticationRequired, NotFound, ServiceError
from webapp.core.permissions import guard
from webapp.core.uow import unit_of_work
from webapp.extensions import db, socketio

log = logging.getLogger(__name__)

# sid → (user id, token or None), and sid → {room key: Room}: per process, as sids are.
_connections = {}
_joined = {}
# (event, handler), registered on each app's Socket.IO server by `register()` (chat's init_app):
# decorators would bind them only to whichever server existed when this module was imported.
HANDLERS = []


def register(app):
    for name, handler in HANDLERS:
        socketio.on_event(name, handler)
    app.extensions["chat_socketio_server"] = socketio.server


def _authenticate(auth):
    from webapp.accounts.tokens import user_for_token

    token = auth.get("token") if isinstance(auth, dict) else None
    if token is not None:
        return (user_for_token(token) if isinstance(token, str) and len(token) < 200 else None), token
    g.pop("_login_user", None)
    # Flask-Login's loader checks the session version and suspension, as for every page.
    return (current_user._get_current_object() if current_user.is_authenticated else None), None


def _user():
    """The connection's user, checked again on every event (a logout, password change or
    suspension since the connection ends what it may do)."""
    entry = _connections.get(request.sid)
    if entry is None:
        raise AuthenticationRequired()
    user_id, token = entry
    user, _ = _authenticate({"token": token} if token is not None else None)
    if user is None or user.id != user_id:
        raise AuthenticationRequired("登录已失效，请重新登录")
    return user


def _error(code, message, fields=None, retry_after=None):
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    if retry_after:
        error["retry_after"] = retry_after
    socketio.emit("error", error, to=request.sid)
    return {"error": error}


def event(name, schema):
    """Register handler `fn(user, **payload)` for client event `name`."""

    def decorator(fn):
        @wraps(fn)
        def handler(data=None, *extra):
            try:
                values = schema().load(data if isinstance(data, dict) else {"": data})
                with unit_of_work():
                    return fn(_user(), **values)
            except SchemaError as exc:
                return _error("validation_error", "提交的内容有误", fields=exc.messages)
            except ServiceError as exc:
                return _error(exc.code, exc.message, exc.fields, getattr(exc, "retry_after", None))
            except Exception:  # a bug must not drop the connection nor answer nothing
                log.exception("chat event %s failed", name)
                db.session.rollback()
                return _error("server_error", "服务器内部错误")

        HANDLERS.append((name, handler))
        return handler

    return decorator


def end_session_sockets(user_id):
    """A member logged out: close the sockets their session cookie opened in this process
    (others are refused at their next event), and tell every page of theirs to stop."""
    for sid, (owner, token) in list(_connections.items()):
        if owner == user_id and token is None:
            socketio.server.disconnect(sid, namespace="/")
    socketio.emit("session_ended", {}, to=live.user_room(user_id))


def _logged_out(sender, user=None, **extra):
    user_id = getattr(user, "id", None)
    if user_id is not None:
        after_commit(db.session, lambda: end_session_sockets(user_id))


user_logged_out.connect(_logged_out)


def on_connect(auth=None):
    try:
        user, token = _authenticate(auth)
    except Exception:
        log.exception("chat connect failed")
        db.session.rollback()
        user, token = None, None
    db.session.commit()  # a token's last use
    if user is None:
        return False  # the client gets a connect_error; anonymous sockets never open
    _connections[request.sid] = (user.id, token)
    _joined[request.sid] = {}
    join_room(live.user_room(user.id))
    return True


def on_disconnect(reason=None):
    _connections.pop(request.sid, None)
    for room_ref in _joined.pop(request.sid, {}).values():
        live.presence().remove(room_ref.key, request.sid)
        live.announce_presence(room_ref)


HANDLERS += [("connect", on_connect), ("disconnect", on_disconnect)]


def _person(user):
    return {"id": user.id, "username": user.username, "display_name": user.display_name}


def _messages(found, room_ref):
    return [services.message_payload(m, room_ref.name) for m in found]


@event("join", s.JoinEvent)
def join(user, room, last_id=None):
    room_ref = services.room(room, user)
    # Joined first, then read: a message sent meanwhile comes both ways and the client keeps
    # one by id, where the other order could lose it.
    join_room(room_ref.key)
    _joined.setdefault(request.sid, {})[room_ref.key] = room_ref
    live.presence().add(room_ref.key, request.sid, _person(user))
    if last_id is None:
        found, has_more = services.history(user, room_ref)
        complete = True
    else:
        found, overflow = services.since(user, room_ref, last_id)
        has_more, complete = None, not overflow
    live.announce_presence(room_ref)
    return {"room": room_ref.name, "title": room_ref.title, "messages": _messages(found, room_ref),
            "has_more": has_more, "complete": complete, "permissions": services.permissions(user, room_ref),
            "people": live.present_people(room_ref.key)}


@event("leave", s.RoomEvent)
def leave(user, room):
    room_ref = resolve(room, user)
    leave_room(room_ref.key)
    if _joined.get(request.sid, {}).pop(room_ref.key, None) is not None:
        live.presence().remove(room_ref.key, request.sid)
        live.announce_presence(room_ref)
    return {"room": room_ref.name}


def _joined_room(user, room):
    """A room this socket joined (sending, typing and reading need the room's page open)."""
    room_ref = resolve(room, user)
    if room_ref.key not in _joined.get(request.sid, {}):
        guard(services.why_not_read(user, room_ref))
        raise NotFound("请先加入该聊天室（join）", code="not_joined")
    return room_ref


@event("send", s.SendEvent)
def send(user, room, text):
    room_ref = _joined_room(user, room)
    message = services.post_message(user, room_ref, text)
    return services.message_payload(message, room_ref.name)


@event("typing", s.RoomEvent)
def typing(user, room):
    room_ref = _joined_room(user, room)
    guard(services.why_not_post(user, room_ref))
    if room_ref.is_dm:
        other = room_ref.obj.id
        socketio.emit("typing", {"room": room_ref.name_for(other), "user": _person(user)}, to=live.user_room(other))
    else:
        socketio.emit("typing", {"room": room_ref.name, "user": _person(user)}, to=room_ref.key,
                      skip_sid=request.sid)
    return {"room": room_ref.name}


@event("read", s.ReadEvent)
def read(user, room, last_id):
    room_ref = services.room(room, user)
    return {"room": room_ref.name, "last_read_id": services.mark_read(user, room_ref, last_id)}


@event("history", s.HistoryEvent)
def older(user, room, before_id):
    room_ref = services.room(room, user)
    found, has_more = services.history(user, room_ref, before_id=before_id)
    return {"room": room_ref.name, "messages": _messages(found, room_ref), "has_more": has_more}


@event("delete", s.DeleteEvent)
def delete(user, room, id):
    room_ref = services.room(room, user)
    services.delete_message(user, room_ref, id)
    return {"room": room_ref.name, "id": id}


@event("mute", s.MuteEvent)
def mute(user, room, user_id, minutes, reason=""):
    from webapp.accounts.models import User

    room_ref = services.room(room, user)
    entry = services.mute(user, room_ref, db.session.get(User, user_id), minutes, reason)
    return {"room": room_ref.name, "user_id": user_id, "until": entry.until.isoformat() + "Z"}
