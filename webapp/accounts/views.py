"""Account pages (STUB — being written)."""
from flask import Blueprint, abort, send_file

from webapp.core import uploads

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "login"


@bp.route("/register", methods=["GET", "POST"])
def register():
    return "register"


@bp.route("/logout", methods=["POST"])
def logout():
    return "logout"


@bp.route("/u/<username>")
def profile(username):
    return username


@bp.route("/account/profile", methods=["GET", "POST"])
def edit_profile():
    return "edit"


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    return "pw"


@bp.route("/account/verification", methods=["GET", "POST"])
def verification():
    return "verification"


@bp.route("/avatars/<key>-<size>.webp")
def avatar(key, size):
    path = uploads.avatar_path(key, size)
    if path is None or not path.exists():
        abort(404)
    return send_file(path, mimetype="image/webp", max_age=86400)
