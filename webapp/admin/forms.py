"""Forms of the staff pages: they render the fields and carry the CSRF token.

The services check what was sent (required reasons, their length, known roles); the views
put their errors under these fields. The two GET filters have no CSRF and drop a value they
do not know (a search filter, not an action).
"""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from webapp.accounts.models import REASON_MAX, Role
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
    role = SelectField("角色", choices=select_choices(Role.choices()), validate_choice=False,
                       render_kw={"required": True})


class SuspendForm(FlaskForm):
    reason = TextAreaField("停用原因", render_kw={"required": True, "maxlength": REASON_MAX})


class ApproveForm(FlaskForm):
    note = TextAreaField("备注（可选）", render_kw={"maxlength": REASON_MAX})
    # Only offered when another verified account holds the same identity.
    override = BooleanField("确认通过重复身份")
    override_reason = TextAreaField("确认的理由", render_kw={"maxlength": REASON_MAX})


class RejectForm(FlaskForm):
    reason = TextAreaField("不通过的原因", render_kw={"required": True, "maxlength": REASON_MAX})
