"""Chat tables: rooms (made on their first message), messages, read markers, mutes.

A room is named by its key: `board:<id>`, `salon:<id>` (rooms other capabilities give,
see `webapp.chat.rooms`) or `dm:<low user id>-<high user id>` for the direct messages of a
pair of members (a client names that room `dm:<the other's id>`).
"""
from webapp.core.db import utcnow
from webapp.core.enums import TitledEnum
from webapp.extensions import db


class ChatAction(TitledEnum):
    """Audited moderation in chat rooms."""

    message_deleted = ("chat_message_deleted", "删除聊天消息")
    user_muted = ("chat_user_muted", "聊天室禁言")
    user_unmuted = ("chat_user_unmuted", "解除聊天室禁言")


class ChatRoom(db.Model):
    __tablename__ = "chat_rooms"

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(64), nullable=False, unique=True)
    kind = db.Column(db.String(16), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # The newest message: unread counts and the rooms list read it without scanning messages.
    last_message_id = db.Column(db.Integer)
    last_message_at = db.Column(db.DateTime)


class ChatMessage(db.Model):
    __tablename__ = "chat_messages"
    __table_args__ = (db.Index("ix_chat_messages_room_id_id", "room_id", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    room_id = db.Column(db.Integer, db.ForeignKey("chat_rooms.id", ondelete="CASCADE"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    text = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    deleted_at = db.Column(db.DateTime)
    deleted_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))

    room = db.relationship("ChatRoom")
    author = db.relationship("User", foreign_keys=[author_id])


class ChatReadMarker(db.Model):
    """How far a member has read a room (the id of the last message seen)."""

    __tablename__ = "chat_read_markers"
    __table_args__ = (db.UniqueConstraint("user_id", "room_id", name="uq_chat_read_markers_user_room"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    room_id = db.Column(db.Integer, db.ForeignKey("chat_rooms.id", ondelete="CASCADE"), nullable=False, index=True)
    last_read_id = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class ChatMute(db.Model):
    """A member may not post in a room until `until` (staff decide, audited)."""

    __tablename__ = "chat_mutes"
    __table_args__ = (db.Index("ix_chat_mutes_room_id_user_id", "room_id", "user_id"),)

    id = db.Column(db.Integer, primary_key=True)
    room_id = db.Column(db.Integer, db.ForeignKey("chat_rooms.id", ondelete="CASCADE"), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    until = db.Column(db.DateTime, nullable=False)
    reason = db.Column(db.String(200), nullable=False, default="", server_default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    lifted_at = db.Column(db.DateTime)

    user = db.relationship("User", foreign_keys=[user_id])
