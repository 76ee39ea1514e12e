"""Forms of the suggestion pages.

They carry no business rules: the services check every field (and report all problems at
once), and the views put those problems under the fields here. Choices that come from the
database (categories, leaders, screening reasons) are filled in by the view.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField

from webapp.core.forms import OneTimeSubmission
from webapp.suggestions.models import Satisfaction, Visibility
from webapp.suggestions.services import BODY_MAX, COMMENT_MAX, NOTE_MAX, SORTS, TITLE_MAX

ATTACHMENT_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def choices(pairs):
    return [SelectChoice(str(value), label) for value, label in pairs]


def leader_label(leader):
    """How a leader appears in a select: real name and position."""
    name = leader.real_name or leader.display_name
    return f"{name}（{leader.position}）" if leader.position else name


# ---------------------------------------------------------------- browsing

class FilterForm(FlaskForm):
    """The GET filter above the public list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    # The API's filter names (schemas.SuggestionListArgs reads both).
    category_id = SelectField("分类", validate_choice=False)
    # The view offers staff every state; the public only those a published suggestion can be in.
    state = SelectField("状态", validate_choice=False)
    leader_id = SelectField("领导", validate_choice=False)
    answered = SelectField("答复", validate_choice=False,
                           choices=choices([("", "不限"), ("true", "已答复"), ("false", "未答复")]))
    sort = SelectField("排序", validate_choice=False, choices=choices(SORTS.items()))


# ---------------------------------------------------------------- writing

class SuggestionForm(OneTimeSubmission, FlaskForm):
    title = StringField("标题", render_kw={"required": True, "maxlength": TITLE_MAX, "autocomplete": "off"})
    body = TextAreaField("正文", render_kw={"required": True, "rows": 10, "maxlength": BODY_MAX})
    category_id = SelectField("分类", validate_choice=False, render_kw={"required": True})
    addressee_id = SelectField("致", validate_choice=False)
    visibility = RadioField("公开范围", validate_choice=False, default=Visibility.public.value,
                            choices=choices(Visibility.choices()))
    attachments = MultipleFileField("附件（可选）", render_kw={"accept": ATTACHMENT_ACCEPT})


# ---------------------------------------------------------------- on a suggestion

# Several of these share a page: the view gives each a prefix (accept-, reject-, assign-, close-,
# hide-, answer_hide-, reply-) so field names and ids do not collide.

class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (联名支持, 办结 without note, 恢复显示…)."""


class AnswerForm(OneTimeSubmission, FlaskForm):
    body = TextAreaField("答复内容", render_kw={"rows": 8, "maxlength": BODY_MAX})
    save_draft = SubmitField("保存草稿")
    publish = SubmitField("发布答复")


class FollowUpForm(OneTimeSubmission, FlaskForm):
    question = TextAreaField("追问", render_kw={"required": True, "rows": 3, "maxlength": NOTE_MAX})


class FollowUpAnswerForm(OneTimeSubmission, FlaskForm):
    body = TextAreaField("答复追问", render_kw={"required": True, "rows": 4, "maxlength": BODY_MAX})


class RatingForm(OneTimeSubmission, FlaskForm):
    value = RadioField("您对答复的评价", validate_choice=False, choices=choices(Satisfaction.choices()),
                       render_kw={"required": True})
    comment = TextAreaField("评价意见（可选）", render_kw={"rows": 3, "maxlength": COMMENT_MAX})


class AcceptForm(FlaskForm):
    """受理: optionally assign to a leader at once (else the addressee, if a leader)."""

    leader_id = SelectField("交办给", validate_choice=False)
    note = TextAreaField("说明（可选，建议人可见）", render_kw={"rows": 2, "maxlength": NOTE_MAX})


class RejectForm(FlaskForm):
    """不予受理 with a standard reason."""

    reason_id = SelectField("不予受理的理由", validate_choice=False, render_kw={"required": True})
    note = TextAreaField("补充说明（可选，建议人可见）", render_kw={"rows": 2, "maxlength": NOTE_MAX})


class AssignForm(FlaskForm):
    leader_id = SelectField("交办给", validate_choice=False, render_kw={"required": True})
    note = TextAreaField("说明（可选）", render_kw={"rows": 2, "maxlength": NOTE_MAX})


class CloseForm(FlaskForm):
    note = TextAreaField("办结说明（可选）", render_kw={"rows": 2, "maxlength": NOTE_MAX})


class WithdrawForm(FlaskForm):
    """撤回: the author's own suggestion, before screening."""

    reason = StringField("撤回说明（可选，显示在办理过程中）", render_kw={"maxlength": NOTE_MAX})


class CategoryForm(FlaskForm):
    """Staff file the suggestion under another category."""

    category_id = SelectField("调整为", validate_choice=False)
    note = StringField("说明（可选）", render_kw={"maxlength": NOTE_MAX})


class HideForm(FlaskForm):
    reason = StringField("隐藏理由（建议人会收到通知）", render_kw={"required": True, "maxlength": NOTE_MAX})
