"""Suggestion pages: browse, write, read, support, answer, rate, and the staff actions on a suggestion."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__, template_folder="templates")


# Placeholders so other pages can link with url_for while the real pages are being built.
@bp.route("/suggestions/")
def index():
    return "建言献策"


@bp.route("/suggestions/new")
def new():
    return "写建议"


@bp.route("/suggestions/<int:suggestion_id>")
def detail(suggestion_id):
    return "建议"
