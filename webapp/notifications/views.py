"""Notification centre: the user's notifications, newest first; mark one or all read."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.core.pagination import paginate, parse_page_args
from webapp.core.urls import safe_next
from webapp.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


@bp.route("/")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    page, per_page = parse_page_args(request.args, default_per_page=20)
    result = paginate(services.notifications_for(current_user, unread_only=unread_only), page, per_page)
    return render_template("notifications/index.html", page=result, unread_only=unread_only)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id):
    """Mark read, then go where the form says (`next`), else to the notification's link."""
    note = services.mark_read(current_user, notification_id)
    target = safe_next(request.form.get("next")) or safe_next(note.link) or url_for("notifications.index")
    return redirect(target)


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user)
    flash(f"已将 {count} 条通知标为已读" if count else "没有未读通知", "success" if count else "info")
    return redirect(safe_next(request.form.get("next")) or url_for("notifications.index"))
