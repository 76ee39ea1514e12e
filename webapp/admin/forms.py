"""Forms of the staff pages. The services validate again; these give the page its errors."""
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.accounts.models import Role
from webapp.admin.services import USER_STATES


def select_choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class UserSearchForm(FlaskForm):
    """The GET filter above the user list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("搜索", validators=[Optional(), Length(max=100)])
    role = SelectField("角色", choices=select_choices([("", "全部角色")] + Role.choices()), validators=[Optional()])
    state = SelectField("状态", choices=select_choices([("", "全部状态")] + list(USER_STATES.items())), validators=[Optional()])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField("操作", choices=select_choices([("", "全部操作")]), validators=[Optional()])


class GrantRoleForm(FlaskForm):
    role = SelectField("角色", choices=select_choices(Role.choices()), validators=[DataRequired(message="请选择角色")])


class SuspendForm(FlaskForm):
    reason = TextAreaField("停用原因", validators=[DataRequired(message="请填写停用原因"), Length(max=1000)])


class ApproveForm(FlaskForm):
    note = TextAreaField("备注（可选）", validators=[Optional(), Length(max=1000)])


class RejectForm(FlaskForm):
    reason = TextAreaField("不通过的原因", validators=[DataRequired(message="请填写不通过的原因"), Length(max=1000)])
