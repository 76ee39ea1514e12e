"""The payloads of the chat's client events (Socket.IO), one schema per event, and the
messages and rooms the events and the HTTP API answer with.

Unknown keys are ignored (newer clients may send more); wrong types, missing keys and text
over 2,000 characters are a `validation_error` with `fields`, as in the API.
"""
from marshmallow import EXCLUDE, Schema, fields, validate

from webapp.api.fields import Id, UtcDateTime
from webapp.api.schemas import QuerySchema, ResponseSchema

MAX_ID = 2**31 - 1
MESSAGES = {"required": "必填", "null": "不能为空", "invalid": "类型不对"}


def _id(required=True, minimum=1, **kw):
    return fields.Integer(strict=True, required=required, error_messages={**MESSAGES, "invalid": "应为整数"},
                          validate=validate.Range(min=minimum, max=MAX_ID, error="应为 {min} 到 {max} 的整数"), **kw)


ROOM = fields.String(required=True, error_messages={**MESSAGES, "invalid": "应为文本"},
                     validate=validate.Length(min=3, max=40, error="聊天室名称为 {min} 到 {max} 个字符"))


class EventSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class RoomEvent(EventSchema):
    room = ROOM


class JoinEvent(RoomEvent):
    last_id = _id(required=False, minimum=0, load_default=None, allow_none=True)


class SendEvent(RoomEvent):
    # The service strips the text and counts again; this bounds what is read at all.
    text = fields.String(required=True, error_messages={**MESSAGES, "invalid": "消息必须是文本"},
                         validate=validate.Length(min=1, max=2000, error="消息为 {min} 到 {max} 个字符"))


class ReadEvent(RoomEvent):
    last_id = _id(minimum=0)


class HistoryEvent(RoomEvent):
    before_id = _id()


class DeleteEvent(RoomEvent):
    id = _id()


class MuteEvent(RoomEvent):
    user_id = _id()
    minutes = fields.Integer(strict=True, required=True, error_messages={**MESSAGES, "invalid": "应为整数"},
                             validate=validate.Range(min=1, max=30 * 24 * 60, error="禁言时长为 {min} 到 {max} 分钟"))
    reason = fields.String(load_default="", error_messages=MESSAGES,
                           validate=validate.Length(max=200, error="不能超过 {max} 个字符"))


# ---------------------------------------------------------------- responses (socket events and HTTP API)



class ChatAuthorSchema(ResponseSchema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    url = fields.String(metadata={"description": "Path of the profile page"})
    avatar_url = fields.Method("avatar", metadata={"description": "Path of the small avatar"})

    def avatar(self, user):
        from webapp.chat.services import avatar_path

        return avatar_path(user)


class ChatMessageSchema(ResponseSchema):
    """A message, as the `message` event and the HTTP history carry it. `room` is the room's
    name for the receiver (`dm:<the other's id>` in direct messages)."""

    id = fields.Integer(metadata={"description": "Server-assigned, increasing: the client's `last_id`"})
    room = fields.String()
    text = fields.String(metadata={"description": "Plain text (render as text: links and @mentions only)"})
    author = fields.Nested(ChatAuthorSchema)
    created_at = UtcDateTime()


class ChatMessagesSchema(ResponseSchema):
    room = fields.String()
    items = fields.Nested(ChatMessageSchema, many=True, metadata={"description": "Oldest first"})
    has_more = fields.Boolean(metadata={"description": "Older messages exist (with before_id) / more than "
                                                       "the limit came after after_id"})


class ChatRoomSchema(ResponseSchema):
    name = fields.String(metadata={"description": "board:<id>, salon:<id> or dm:<user id>"})
    kind = fields.String()
    title = fields.String()
    url = fields.String(metadata={"description": "Path of the board's, salon's or person's page"})
    chat_url = fields.String(metadata={"description": "Path of the chat page"})
    unread = fields.Integer(metadata={"description": "Messages by others after the caller's read marker"})


class ChatHistoryArgs(QuerySchema):
    before_id = Id(metadata={"description": "Messages before this id (scrolling up)"})
    after_id = Id(zero_is_none=True, metadata={"description": "Messages after this id (catching up)"})
