"""Forms of the chat pages (the page works without scripts; chat.js sends over the socket)."""
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField, TextAreaField

from webapp.chat.services import MAX_TEXT
from webapp.core.forms import OneTimeSubmission


class MessageForm(OneTimeSubmission, FlaskForm):
    text = TextAreaField("消息", render_kw={"rows": 2, "maxlength": MAX_TEXT, "required": True,
                                           "placeholder": "输入消息，Enter 发送，Shift+Enter 换行；@用户名 提到某人"})
    submit = SubmitField("发送")


class DeleteMessageForm(FlaskForm):
    submit = SubmitField("删除")


class MuteForm(FlaskForm):
    username = StringField("用户名", render_kw={"required": True, "maxlength": 32, "autocomplete": "off"})
    minutes = IntegerField("禁言时长（分钟）", default=60, render_kw={"min": 1, "max": 43200, "required": True})
    reason = StringField("原因", render_kw={"maxlength": 200})
    submit = SubmitField("禁言")


class LiftMuteForm(FlaskForm):
    submit = SubmitField("解除")
