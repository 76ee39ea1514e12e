"""Salon pages: the calendar, a salon, proposing and editing, registering, my salons, and
the host's pages after the salon. Each view parses, calls one service and renders."""
import re
from datetime import UTC

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from webapp.core.errors import ServiceError, ValidationError
from webapp.core.forms import (
    already_submitted,
    flash_service_error,
    redirect_after_submission,
    show_service_error,
    uploaded,
)
from webapp.core.timeutil import local_zone, to_local
from webapp.core.uploads import download_headers, stored_file
from webapp.salons import services
from webapp.salons.forms import CheckInForm, MinutesForm, ReviewForm, SalonForm, SlidesForm, choices
from webapp.salons.models import DISCIPLINES, RegistrationStatus, SalonState
from webapp.salons.services import rules

bp = Blueprint("salons", __name__, url_prefix="/salons", template_folder="templates")

def _discipline_arg():
    value = request.args.get("discipline", "")
    return value if value in DISCIPLINES else None


@bp.route("/")
def index():
    discipline = _discipline_arg()
    return render_template("salons/index.html", upcoming=services.upcoming(discipline),
                           past=services.past(discipline, limit=6), discipline=discipline, disciplines=DISCIPLINES)


def _month_arg():
    match = re.fullmatch(r"(\d{4})-(\d{2})", request.args.get("month", ""))
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    today = services.today()
    return today.year, today.month


@bp.route("/calendar")
def calendar():
    year, month = _month_arg()
    discipline = _discipline_arg()
    weeks, by_day = services.month(year, month, discipline)
    prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return render_template("salons/calendar.html", weeks=weeks, by_day=by_day, year=year, month=month,
                           prev_month="{:04d}-{:02d}".format(*prev_month), next_month="{:04d}-{:02d}".format(*next_month),
                           discipline=discipline, disciplines=DISCIPLINES, today=services.today())


# ---------------------------------------------------------------- proposing

def _room_choices():
    return choices([("", "不使用科协场地（填写地址）")] + [(r.id, f"{r.name}（{r.capacity} 人）") for r in services.rooms()])


def _utc(local_naive):
    if local_naive is None:
        return None
    return local_naive.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def _local_naive(utc_naive):
    return to_local(utc_naive).replace(tzinfo=None, second=0, microsecond=0)


def parse_speakers(text):
    """One speaker a line: "姓名，单位" (a guest) or "@用户名" (a registered user)."""
    from webapp.accounts.models import User

    speakers = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("@"):
            username = line[1:].split()[0] if line[1:].split() else ""
            user = User.query.filter_by(username=username).first()
            if user is None:
                raise ValidationError(fields={"speakers": f"找不到用户 @{username}"})
            speakers.append({"user_id": user.id})
            continue
        parts = re.split(r"[，,|｜]", line, maxsplit=1)
        name = parts[0].strip()
        affiliation = parts[1].strip() if len(parts) > 1 else ""
        speakers.append({"name": name, "affiliation": affiliation})
    return speakers


def speakers_text(salon):
    return "\n".join(f"@{s.user.username}" if s.user_id and s.user else
                     (f"{s.name}，{s.affiliation}" if s.affiliation else s.name) for s in salon.speakers)


def as_int(text):
    """A whole number typed in a form, or None (the service then names the field)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _values(form):
    return dict(title=form.title.data, discipline=form.discipline.data, description=form.description.data,
                format=form.format.data, room_id=int(form.room_id.data) if (form.room_id.data or "").isdigit() else None,
                address=form.address.data, online_url=form.online_url.data, capacity=as_int(form.capacity.data),
                requires_approval=bool(form.requires_approval.data), start=_utc(form.start.data),
                end=_utc(form.end.data), registration_deadline=_utc(form.registration_deadline.data),
                speakers=parse_speakers(form.speakers.data))


def _after_save(salon, form):
    """File the salon when the host asked for it; flash the outcome."""
    if form.action.data != "file":
        flash("沙龙已保存为草稿。报备后经工作人员审核通过才会公开。", "success")
        return
    for warning in services.file_salon(current_user, salon):
        flash(warning, "warning")
    flash("沙龙已报备，等待工作人员审核。", "success")


def _bad_form_fields(form):
    """Typed values the form itself could not read (a date, a number), as the service names them."""
    problems = {}
    for name in ("start", "end", "registration_deadline"):
        if form[name].raw_data and form[name].raw_data[0] and form[name].data is None:
            problems[name] = "格式不正确"
    if (form.capacity.data or "").strip() and as_int(form.capacity.data) is None:
        problems["capacity"] = "请填写整数"
    return problems


def _submitted(form):
    """A POST with a valid CSRF token. What the fields could not read (a date, a number) is
    not said in WTForms' English: `_bad_form_fields` names it as the service names its faults."""
    if request.method != "POST":
        return False
    form.validate()
    if form.csrf_token.errors:
        return False
    for field in form:
        field.errors = []
    return True


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = SalonForm()
    form.room_id.choices = _room_choices()
    status = 200
    if _submitted(form):
        done = already_submitted(current_user, form)
        if done is not None:
            return done
        try:
            problems = _bad_form_fields(form)
            if problems:
                raise ValidationError(fields=problems)
            salon = services.propose(current_user, **_values(form))
            _after_save(salon, form)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            return redirect_after_submission(current_user, form, url_for("salons.detail", salon_id=salon.id))
    elif request.method == "POST":
        status = 400
    return render_template("salons/form.html", form=form, salon=None,
                           earliest=services.earliest_start_date()), status


@bp.route("/<int:salon_id>/edit", methods=["GET", "POST"])
@login_required
def edit(salon_id):
    salon = services.get_salon(salon_id, current_user)
    if not rules.can_edit(current_user, salon):
        abort(403)
    if request.method == "GET":
        form = SalonForm(formdata=None, obj=None, title=salon.title, discipline=salon.discipline,
                         description=salon.description, format=salon.format, room_id=str(salon.room_id or ""),
                         address=salon.address, online_url=salon.online_url, capacity=str(salon.capacity),
                         requires_approval=salon.requires_approval, start=_local_naive(salon.starts_at),
                         end=_local_naive(salon.ends_at),
                         registration_deadline=_local_naive(salon.registration_deadline),
                         speakers=speakers_text(salon))
    else:
        form = SalonForm()
    form.room_id.choices = _room_choices()
    status = 200
    if _submitted(form):
        try:
            problems = _bad_form_fields(form)
            if problems:
                raise ValidationError(fields=problems)
            services.edit(current_user, salon, **_values(form))
            _after_save(salon, form)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            return redirect(url_for("salons.detail", salon_id=salon.id))
    elif request.method == "POST":
        status = 400
    return render_template("salons/form.html", form=form, salon=salon,
                           earliest=services.earliest_start_date()), status


# ---------------------------------------------------------------- a salon

@bp.route("/<int:salon_id>")
def detail(salon_id):
    salon = services.get_salon(salon_id, current_user)
    user = current_user
    perms = services.permissions(user, salon)
    reg = services.registration_of(user, salon)
    manage = perms["manage_registrations"]
    regs = services.registrations(salon) if manage else []
    from webapp.salons.chat import can_read_salon_chat

    chat_url = url_for("chat.room", room=f"salon:{salon.id}") if (
        salon.state == SalonState.approved.value and can_read_salon_chat(user, salon, reg)) else None
    return render_template(
        "salons/detail.html", salon=salon, perms=perms, chat_url=chat_url, reg=reg if reg and reg.status != "cancelled" else None,
        position=services.waiting_position(reg), regs=regs, closed=rules.registration_closed(salon),
        review_form=ReviewForm(formdata=None), checkin_form=CheckInForm(formdata=None),
        minutes_form=MinutesForm(formdata=None, minutes=salon.minutes), slides_form=SlidesForm(formdata=None),
        can_check_in=rules.can_check_in(user, salon) and reg is not None and reg.status == "registered",
        can_unregister=rules.can(rules.why_not_cancel_registration, user, salon),
        report_due=services.report_due(salon), report_late=services.is_report_late(salon),
        attended=services.attendance_count(salon) if manage else None, R=RegistrationStatus)


def _back(salon):
    return redirect(url_for("salons.detail", salon_id=salon.id))


def _act(salon_id, action, success):
    salon = services.get_salon(salon_id, current_user)
    try:
        action(salon)
    except ServiceError as exc:
        flash_service_error(exc)
    else:
        if success:
            flash(success, "success")
    return _back(salon)


@bp.route("/<int:salon_id>/file", methods=["POST"])
@login_required
def file(salon_id):
    def run(salon):
        for warning in services.file_salon(current_user, salon):
            flash(warning, "warning")
    return _act(salon_id, run, "沙龙已报备，等待工作人员审核。")


@bp.route("/<int:salon_id>/cancel", methods=["POST"])
@login_required
def cancel(salon_id):
    return _act(salon_id, lambda s: services.cancel(current_user, s), "沙龙已取消。")


@bp.route("/<int:salon_id>/register", methods=["POST"])
@login_required
def register(salon_id):
    def run(salon):
        reg = services.register(current_user, salon)
        messages = {"registered": "报名成功！", "pending": "已提交报名，等待主持人确认。",
                    "waiting": f"名额已满，您已进入候补名单（第 {services.waiting_position(reg)} 位）。"}
        flash(messages[reg.status], "success")
    return _act(salon_id, run, None)


@bp.route("/<int:salon_id>/unregister", methods=["POST"])
@login_required
def unregister(salon_id):
    return _act(salon_id, lambda s: services.cancel_registration(current_user, s), "已取消报名。")


@bp.route("/<int:salon_id>/registrations/<int:registration_id>", methods=["POST"])
@login_required
def decide(salon_id, registration_id):
    accept = request.form.get("decision") == "accept"
    return _act(salon_id, lambda s: services.decide_registration(current_user, s, registration_id, accept),
                "已处理该报名。")


@bp.route("/<int:salon_id>/checkin", methods=["POST"])
@login_required
def checkin(salon_id):
    form = CheckInForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(salon_id, lambda s: services.check_in(current_user, s, form.code.data), "签到成功。")


@bp.route("/<int:salon_id>/attendance", methods=["POST"])
@login_required
def attendance(salon_id):
    ids = [v for v in request.form.getlist("attended") if v.isdigit() and len(v) < 10]
    return _act(salon_id, lambda s: services.set_attendance(current_user, s, ids), "考勤已保存。")


@bp.route("/<int:salon_id>/minutes", methods=["POST"])
@login_required
def minutes(salon_id):
    form = MinutesForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(salon_id, lambda s: services.save_minutes(current_user, s, form.minutes.data), "纪要已保存。")


@bp.route("/<int:salon_id>/slides", methods=["POST"])
@login_required
def upload_slides(salon_id):
    form = SlidesForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(salon_id, lambda s: services.upload_slides(current_user, s, uploaded(form.slides)),
                "演示文稿已上传。")


@bp.route("/<int:salon_id>/slides.pdf")
def slides(salon_id):
    salon = services.get_salon(salon_id, current_user)
    if not rules.can_see_materials(current_user, salon):
        abort(403)
    path = stored_file(services.slides_path(salon))
    if path is None:
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"salon-{salon.id}-slides.pdf")
    return download_headers(response)


@bp.route("/<int:salon_id>/report", methods=["POST"])
@login_required
def file_report(salon_id):
    return _act(salon_id, lambda s: services.file_report(current_user, s), "纪要与考勤已报备。")


@bp.route("/<int:salon_id>/review", methods=["POST"])
@login_required
def review(salon_id):
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    decision = request.form.get("decision", "")
    return _act(salon_id, lambda s: services.review(current_user, s, decision, form.comment.data or ""),
                "已通过该沙龙。" if decision == "approve" else "已退回该沙龙。")


@bp.route("/<int:salon_id>/salon.ics")
def ics(salon_id):
    salon = services.get_salon(salon_id, current_user)
    return Response(services.salon_ics(salon), mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="salon-{salon.id}.ics"'})


# ---------------------------------------------------------------- my salons

@bp.route("/mine")
@login_required
def mine():
    token = services.feed_token(current_user)
    feed_url = url_for("api.salon_feed", token=token, _external=True) if token else None
    return render_template("salons/mine.html", mine=services.my_salons(current_user), feed_url=feed_url)


@bp.route("/mine/feed", methods=["POST"])
@login_required
def feed():
    if request.form.get("action") == "revoke":
        services.revoke_feed_token(current_user)
        flash("订阅链接已停用。", "success")
    else:
        services.reset_feed_token(current_user)
        flash("已生成新的订阅链接，旧链接随即失效。", "success")
    return redirect(url_for("salons.mine"))


@bp.app_template_global()
def salons_on_home():
    """The home page's salons column: the next approved salons, soonest first."""
    from webapp.salons.services.listing import list_salons

    return list_salons(None, when="upcoming", limit=4)
