"""The search results page (the nav bar's search box submits here)."""
from flask import Blueprint, render_template, request
from flask_login import current_user
from wtforms import SelectChoice

from webapp.core.errors import ValidationError
from webapp.core.pagination import parse_page_args
from webapp.search import services
from webapp.search.forms import SearchForm

bp = Blueprint("search", __name__, url_prefix="/search", template_folder="templates")
PER_PAGE = 10


@bp.route("/")
def index():
    form = SearchForm(request.args)
    labels = services.type_labels()
    form.type.choices = [SelectChoice("", "全部类型"), *(SelectChoice(k, v) for k, v in labels.items())]
    form.sort.data = form.sort.data if form.sort.data in services.SORTS else "relevance"
    page_no, per_page = parse_page_args(request.args, PER_PAGE, 50)
    q = (form.q.data or "").strip()[:services.Q_MAX]
    result = None
    valid = form.validate()
    if q and valid:
        try:
            result = services.search(
                current_user, q, types=[form.type.data] if form.type.data else [],
                discipline=form.discipline.data, category=form.category.data, date_from=form.date_from.data,
                date_to=form.date_to.data, sort=form.sort.data, page=page_no, per_page=per_page)
        except ValidationError as exc:
            for name, message in exc.fields.items():
                getattr(form, name, form.q).errors = [message]
    filtered = any([form.type.data, form.discipline.data, form.category.data, form.date_from.data,
                    form.date_to.data])
    return render_template("search/index.html", form=form, q=q, result=result, filtered=filtered)
