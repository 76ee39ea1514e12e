"""Leaders' pages: the leader's inbox, each verified leader's public page, the association-wide ranking."""
from flask import Blueprint

bp = Blueprint("leaders", __name__, url_prefix="/leaders", template_folder="templates")


# Placeholders so other pages can link with url_for while the real pages are being built.
@bp.route("/")
def ranking():
    return "领导答复情况"


@bp.route("/<int:leader_id>")
def detail(leader_id):
    return "领导"


@bp.route("/inbox")
def inbox():
    return "领导信箱"
