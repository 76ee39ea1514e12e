"""Forms of the science pages. They carry no business rules: the services check every
field and the views put the problems under the fields. Category choices are filled in by
the view."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from webapp.core.forms import OneTimeSubmission
from webapp.science.models import BODY_MAX, COMMENT_MAX, SUMMARY_MAX, TITLE_MAX, BaseType


def choices(pairs):
    return [SelectChoice(str(value), label) for value, label in pairs]


IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
VIDEO_ACCEPT = "video/mp4,video/webm"


class ArticleForm(OneTimeSubmission, FlaskForm):
    title = StringField("标题", render_kw={"maxlength": TITLE_MAX})
    summary = TextAreaField("摘要", render_kw={"maxlength": SUMMARY_MAX, "rows": 2})
    category_id = SelectField("栏目", coerce=int, validate_choice=False)
    tags = StringField("标签", description="用逗号分隔，最多 8 个，如：天文，黑洞")
    body = TextAreaField("正文", description="支持 Markdown，公式写在 $…$ 或 $$…$$ 中",
                         render_kw={"maxlength": BODY_MAX, "rows": 16})
    cover = FileField("封面图片", description="JPEG、PNG 或 WebP", render_kw={"accept": IMAGE_ACCEPT})


class VideoForm(OneTimeSubmission, FlaskForm):
    title = StringField("标题", render_kw={"maxlength": TITLE_MAX})
    description = TextAreaField("简介", render_kw={"rows": 3})
    category_id = SelectField("栏目", coerce=int, validate_choice=False)
    tags = StringField("标签", description="用逗号分隔，最多 8 个")
    duration = IntegerField("时长（秒）", validators=[Optional()])
    transcript = TextAreaField("文字稿", render_kw={"rows": 6})
    file = FileField("视频文件", description="MP4 或 WebM", render_kw={"accept": VIDEO_ACCEPT})
    poster = FileField("封面图片", description="JPEG、PNG 或 WebP", render_kw={"accept": IMAGE_ACCEPT})


class ActionForm(FlaskForm):
    """A button that only needs CSRF (submit for review)."""


class ReviewForm(FlaskForm):
    decision = RadioField("审核结论", choices=choices([("approve", "通过"), ("changes", "退回修改"), ("reject", "拒绝")]),
                          validate_choice=False)
    comment = TextAreaField("审核意见", description="退回修改或拒绝时必填，作者可见",
                            render_kw={"maxlength": COMMENT_MAX, "rows": 3})
    publish_at = DateTimeLocalField("定时发布（北京时间，可不填）", format="%Y-%m-%dT%H:%M", validators=[Optional()])


class BaseForm(FlaskForm):
    name = StringField("名称")
    type = SelectField("类型", choices=choices((t.title, t.title) for t in BaseType), validate_choice=False)
    province = StringField("省份")
    city = StringField("城市")
    address = StringField("地址")
    lon = StringField("经度")
    lat = StringField("纬度")
    opening_hours = StringField("开放时间")
    phone = StringField("电话")
    website = StringField("网址")
    description = TextAreaField("介绍", render_kw={"rows": 5})
    photo = FileField("照片", render_kw={"accept": IMAGE_ACCEPT})


class MapFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = SelectField("类型", validate_choice=False)
    city = SelectField("城市", validate_choice=False)
