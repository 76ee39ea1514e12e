"""Forms of the staff pages for suggestions: the managed lists (categories, screening reasons).

They render the fields and carry the CSRF token; the services validate the names (required,
length, duplicates) and positions, and the views put those problems under the fields.
"""
from flask_wtf import FlaskForm
from wtforms import StringField


class ListItemForm(FlaskForm):
    """Add an item, or rename it and change its position."""

    name = StringField("名称", render_kw={"required": True, "maxlength": 64, "autocomplete": "off"})
    # Text rather than IntegerField, whose "not a valid integer" message is English.
    position = StringField("顺序", render_kw={"inputmode": "numeric", "maxlength": 4})


class ToggleForm(FlaskForm):
    """Deactivate or reactivate an item (the CSRF token is all it carries)."""
