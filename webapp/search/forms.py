"""The search page's GET form (no CSRF: it changes nothing). The services check the filters."""
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Optional

from webapp.search.services import Q_MAX, SORTS


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("搜索内容", render_kw={"maxlength": Q_MAX, "autocomplete": "off", "type": "search"})
    type = SelectField("类型", validate_choice=False)
    discipline = StringField("学科", validators=[Optional()], render_kw={"maxlength": 64})
    category = StringField("分类", validators=[Optional()], render_kw={"maxlength": 64})
    date_from = DateField("起始日期", validators=[Optional()], render_kw={"type": "date"})
    date_to = DateField("截止日期", validators=[Optional()], render_kw={"type": "date"})
    sort = SelectField("排序", validate_choice=False, choices=[SelectChoice(k, v) for k, v in SORTS.items()])
