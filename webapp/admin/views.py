"""Staff pages (STUB — being written)."""
from flask import Blueprint

from webapp.core.permissions import staff_required

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/")
@staff_required
def index():
    return "admin"
