"""Forms of the staff pages for suggestions: the managed lists (categories, screening reasons).

They only check what a form can; the services validate the names (length, duplicates) and
the views put those problems under the fields.
"""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Optional, Regexp


class ListItemForm(FlaskForm):
    """Add an item, or rename it and change its position."""

    name = StringField("名称", validators=[DataRequired(message="请填写名称")],
                       render_kw={"maxlength": 64, "autocomplete": "off"})
    # Text with a pattern rather than IntegerField, whose "not a valid integer" message is English.
    position = StringField("顺序", validators=[Optional(), Regexp(r"^\d{1,4}$", message="顺序应为 0–9999 的整数")],
                           render_kw={"inputmode": "numeric", "maxlength": 4})

    @property
    def position_value(self):
        value = (self.position.data or "").strip()
        return int(value) if value else None


class ToggleForm(FlaskForm):
    """Deactivate or reactivate an item (the CSRF token is all it carries)."""
