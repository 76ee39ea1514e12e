"""Staff pages for salons: the filing queue, reports due or late after salons, the rooms
list and the report for a period (table, chart, CSV)."""
from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.core.errors import ServiceError
from webapp.core.forms import show_service_error
from webapp.core.permissions import staff_required
from webapp.extensions import db
from webapp.salons import services
from webapp.salons.forms import ReportForm, ReviewForm, RoomForm
from webapp.salons.models import Salon, SalonRoom, SalonState

bp = Blueprint("salons_manage", __name__, url_prefix="/admin/salons", template_folder="templates")


@bp.route("/")
@staff_required
def queue():
    filed = Salon.query.filter(Salon.state == SalonState.filed.value).order_by(Salon.starts_at).all()
    return render_template("salons/manage_queue.html", filed=filed, review_form=ReviewForm(formdata=None),
                           outstanding=services.reports_outstanding(current_user))


@bp.route("/rooms", methods=["GET", "POST"])
@staff_required
def rooms():
    form = RoomForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        from webapp.salons.views import as_int

        room = None
        room_id = request.form.get("room_id", "")
        if room_id.isdigit() and len(room_id) < 10:
            room = db.session.get(SalonRoom, int(room_id))
        try:
            services.save_room(current_user, form.name.data, as_int(form.capacity.data), form.address.data, room=room,
                               active=bool(form.active.data))
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("场地已保存。", "success")
            return redirect(url_for("salons_manage.rooms"))
    elif request.method == "POST":
        status = 400
    return render_template("salons/manage_rooms.html", form=form, rooms=services.rooms(active_only=False)), status


def _period():
    form = ReportForm(request.args)
    today = services.today()
    start = form.start.data if form.start.data else today.replace(day=1) - timedelta(days=180)
    end = form.end.data if form.end.data else today + timedelta(days=60)
    if end < start:
        start, end = end, start
    if (end - start).days > 3660:
        start = end - timedelta(days=3660)
    form.start.data, form.end.data = start, end
    return form, start, end


@bp.route("/report")
@staff_required
def report():
    form, start, end = _period()
    data = services.report(current_user, start, end)
    return render_template("salons/manage_report.html", form=form, data=data)


@bp.route("/report.csv")
@staff_required
def report_csv():
    _, start, end = _period()
    data = services.report(current_user, start, end)
    return Response(services.report_csv(data).encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="salons-{start}-{end}.csv"'})
