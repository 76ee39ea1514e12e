"""The payloads of the chat's client events (Socket.IO), one schema per event.

Unknown keys are ignored (newer clients may send more); wrong types, missing keys and text
over 2,000 characters are a `validation_error` with `fields`, as in the API.
"""
from marshmallow import EXCLUDE, Schema, fields, validate

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
