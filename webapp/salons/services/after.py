"""After the salon: attendance (a check-in code or the host's list), slides, minutes, and
their filing within N days (the second half of 前后10天报备); reminders for cron."""
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app

from webapp.core import audit, uploads
from webapp.core.db import utcnow
from webapp.core.errors import ValidationError
from webapp.core.permissions import guard, require_staff
from webapp.core.timeutil import to_local
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.salons import models as m
from webapp.salons.models import RegistrationStatus, Salon, SalonAction, SalonRegistration, SalonState
from webapp.salons.services import rules
from webapp.salons.services.registration import registration_of

SLIDES_KIND = "salon_slides"
R = RegistrationStatus


def report_days_after():
    return rules.setting("SALON_REPORT_DAYS_AFTER")


def report_due(salon):
    """When the minutes and attendance must be filed by (naive UTC)."""
    return salon.ends_at + timedelta(days=report_days_after())


def is_report_late(salon, now=None):
    return (salon.report_filed_at or now or utcnow()) > report_due(salon)


def check_in(user, salon, code):
    """An attendee enters the code shown at the venue."""
    guard(rules.why_not_check_in(user, salon))
    reg = registration_of(user, salon)
    if reg is None or reg.status != R.registered.value:
        raise ValidationError(fields={"code": "您没有报名该沙龙，无法签到"})
    if not salon.checkin_code or not secrets.compare_digest((code or "").strip(), salon.checkin_code):
        raise ValidationError(fields={"code": "签到码不正确"})
    if not reg.attended:
        reg.attended, reg.checked_in_at = True, utcnow()
    db.session.flush()
    return reg


def set_attendance(user, salon, attended_ids):
    """The host ticks who attended, from the registered list."""
    guard(rules.why_not_record_attendance(user, salon))
    attended_ids = {int(i) for i in attended_ids}
    for reg in SalonRegistration.query.filter_by(salon_id=salon.id, status=R.registered.value):
        present = reg.id in attended_ids
        if present and not reg.attended:
            reg.checked_in_at = utcnow()
        reg.attended = present
    db.session.flush()


def save_minutes(user, salon, minutes):
    guard(rules.why_not_record_attendance(user, salon))
    minutes = (minutes or "").strip()
    if len(minutes) > m.MINUTES_MAX:
        raise ValidationError(fields={"minutes": f"纪要不能超过 {m.MINUTES_MAX} 个字"})
    salon.minutes = minutes
    db.session.flush()
    return salon


def _slides_dir():
    path = Path(current_app.config["UPLOAD_DIR"]) / SLIDES_KIND
    path.mkdir(parents=True, exist_ok=True)
    return path


def slides_path(salon):
    return uploads.private_document_path(salon.slides_key, SLIDES_KIND) if salon.slides_key else None


def upload_slides(user, salon, stream):
    """Slides as a PDF, checked by core.uploads (parsed by pypdf, no scripts or attachments)."""
    guard(rules.why_not_record_attendance(user, salon))
    if stream is None:
        raise ValidationError(fields={"slides": "请选择 PDF 文件"})
    limit = current_app.config["SALON_SLIDES_MAX_BYTES"]
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(fields={"slides": f"文件不能超过 {limit // (1024 * 1024)} MB"})
    if not data.startswith(b"%PDF-"):
        raise ValidationError(fields={"slides": "只接受 PDF 文件"})
    try:
        uploads.check_pdf(data)
    except uploads.UploadError as exc:
        raise ValidationError(fields={"slides": exc.message}) from None
    key = f"{secrets.token_hex(16)}.pdf"
    uploads.store(_slides_dir() / key, data)
    salon.slides_key = key
    db.session.flush()
    return salon


def referenced_slides(names):
    rows = db.session.query(Salon.slides_key).filter(Salon.slides_key.in_(list(names)))
    return {key for (key,) in rows}


def file_report(user, salon):
    """File the minutes and attendance (报备纪要与考勤) after the salon."""
    guard(rules.why_not_file_report(user, salon))
    if len(salon.minutes.strip()) < m.MINUTES_MIN:
        raise ValidationError("请先撰写纪要", fields={"minutes": f"纪要至少 {m.MINUTES_MIN} 个字"})
    salon.report_filed_at = utcnow()
    late = is_report_late(salon)
    audit.record(user, SalonAction.file_report, "salon", salon.id, summary=salon.title + ("（逾期）" if late else ""))
    db.session.flush()
    return salon


def attendance_count(salon):
    return SalonRegistration.query.filter_by(salon_id=salon.id, status=R.registered.value, attended=True).count()


def reports_outstanding(user):
    """Approved salons that have ended without their minutes and attendance filed, for staff,
    with whether each is late: (salon, due, late)."""
    require_staff(user)
    now = utcnow()
    salons = (Salon.query.filter(Salon.state == SalonState.approved.value, Salon.ends_at <= now,
                                 Salon.report_filed_at.is_(None)).order_by(Salon.ends_at).all())
    return [(s, report_due(s), now > report_due(s)) for s in salons]


def late_reports(user):
    return [row for row in reports_outstanding(user) if row[2]]


# ---------------------------------------------------------------- reminders (cron)

REPORT_REMIND_BEFORE = timedelta(days=3)


def send_reminders():
    """Remind registrants 24 hours before the start, and hosts whose filing after the salon
    is due within 3 days or late. Each reminder once (its sent-marker): run it as often as
    you like. Returns (registrants reminded, hosts reminded)."""
    now = utcnow()
    regs = (SalonRegistration.query.join(Salon, Salon.id == SalonRegistration.salon_id)
            .filter(Salon.state == SalonState.approved.value, Salon.starts_at > now,
                    Salon.starts_at <= now + timedelta(hours=24),
                    SalonRegistration.status == R.registered.value, SalonRegistration.reminded_at.is_(None))
            .all())
    for reg in regs:
        salon = reg.salon
        when = to_local(salon.starts_at).strftime("%m月%d日 %H:%M")
        notify(reg.user, "salon.reminder", f"提醒：学术沙龙《{salon.title}》将于 {when} 开始",
               salon.venue or salon.online_url, link=salon.url)
        reg.reminded_at = now
    hosts = 0
    due_soon = (Salon.query.filter(Salon.state == SalonState.approved.value, Salon.ends_at <= now,
                                   Salon.report_filed_at.is_(None), Salon.report_reminded_at.is_(None)).all())
    for salon in due_soon:
        due = report_due(salon)
        if now < due - REPORT_REMIND_BEFORE:
            continue
        notify(salon.host, "salon.report_due",
               f"请报备沙龙《{salon.title}》的纪要与考勤（截止 {to_local(due).strftime('%Y-%m-%d')}）",
               "活动结束后须在规定天数内报备纪要与考勤。", link=salon.url)
        salon.report_reminded_at = now
        hosts += 1
    db.session.flush()
    return len(regs), hosts
