"""Forms of the forum pages. No business rules: the services check every field."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.fields import DateField

from webapp.core.forms import OneTimeSubmission
from webapp.forum.models import BODY_MAX, REASON_MAX, TITLE_MAX, ThreadKind

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class ThreadForm(OneTimeSubmission, FlaskForm):
    title = StringField("标题", render_kw={"required": True, "maxlength": TITLE_MAX})
    kind = RadioField("类型", choices=[SelectChoice(v, t) for v, t in ThreadKind.choices()],
                      default=ThreadKind.discussion.value)
    tags = StringField("标签", description="用逗号或空格分隔，最多 4 个")
    body = TextAreaField("正文", render_kw={"required": True, "rows": 10, "maxlength": BODY_MAX})
    image = FileField("插入图片", render_kw={"accept": IMAGE_ACCEPT})


class ReplyForm(OneTimeSubmission, FlaskForm):
    quote_post_id = HiddenField()
    body = TextAreaField("回复内容", render_kw={"required": True, "rows": 6, "maxlength": BODY_MAX})
    image = FileField("插入图片", render_kw={"accept": IMAGE_ACCEPT})


class EditForm(FlaskForm):
    title = StringField("标题", render_kw={"maxlength": TITLE_MAX})
    tags = StringField("标签")
    body = TextAreaField("内容", render_kw={"required": True, "rows": 10, "maxlength": BODY_MAX})


class ReasonForm(FlaskForm):
    """Report a post, or give the reason of a moderation action."""

    reason = TextAreaField("理由", render_kw={"rows": 3, "maxlength": REASON_MAX})


class ActionForm(FlaskForm):
    """A button that does one thing (CSRF only)."""


class SuspendForm(FlaskForm):
    username = StringField("用户名", render_kw={"required": True})
    until = DateField("禁言至（含当天）", render_kw={"required": True})
    reason = TextAreaField("理由", render_kw={"required": True, "rows": 2, "maxlength": REASON_MAX})


class BoardForm(FlaskForm):
    slug = StringField("标识（英文）", render_kw={"required": True})
    name = StringField("名称", render_kw={"required": True})
    group_name = StringField("学科分组")
    description = StringField("简介")
    position = IntegerField("排序", default=0)


def split_tags(text):
    import re

    return [t for t in re.split(r"[,，、;；\s]+", text or "") if t]
