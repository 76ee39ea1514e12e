"""The notifications API's schemas."""
from flask import url_for
from marshmallow import fields

from webapp.accounts.schemas import UserSchema
from webapp.api.fields import Computed, Flag, UtcDateTime
from webapp.api.schemas import PageArgs, ResponseSchema


class NotificationSchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("target", fields.String(),
                   metadata={"description": "Where the notification leads: its link, else the notification centre"})
    kind = fields.String(metadata={"description": "What happened, e.g. verification.approved"})
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = UtcDateTime()
    read = fields.Boolean(attribute="is_read")
    read_at = UtcDateTime(allow_none=True)
    actor = fields.Nested(UserSchema, allow_none=True)
    actor_name = fields.String(attribute="sender_name", allow_none=True, metadata={
        "description": "Who it comes from when no person is named (staff: “科协工作人员”)"})

    def target(self, note):
        return note.link or url_for("notifications.index")


class UnreadCountSchema(ResponseSchema):
    unread = fields.Integer()


class MarkedCountSchema(ResponseSchema):
    marked = fields.Integer()


class NotificationListArgs(PageArgs):
    unread = Flag(load_default=False, metadata={"description": "1: only unread notifications"})
