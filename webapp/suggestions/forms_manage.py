"""Forms of the staff pages for suggestions: the managed lists (categories, screening reasons).

They render the fields and carry the CSRF token; the services validate the names (required,
length, duplicates) and positions, and the views put those problems under the fields.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField

from webapp.suggestions.models import RESPONSIBILITIES_MAX


class ListItemForm(FlaskForm):
    """Add an item, or rename it and change its position."""

    name = StringField("名称", render_kw={"required": True, "maxlength": 64, "autocomplete": "off"})
    # Text rather than IntegerField, whose "not a valid integer" message is English.
    position = StringField("顺序", render_kw={"inputmode": "numeric", "maxlength": 4})


class LeaderProfileForm(FlaskForm):
    """A leader's responsibilities (分工) and photo, edited by staff."""

    responsibilities = TextAreaField("分工", render_kw={"rows": 4, "maxlength": RESPONSIBILITIES_MAX})
    photo = FileField("照片（可选）", render_kw={"accept": "image/jpeg,image/png,image/webp"})


class ToggleForm(FlaskForm):
    """Deactivate or reactivate an item (the CSRF token is all it carries)."""
