"""Chat rules and actions: who reads and posts where, history, sending, read markers,
moderation. Plain functions; they flush, the caller (socket event, view, CLI) commits, and
broadcasts leave after the commit (`core.db.after_commit` → `webapp.chat.live`).
"""
import re
from datetime import timedelta

from flask import current_app, has_request_context
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from webapp.chat import live
from webapp.chat.models import ChatAction, ChatMessage, ChatMute, ChatReadMarker, ChatRoom
from webapp.chat.rooms import DM, Room, dm_key, resolve, rooms_for
from webapp.core import audit, ratelimit
from webapp.core.db import utcnow
from webapp.core.errors import AuthenticationRequired, NotFound, PermissionDenied, RateLimited, ValidationError
from webapp.core.permissions import guard, is_authenticated, is_staff
from webapp.core.timeutil import to_local
from webapp.core.urls import path_for
from webapp.extensions import db

MAX_TEXT = 2000
HISTORY_PAGE = 50
CATCH_UP_MAX = 500
MAX_MENTIONS = 5
MAX_MUTE_MINUTES = 30 * 24 * 60
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_.-])@([A-Za-z0-9_][A-Za-z0-9_.-]{2,31})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------- rules

def why_not_read(user, room):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if user.is_suspended:
        return PermissionDenied("账号已被停用")
    if room.is_dm:
        return None  # the two members only: `resolve` names the room for the viewer
    if not room.spec["can_read"](user, room.obj):
        return PermissionDenied("您没有进入该聊天室的权限")
    return None


def can_read(user, room):
    return why_not_read(user, room) is None


def why_not_post(user, room, now=None):
    refusal = why_not_read(user, room)
    if refusal is not None:
        return refusal
    if room.is_dm:
        if room.obj.is_suspended:
            return PermissionDenied("对方账号已停用，无法发送私信")
    elif not room.spec["can_post"](user, room.obj):
        return PermissionDenied("您不能在该聊天室发言")
    mute = active_mute(user, room, now)
    if mute is not None:
        return PermissionDenied(f"您在本聊天室已被禁言，至 {to_local(mute.until):%Y-%m-%d %H:%M} 解除",
                                code="muted")
    return None


def can_post(user, room):
    return why_not_post(user, room) is None


def why_not_moderate(user, room):
    """Staff moderate the shared rooms; nobody reads, so nobody moderates, direct messages."""
    if not is_staff(user) or room.is_dm:
        return PermissionDenied("只有工作人员可以管理聊天室")
    return None


def can_moderate(user, room):
    return why_not_moderate(user, room) is None


def permissions(user, room):
    return {"read": can_read(user, room), "post": can_post(user, room), "moderate": can_moderate(user, room)}


# ---------------------------------------------------------------- rooms

def room(name, user):
    """The room `name` for `user`, who must be allowed to read it (404 / 403 otherwise)."""
    found = resolve(name, user)
    guard(why_not_read(user, found))
    return found


def stored_room(room_ref, create=False):
    """The room's ChatRoom row (made on its first message when `create`), looked up once."""
    if room_ref.row is not False and (room_ref.row is not None or not create):
        return room_ref.row
    row = ChatRoom.query.filter_by(key=room_ref.key).first()
    if row is None and create:
        # Two first messages at once: the loser's INSERT fails in its savepoint and it reads the winner's row.
        try:
            with db.session.begin_nested():
                row = ChatRoom(key=room_ref.key, kind=room_ref.kind)
                db.session.add(row)
        except Exception:  # noqa: BLE001 (IntegrityError from either driver)
            row = ChatRoom.query.filter_by(key=room_ref.key).one()
    room_ref.row = row
    return row


def active_mute(user, room_ref, now=None):
    if now is None and user.id in room_ref.mutes:
        return room_ref.mutes[user.id]
    row = stored_room(room_ref)
    found = None if row is None else ChatMute.query.filter(
        ChatMute.room_id == row.id, ChatMute.user_id == user.id, ChatMute.lifted_at.is_(None),
        ChatMute.until > (now or utcnow()),
    ).order_by(ChatMute.until.desc()).first()
    if now is None:
        room_ref.mutes[user.id] = found
    return found


def dm_rooms_for(user):
    """The direct-message rooms `user` has (those with a message), newest first."""
    prefix = f"{DM}:"
    from webapp.accounts.models import User

    rows = ChatRoom.query.filter(
        ChatRoom.kind == DM,
        (ChatRoom.key.like(f"{prefix}{user.id}-%")) | (ChatRoom.key.like(f"{prefix}%-{user.id}")),
    ).order_by(ChatRoom.last_message_at.desc()).limit(100).all()
    others = {}
    for row in rows:
        low, high = (int(x) for x in row.key.split(":", 1)[1].split("-"))
        if user.id in (low, high):
            others[row.key] = high if low == user.id else low
    people = {u.id: u for u in User.query.filter(User.id.in_(set(others.values())))} if others else {}
    return [Room(name=f"{DM}:{others[row.key]}", key=row.key, kind=DM, obj=people[others[row.key]], row=row)
            for row in rows if row.key in others and others[row.key] in people]


def sidebar(user):
    """[(room, unread)] of every room listed for `user`: the shared rooms, then direct messages."""
    rooms = [r for r in rooms_for(user) if can_read(user, r)] + dm_rooms_for(user)
    counts = unread_counts(user, rooms)
    return [(r, counts.get(r.key, 0)) for r in rooms]


def unread_counts(user, rooms):
    """{room key: messages by others after the user's read marker}, in one query."""
    keys = [r.key for r in rooms]
    if not keys:
        return {}
    marker = db.aliased(ChatReadMarker)
    rows = (db.session.query(ChatRoom.key, func.count(ChatMessage.id))
            .join(ChatMessage, ChatMessage.room_id == ChatRoom.id)
            .outerjoin(marker, (marker.room_id == ChatRoom.id) & (marker.user_id == user.id))
            .filter(ChatRoom.key.in_(keys), ChatMessage.deleted_at.is_(None), ChatMessage.author_id != user.id,
                    ChatMessage.id > func.coalesce(marker.last_read_id, 0))
            .group_by(ChatRoom.key).all())
    return dict(rows)


# ---------------------------------------------------------------- reading

def _visible(row):
    from webapp.accounts.models import User

    # Authors and their roles (a verified leader's name links to their page) in two queries.
    return ChatMessage.query.options(joinedload(ChatMessage.author).selectinload(User.role_grants)).filter(
        ChatMessage.room_id == row.id, ChatMessage.deleted_at.is_(None))


def history(user, room_ref, before_id=None, limit=HISTORY_PAGE):
    """The `limit` latest messages (before `before_id`), oldest first, and whether older ones exist."""
    guard(why_not_read(user, room_ref))
    row = stored_room(room_ref)
    if row is None:
        return [], False
    q = _visible(row)
    if before_id is not None:
        q = q.filter(ChatMessage.id < before_id)
    found = q.order_by(ChatMessage.id.desc()).limit(limit + 1).all()
    return list(reversed(found[:limit])), len(found) > limit


def since(user, room_ref, last_id, limit=CATCH_UP_MAX):
    """What came after `last_id` (a reconnecting client's catch-up), oldest first, and whether
    more than `limit` did (the client then reloads the latest page instead)."""
    guard(why_not_read(user, room_ref))
    row = stored_room(room_ref)
    if row is None:
        return [], False
    found = _visible(row).filter(ChatMessage.id > last_id).order_by(ChatMessage.id).limit(limit + 1).all()
    return found[:limit], len(found) > limit


def mark_read(user, room_ref, last_id):
    """Move the user's marker forward to `last_id` (never back, never past the newest)."""
    guard(why_not_read(user, room_ref))
    row = stored_room(room_ref)
    if row is None or not row.last_message_id:
        return 0
    last_id = min(last_id, row.last_message_id)
    marker = ChatReadMarker.query.filter_by(user_id=user.id, room_id=row.id).first()
    if marker is None:
        marker = ChatReadMarker(user_id=user.id, room_id=row.id, last_read_id=0)
        db.session.add(marker)
    if last_id > marker.last_read_id:
        marker.last_read_id = last_id
        marker.updated_at = utcnow()
    db.session.flush()
    return marker.last_read_id


# ---------------------------------------------------------------- sending

def clean_text(text):
    if not isinstance(text, str):
        raise ValidationError(fields={"text": "消息必须是文本"})
    text = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    if not text:
        raise ValidationError("消息不能为空", fields={"text": "请输入消息内容"})
    if len(text) > MAX_TEXT:
        raise ValidationError(f"消息不能超过 {MAX_TEXT} 个字符", fields={"text": f"消息不能超过 {MAX_TEXT} 个字符（现有 {len(text)} 个）"})
    return text


def _throttle(user):
    config = current_app.config
    attempt = ratelimit.acquire(f"chat:send:{user.id}", config["CHAT_RATE_LIMIT"], config["CHAT_RATE_WINDOW"])
    if not attempt.allowed:
        attempt.release()
        seconds = max(1, int(attempt.retry_after + 0.999))
        raise RateLimited(f"发送过于频繁：每 {config['CHAT_RATE_WINDOW']} 秒最多 {config['CHAT_RATE_LIMIT']} 条，"
                          f"请 {seconds} 秒后再试", retry_after=seconds)
    return attempt


def post_message(user, room_ref, text):
    """Store a message (server id and time), notify the members it @mentions, and broadcast it
    after the commit."""
    guard(why_not_post(user, room_ref))
    text = clean_text(text)
    _throttle(user)
    row = stored_room(room_ref, create=True)
    message = ChatMessage(room_id=row.id, author_id=user.id, author=user, text=text, created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    row.last_message_id = message.id
    row.last_message_at = message.created_at
    _notify_mentions(user, room_ref, message)
    db.session.flush()
    snapshot = message_payload(message, room_ref.name)
    live.after_commit_deliver(room_ref, "message", lambda name: {**snapshot, "room": name})
    return message


def _notify_mentions(author, room_ref, message):
    from webapp.accounts.models import User
    from webapp.notifications.services import notify

    names = list(dict.fromkeys(MENTION_RE.findall(message.text)))[:MAX_MENTIONS]
    if not names:
        return
    for person in User.query.filter(User.username.in_(names)).all():
        if person.id == author.id or person.is_suspended:
            continue
        their_room = room_ref if not room_ref.is_dm else None
        if room_ref.is_dm:
            if person.id not in room_ref.member_ids():
                continue
            their_room = resolve(room_ref.name_for(person.id), person)
        if not can_read(person, their_room):
            continue
        where = "私信" if room_ref.is_dm else f"「{their_room.title}」"
        notify(person, "chat_mention", f"{author.display_name} 在{where}中提到了您",
               body=message.text[:200], link=their_room.chat_url, actor=author)


def avatar_path(user):
    if has_request_context():
        return user.avatar_url("small")
    if not user.avatar_key:  # a CLI command (the demo) has no request to build static URLs with
        return path_for("static", filename="img/default-avatar.svg")
    return path_for("accounts.avatar", key=user.avatar_key, size="small")


def message_payload(message, room_name):
    """The `message` event's data {id, room, text, author, created_at}: schemas.ChatMessageSchema."""
    from webapp.api.schemas import response_schema
    from webapp.chat.schemas import ChatMessageSchema

    return response_schema(ChatMessageSchema).dump(message_view(message, room_name))


def message_view(message, room_name):
    """What ChatMessageSchema dumps: the message as named in `room_name`."""
    return {"id": message.id, "room": room_name, "text": message.text, "author": message.author,
            "created_at": message.created_at}


# ---------------------------------------------------------------- moderation

def delete_message(staff, room_ref, message_id, reason=""):
    guard(why_not_moderate(staff, room_ref))
    row = stored_room(room_ref)
    message = db.session.get(ChatMessage, message_id) if isinstance(message_id, int) else None
    if row is None or message is None or message.room_id != row.id or message.deleted_at is not None:
        raise NotFound("找不到该消息")
    message.deleted_at = utcnow()
    message.deleted_by_id = staff.id
    audit.record(staff, ChatAction.message_deleted, "chat_message", message.id,
                 summary=f"{room_ref.name}: {message.text[:100]}", reason=reason or None)
    db.session.flush()
    live.after_commit_deliver(room_ref, "message_deleted", lambda name: {"id": message_id, "room": name})
    return message


def mute(staff, room_ref, target, minutes, reason=""):
    guard(why_not_moderate(staff, room_ref))
    if target is None:
        raise ValidationError(fields={"user": "找不到该用户"})
    if target.id == staff.id or is_staff(target):
        raise ValidationError(fields={"user": "不能禁言工作人员"})
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_MUTE_MINUTES:
        raise ValidationError(fields={"minutes": f"禁言时长为 1 到 {MAX_MUTE_MINUTES} 分钟"})
    row = stored_room(room_ref, create=True)
    now = utcnow()
    entry = ChatMute(room_id=row.id, user_id=target.id, until=now + timedelta(minutes=minutes),
                     reason=(reason or "")[:200], created_by_id=staff.id, created_at=now)
    db.session.add(entry)
    room_ref.mutes.pop(target.id, None)
    audit.record(staff, ChatAction.user_muted, "user", target.id,
                 summary=f"{room_ref.name}: {target.username} {minutes} 分钟", reason=reason or None)
    db.session.flush()
    from webapp.notifications.services import notify

    notify(target, "chat_muted", f"您在「{room_ref.title}」中被禁言 {minutes} 分钟",
           body=reason or "", link=room_ref.chat_url, sender="科协工作人员")
    return entry


def lift_mute(staff, room_ref, target):
    guard(why_not_moderate(staff, room_ref))
    mute_row = active_mute(target, room_ref) if target is not None else None
    if mute_row is None:
        raise NotFound("该用户没有被禁言")
    mute_row.lifted_at = utcnow()
    room_ref.mutes.pop(target.id, None)
    audit.record(staff, ChatAction.user_unmuted, "user", target.id, summary=f"{room_ref.name}: {target.username}")
    db.session.flush()
    return mute_row


def active_mutes(staff, room_ref):
    guard(why_not_moderate(staff, room_ref))
    row = stored_room(room_ref)
    if row is None:
        return []
    return ChatMute.query.options(joinedload(ChatMute.user)).filter(
        ChatMute.room_id == row.id, ChatMute.lifted_at.is_(None), ChatMute.until > utcnow(),
    ).order_by(ChatMute.until).all()


def dm_room(user, other):
    """The direct-message room between `user` and `other`."""
    return Room(name=f"{DM}:{other.id}", key=dm_key(user.id, other.id), kind=DM, obj=other)
