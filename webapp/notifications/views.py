"""Notification centre (STUB — being written)."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


@bp.route("/")
@login_required
def index():
    return "notifications"
