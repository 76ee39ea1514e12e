"""Forms of the review pages. No business rules: the services check every field."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from webapp.core.forms import OneTimeSubmission
from webapp.review.models import Anonymity, CallKind, ConflictKind, Recommendation


def choices(pairs):
    return [SelectChoice(str(value), label) for value, label in pairs]


def _choices(enum):
    return choices((m.value, m.title) for m in enum)


class ActionForm(FlaskForm):
    """A button that changes something: CSRF only."""


class CallForm(OneTimeSubmission, FlaskForm):
    title = StringField("标题", render_kw={"required": True, "maxlength": 200})
    description = TextAreaField("说明", render_kw={"rows": 4})
    kind = RadioField("类型", choices=_choices(CallKind), default=CallKind.paper_award.value, validate_choice=False)
    anonymity = RadioField("匿名方式", choices=_choices(Anonymity), default=Anonymity.double_blind.value,
                           validate_choice=False)
    submission_opens = DateTimeLocalField("开始提交（北京时间）", format="%Y-%m-%dT%H:%M", render_kw={"required": True})
    submission_closes = DateTimeLocalField("提交截止（北京时间）", format="%Y-%m-%dT%H:%M", render_kw={"required": True})
    review_due = DateTimeLocalField("评审截止（北京时间）", format="%Y-%m-%dT%H:%M", render_kw={"required": True})
    disciplines = StringField("学科（逗号分隔，可空）")
    reviewers_per_submission = IntegerField("每篇评审专家人数", default=3)
    max_load = IntegerField("每位专家评审上限", default=10)
    criteria = TextAreaField("评分指标（每行：名称,权重,最低分,最高分）", render_kw={"rows": 5},
                             default="创新性,0.3,1,10\n科学性,0.3,1,10\n应用价值,0.25,1,10\n规范性,0.15,1,10")


class SubmissionForm(OneTimeSubmission, FlaskForm):
    title = StringField("题目", render_kw={"required": True, "maxlength": 200})
    abstract = TextAreaField("摘要", render_kw={"required": True, "rows": 6})
    keywords = StringField("关键词（逗号分隔）", render_kw={"required": True})
    discipline = SelectField("学科", validate_choice=False)
    authors = TextAreaField("作者（每行：姓名,单位,邮箱）", render_kw={"required": True, "rows": 3})
    conflict_reviewers = SelectMultipleField("与以下评审专家存在利益冲突（可多选）", validate_choice=False, coerce=str)
    conflict_kind = SelectField("利益冲突类型", choices=_choices(ConflictKind), validate_choice=False)
    pdf = FileField("PDF 文件", render_kw={"accept": "application/pdf", "required": True})


class ReviseForm(FlaskForm):
    pdf = FileField("新版本 PDF", render_kw={"accept": "application/pdf", "required": True})


class DeclineForm(FlaskForm):
    reason = StringField("谢绝原因", render_kw={"required": True, "maxlength": 500})


class ProfileForm(FlaskForm):
    expertise = TextAreaField("专长标签（逗号分隔，用于匹配关键词和学科）", render_kw={"rows": 3})
    conflict_emails = TextAreaField("与我存在利益冲突的人的邮箱（逗号分隔）", render_kw={"rows": 3})


class InviteForm(FlaskForm):
    username = StringField("用户名", render_kw={"required": True})


class AssignForm(FlaskForm):
    reviewer_id = SelectField("评审专家", validate_choice=False)


class DecisionForm(FlaskForm):
    decision = SelectField("评审结果", validate_choice=False)


def review_form(call, data=None):
    """The review form of `call`: one score field per criterion."""

    class ReviewForm(FlaskForm):
        recommendation = SelectField("推荐意见", choices=choices([("", "请选择")]) + _choices(Recommendation),
                                     validate_choice=False)
        comments_to_authors = TextAreaField("给作者的意见（作者可见，匿名）", render_kw={"rows": 5})
        comments_to_organisers = TextAreaField("给组织者的保密意见（作者不可见）", render_kw={"rows": 3})

    for c in call.criteria:
        setattr(ReviewForm, f"score_{c.position}", StringField(
            f"{c.name}（{c.min_score}–{c.max_score} 分，权重 {c.weight:g}）",
            render_kw={"inputmode": "decimal", "min": c.min_score, "max": c.max_score}))
    return ReviewForm(data=data) if data is not None else ReviewForm()
