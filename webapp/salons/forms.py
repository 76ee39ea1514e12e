"""Salon forms: they render fields and carry CSRF; the services judge the values."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from webapp.core.forms import OneTimeSubmission
from webapp.salons import models as m
from webapp.salons.models import SalonFormat

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def choices(pairs):
    return [SelectChoice(str(value), label) for value, label in pairs]


class SalonForm(OneTimeSubmission, FlaskForm):
    title = StringField("沙龙主题", render_kw={"required": True, "maxlength": m.TITLE_MAX})
    discipline = SelectField("学科", choices=choices([("", "请选择学科")] + [(d, d) for d in m.DISCIPLINES]),
                             validate_choice=False, render_kw={"required": True})
    description = TextAreaField("简介", render_kw={"rows": 6, "required": True, "maxlength": m.DESCRIPTION_MAX})
    speakers = TextAreaField("主讲人", render_kw={"rows": 3})
    format = RadioField("举办形式", choices=choices(SalonFormat.choices()), default=SalonFormat.offline.value,
                         validate_choice=False)
    room_id = SelectField("场地", choices=[], coerce=str, validate_choice=False)
    address = StringField("或填写地址", render_kw={"maxlength": m.ADDRESS_MAX})
    online_url = StringField("线上会议链接", render_kw={"maxlength": m.URL_MAX, "inputmode": "url"})
    capacity = StringField("人数上限", render_kw={"required": True, "inputmode": "numeric", "type": "number",
                                               "min": m.CAPACITY_MIN, "max": m.CAPACITY_MAX})
    start = DateTimeLocalField("开始时间", format=LOCAL_FORMAT, render_kw={"required": True})
    end = DateTimeLocalField("结束时间", format=LOCAL_FORMAT, render_kw={"required": True})
    registration_deadline = DateTimeLocalField("报名截止时间", format=LOCAL_FORMAT, render_kw={"required": True})
    requires_approval = BooleanField("报名需经我确认")
    action = HiddenField()


class ReviewForm(FlaskForm):
    comment = TextAreaField("审核意见", render_kw={"rows": 3, "maxlength": m.COMMENT_MAX})


class CheckInForm(FlaskForm):
    code = StringField("签到码", render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 8,
                                          "required": True})


class MinutesForm(FlaskForm):
    minutes = TextAreaField("活动纪要", render_kw={"rows": 8, "maxlength": m.MINUTES_MAX})


class SlidesForm(FlaskForm):
    slides = FileField("演示文稿（PDF）", render_kw={"accept": "application/pdf,.pdf"})


class RoomForm(FlaskForm):
    name = StringField("场地名称", render_kw={"required": True, "maxlength": m.ROOM_NAME_MAX})
    address = StringField("地址", render_kw={"maxlength": m.ADDRESS_MAX})
    capacity = StringField("容量（人）", render_kw={"required": True, "inputmode": "numeric", "type": "number", "min": 1})
    active = BooleanField("可预订", default=True)


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter

    start = DateField("起始日期")
    end = DateField("截止日期")
