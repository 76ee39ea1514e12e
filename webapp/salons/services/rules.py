"""Who may do what with a salon, now: one rule per action.

`why_not_<action>(user, salon)` returns the refusing ServiceError or None; `can_<action>`
is the same rule as a bool (the page's buttons, the API's `permissions`, the templates).
"""
from flask import current_app

from webapp.core.db import utcnow
from webapp.core.errors import AuthenticationRequired, Conflict, NotFound, PermissionDenied
from webapp.core.permissions import is_authenticated, is_staff
from webapp.salons.models import SalonState

S = SalonState
_STAFF_ONLY = "只有工作人员可以执行此操作"


def is_host(user, salon):
    return is_authenticated(user) and salon.host_id == user.id


def is_speaker(user, salon):
    return is_authenticated(user) and any(s.user_id == user.id for s in salon.speakers)


def _login_refusal(user):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if user.is_suspended:
        return PermissionDenied("账号已被停用")
    return None


def _state_refusal(salon, *states):
    if salon.state not in [s.value for s in states]:
        return Conflict(f"当前状态（{salon.state_enum.title}）下不能执行此操作", code="illegal_transition")
    return None


def is_visible_to(user, salon):
    """Approved salons are public; the others only for their host and staff."""
    return salon.is_public or is_host(user, salon) or is_staff(user)


def why_not_view(user, salon):
    return None if is_visible_to(user, salon) else NotFound("找不到该学术沙龙")


def why_not_propose(user, salon=None):
    return _login_refusal(user)


def why_not_edit(user, salon):
    refusal = _login_refusal(user) or why_not_view(user, salon)
    if refusal:
        return refusal
    if not is_host(user, salon):
        return PermissionDenied("只有发起人可以修改沙龙")
    return _state_refusal(salon, S.draft, S.returned)


def why_not_file(user, salon):
    return why_not_edit(user, salon)


def why_not_review(user, salon):
    refusal = _login_refusal(user)
    if refusal:
        return refusal
    if not is_staff(user):
        return PermissionDenied(_STAFF_ONLY)
    return _state_refusal(salon, S.filed)


def why_not_cancel(user, salon):
    refusal = _login_refusal(user) or why_not_view(user, salon)
    if refusal:
        return refusal
    if not (is_host(user, salon) or is_staff(user)):
        return PermissionDenied("只有发起人或工作人员可以取消沙龙")
    refusal = _state_refusal(salon, S.draft, S.filed, S.returned, S.approved)
    if refusal:
        return refusal
    if salon.starts_at <= utcnow():
        return Conflict("沙龙已经开始，不能取消", code="already_started")
    return None


def registration_closed(salon):
    """Why registration is closed now (a message), or None while it is open."""
    now = utcnow()
    if not salon.is_public:
        return "沙龙尚未通过报备，暂不接受报名"
    if now >= salon.starts_at:
        return "沙龙已经开始，报名已结束"
    if now >= salon.registration_deadline:
        return "报名已截止"
    return None


def why_not_register(user, salon):
    refusal = _login_refusal(user) or why_not_view(user, salon)
    if refusal:
        return refusal
    if is_host(user, salon):
        return Conflict("发起人无需报名自己的沙龙", code="own_salon")
    closed = registration_closed(salon)
    if closed:
        return Conflict(closed, code="registration_closed")
    return None


def why_not_cancel_registration(user, salon):
    refusal = _login_refusal(user) or why_not_view(user, salon)
    if refusal:
        return refusal
    if utcnow() >= salon.starts_at:
        return Conflict("沙龙已经开始，不能取消报名", code="already_started")
    return None


def why_not_manage_registrations(user, salon):
    """The host confirms pending registrations (host-approval mode) and keeps attendance."""
    refusal = _login_refusal(user) or why_not_view(user, salon)
    if refusal:
        return refusal
    if not (is_host(user, salon) or is_staff(user)):
        return PermissionDenied("只有发起人可以管理报名")
    return _state_refusal(salon, S.approved)


def why_not_record_attendance(user, salon):
    """Attendance, minutes and slides: by the host, once the salon has started, until filed."""
    refusal = why_not_manage_registrations(user, salon)
    if refusal:
        return refusal
    if utcnow() < salon.starts_at:
        return Conflict("沙龙开始后才能记录考勤、上传资料和撰写纪要", code="not_started")
    if salon.report_filed_at is not None:
        return Conflict("纪要与考勤已经报备", code="already_filed")
    return None


def why_not_file_report(user, salon):
    refusal = why_not_record_attendance(user, salon)
    if refusal:
        return refusal
    if utcnow() < salon.ends_at:
        return Conflict("沙龙结束后才能报备纪要与考勤", code="not_ended")
    return None


def checkin_window(salon):
    """(opens, closes) of the check-in code: an hour before the start until 12 hours after the end."""
    from datetime import timedelta

    return salon.starts_at - timedelta(hours=1), salon.ends_at + timedelta(hours=12)


def why_not_check_in(user, salon):
    refusal = _login_refusal(user) or why_not_view(user, salon)
    if refusal:
        return refusal
    opens, closes = checkin_window(salon)
    if not (opens <= utcnow() <= closes) or salon.report_filed_at is not None:
        return Conflict("现在不在签到时间内", code="checkin_closed")
    return None


def why_not_see_materials(user, salon):
    """Minutes and slides: the host, speakers who are users, registered attendees, staff."""
    from webapp.salons.services.registration import registration_of

    if is_host(user, salon) or is_staff(user) or is_speaker(user, salon):
        return None
    if not is_authenticated(user):
        return AuthenticationRequired()
    reg = registration_of(user, salon)
    if reg is not None and reg.status == "registered":
        return None
    return PermissionDenied("纪要与资料仅对主持人、主讲人和已报名者开放")


def can(rule, user, salon):
    return rule(user, salon) is None


def can_edit(user, salon):
    return can(why_not_edit, user, salon)


def can_file(user, salon):
    return can(why_not_file, user, salon)


def can_review(user, salon):
    return can(why_not_review, user, salon)


def can_cancel(user, salon):
    return can(why_not_cancel, user, salon)


def can_register(user, salon):
    return can(why_not_register, user, salon)


def can_manage_registrations(user, salon):
    return can(why_not_manage_registrations, user, salon)


def can_record_attendance(user, salon):
    return can(why_not_record_attendance, user, salon)


def can_file_report(user, salon):
    return can(why_not_file_report, user, salon)


def can_check_in(user, salon):
    return can(why_not_check_in, user, salon)


def can_see_materials(user, salon):
    return can(why_not_see_materials, user, salon)


def permissions(user, salon):
    """What `user` may do with `salon` now (the page's buttons and the API's `permissions`)."""
    return {
        "edit": can_edit(user, salon),
        "file": can_file(user, salon),
        "review": can_review(user, salon),
        "cancel": can_cancel(user, salon),
        "register": can_register(user, salon),
        "manage_registrations": can_manage_registrations(user, salon),
        "record_attendance": can_record_attendance(user, salon),
        "file_report": can_file_report(user, salon),
        "see_materials": can_see_materials(user, salon),
    }


def setting(name):
    return current_app.config[name]
