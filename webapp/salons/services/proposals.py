"""Proposing a salon, filing it (报备) with the association and its review by staff;
the managed list of rooms and the conflicts between salons."""
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from webapp.core import audit
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import ValidationError
from webapp.core.permissions import guard, require_staff
from webapp.core.timeutil import local_zone, to_local
from webapp.core.workdays import local_date
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.salons import models as m
from webapp.salons.models import Salon, SalonAction, SalonFormat, SalonRoom, SalonSpeaker, SalonState
from webapp.salons.services import rules

STAFF_SENDER = "科协工作人员"


def today():
    return local_date(utcnow(), local_zone())


def file_days_before():
    return rules.setting("SALON_FILE_DAYS_BEFORE")


def earliest_start_date(on=None):
    """The first local date a salon filed on `on` (today) may start on."""
    return (on or today()) + timedelta(days=file_days_before())


def get_salon(salon_id, user):
    salon = get_by_id(Salon, salon_id)
    if salon is None:
        raise rules.NotFound("找不到该学术沙龙")
    guard(rules.why_not_view(user, salon))
    return salon


# ---------------------------------------------------------------- rooms

def rooms(active_only=True):
    q = SalonRoom.query.order_by(SalonRoom.name)
    if active_only:
        q = q.filter(SalonRoom.active.is_(True))
    return q.all()


def save_room(user, name, capacity, address="", room=None, active=True):
    require_staff(user)
    name, address = (name or "").strip(), (address or "").strip()
    errors = {}
    if not name or len(name) > m.ROOM_NAME_MAX:
        errors["name"] = f"请填写场地名称（不超过 {m.ROOM_NAME_MAX} 个字）"
    elif SalonRoom.query.filter(SalonRoom.name == name, SalonRoom.id != getattr(room, "id", None)).first():
        errors["name"] = "已有同名场地"
    if not isinstance(capacity, int) or not m.CAPACITY_MIN <= capacity <= m.CAPACITY_MAX:
        errors["capacity"] = f"容量须为 {m.CAPACITY_MIN}–{m.CAPACITY_MAX} 的整数"
    if len(address) > m.ADDRESS_MAX:
        errors["address"] = f"地址不能超过 {m.ADDRESS_MAX} 个字"
    if errors:
        raise ValidationError(fields=errors)
    if room is None:
        room = SalonRoom(name=name, capacity=capacity, address=address, active=active)
        db.session.add(room)
    else:
        room.name, room.capacity, room.address, room.active = name, capacity, address, active
    db.session.flush()
    audit.record(user, SalonAction.save_room, "salon_room", room.id, summary=f"{name}（{capacity} 人）")
    return room


# ---------------------------------------------------------------- validation

def _check_url(url):
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _clean(title, discipline, description, format, room_id, address, online_url, capacity, requires_approval,
           start, end, registration_deadline, speakers):
    """The salon's fields, cleaned, or a ValidationError naming every bad one."""
    errors = {}
    title, description = (title or "").strip(), (description or "").strip()
    address, online_url = (address or "").strip(), (online_url or "").strip()
    if not m.TITLE_MIN <= len(title) <= m.TITLE_MAX:
        errors["title"] = f"标题须为 {m.TITLE_MIN}–{m.TITLE_MAX} 个字"
    if discipline not in m.DISCIPLINES:
        errors["discipline"] = "请选择学科"
    if not m.DESCRIPTION_MIN <= len(description) <= m.DESCRIPTION_MAX:
        errors["description"] = f"简介须为 {m.DESCRIPTION_MIN}–{m.DESCRIPTION_MAX} 个字"
    if format not in [f.value for f in SalonFormat]:
        errors["format"] = "请选择举办形式"
        format = SalonFormat.offline.value
    room = None
    if format != SalonFormat.online.value:
        if room_id:
            room = db.session.get(SalonRoom, room_id)
            if room is None or not room.active:
                errors["room_id"] = "请选择有效的场地"
                room = None
        elif not address:
            errors["address"] = "线下举办须选择场地或填写地址"
        if len(address) > m.ADDRESS_MAX:
            errors["address"] = f"地址不能超过 {m.ADDRESS_MAX} 个字"
    else:
        address = ""
    if format != SalonFormat.offline.value:
        if not online_url:
            errors["online_url"] = "线上举办须填写会议链接"
        elif len(online_url) > m.URL_MAX or not _check_url(online_url):
            errors["online_url"] = "请填写以 http:// 或 https:// 开头的有效链接"
    else:
        online_url = ""
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not m.CAPACITY_MIN <= capacity <= m.CAPACITY_MAX:
        errors["capacity"] = f"人数上限须为 {m.CAPACITY_MIN}–{m.CAPACITY_MAX} 的整数"
    elif room is not None and capacity > room.capacity:
        errors["capacity"] = f"人数上限不能超过场地容量（{room.name}：{room.capacity} 人）"
    now = utcnow()
    if start is None:
        errors["start"] = "请填写开始时间"
    elif start <= now:
        errors["start"] = "开始时间须在将来"
    if end is None:
        errors["end"] = "请填写结束时间"
    elif start is not None and end <= start:
        errors["end"] = "结束时间须晚于开始时间"
    elif start is not None and end - start > timedelta(days=3):
        errors["end"] = "一次沙龙不能超过 3 天"
    if registration_deadline is None:
        errors["registration_deadline"] = "请填写报名截止时间"
    elif start is not None and registration_deadline > start:
        errors["registration_deadline"] = "报名截止时间不能晚于开始时间"
    cleaned_speakers, speaker_errors = _clean_speakers(speakers or [])
    if speaker_errors:
        errors["speakers"] = speaker_errors
    if errors:
        raise ValidationError("请修改标出的内容", fields=errors)
    return dict(title=title, discipline=discipline, description=description, format=format,
                room_id=room.id if room else None, address="" if room else address, online_url=online_url,
                capacity=capacity, requires_approval=bool(requires_approval), starts_at=start, ends_at=end,
                registration_deadline=registration_deadline), cleaned_speakers


def _clean_speakers(speakers):
    from webapp.accounts.models import User

    if len(speakers) > m.SPEAKERS_MAX:
        return [], f"主讲人最多 {m.SPEAKERS_MAX} 位"
    cleaned = []
    for i, spec in enumerate(speakers, 1):
        user = None
        if spec.get("user_id"):
            user = get_by_id(User, spec["user_id"])
            if user is None:
                return [], f"第 {i} 位主讲人：找不到该用户"
        name = (spec.get("name") or "").strip() or (user.display_name if user else "")
        affiliation = (spec.get("affiliation") or "").strip() or (user.institution if user else "")
        if not name:
            return [], f"第 {i} 位主讲人：请填写姓名"
        if len(name) > m.NAME_MAX or len(affiliation) > m.AFFILIATION_MAX:
            return [], f"第 {i} 位主讲人：姓名或单位过长"
        cleaned.append({"user_id": user.id if user else None, "name": name, "affiliation": affiliation})
    return cleaned, None


def _set_speakers(salon, speakers):
    salon.speakers.clear()
    db.session.flush()
    for i, spec in enumerate(speakers):
        salon.speakers.append(SalonSpeaker(position=i, **spec))


# ---------------------------------------------------------------- proposing and editing

def propose(user, title, discipline, description, format, capacity, start, end, registration_deadline,
            room_id=None, address="", online_url="", requires_approval=False, speakers=()):
    """A new salon, in draft: its host files it when ready (`file_salon`)."""
    guard(rules.why_not_propose(user))
    values, cleaned = _clean(title, discipline, description, format, room_id, address, online_url, capacity,
                             requires_approval, start, end, registration_deadline, speakers)
    salon = Salon(host_id=user.id, state=SalonState.draft.value, **values)
    db.session.add(salon)
    _set_speakers(salon, cleaned)
    db.session.flush()
    return salon


def edit(user, salon, **changes):
    """Change a draft or returned salon; fields not given stay as they are."""
    guard(rules.why_not_edit(user, salon))
    current = dict(title=salon.title, discipline=salon.discipline, description=salon.description,
                   format=salon.format, room_id=salon.room_id, address=salon.address, online_url=salon.online_url,
                   capacity=salon.capacity, requires_approval=salon.requires_approval, start=salon.starts_at,
                   end=salon.ends_at, registration_deadline=salon.registration_deadline,
                   speakers=[{"user_id": s.user_id, "name": s.name, "affiliation": s.affiliation}
                             for s in salon.speakers])
    current.update(changes)
    values, cleaned = _clean(**current)
    for key, value in values.items():
        setattr(salon, key, value)
    _set_speakers(salon, cleaned)
    db.session.flush()
    return salon


# ---------------------------------------------------------------- conflicts

def _overlapping(salon, states=(SalonState.approved.value,)):
    """Other salons in `states` whose times overlap the salon's (touching ends are no overlap)."""
    return Salon.query.filter(Salon.id != salon.id, Salon.state.in_(states),
                              Salon.starts_at < salon.ends_at, Salon.ends_at > salon.starts_at)


def room_conflict(salon):
    """The approved salon holding the same room at an overlapping time, or None."""
    if salon.room_id is None:
        return None
    return _overlapping(salon).filter(Salon.room_id == salon.room_id).order_by(Salon.starts_at).first()


def speaker_warnings(salon):
    """Messages about registered-user speakers booked in another overlapping salon."""
    ids = [s.user_id for s in salon.speakers if s.user_id]
    if not ids:
        return []
    others = _overlapping(salon, (SalonState.approved.value, SalonState.filed.value)).join(
        SalonSpeaker, SalonSpeaker.salon_id == Salon.id).filter(SalonSpeaker.user_id.in_(ids)).with_entities(
        SalonSpeaker.name, Salon.title).all()
    return [f"主讲人{name}同一时间还在沙龙《{title}》中主讲" for name, title in others]


def _conflict_error(other):
    start = to_local(other.starts_at).strftime("%Y-%m-%d %H:%M")
    end = to_local(other.ends_at).strftime("%H:%M")
    return ValidationError("场地时间冲突", fields={
        "room_id": f"该场地在此时间已被沙龙《{other.title}》（{start}–{end}）占用"})


# ---------------------------------------------------------------- filing and review

def file_salon(user, salon):
    """File (报备) the salon with the association: at least N days before it starts.

    Returns the warnings (speakers booked elsewhere at the same time)."""
    guard(rules.why_not_file(user, salon))
    earliest = earliest_start_date()
    if local_date(salon.starts_at, local_zone()) < earliest:
        raise ValidationError("报备时间不足", fields={"start": (
            f"学术沙龙须在开始前 {file_days_before()} 天报备：今天报备，开始日期最早为 {earliest.isoformat()}")})
    if salon.starts_at <= utcnow():
        raise ValidationError(fields={"start": "开始时间须在将来"})
    other = room_conflict(salon)
    if other is not None:
        raise _conflict_error(other)
    salon.state = SalonState.filed.value
    salon.filed_at = utcnow()
    audit.record(user, SalonAction.file, "salon", salon.id, summary=salon.title)
    db.session.flush()
    return speaker_warnings(salon)


def _lock_room(salon):
    """Serialise approvals of one room (PostgreSQL: the room row; SQLite writes one at a time)."""
    if salon.room_id is not None:
        db.session.execute(select(SalonRoom.id).where(SalonRoom.id == salon.room_id).with_for_update())


def approve(user, salon, comment=""):
    guard(rules.why_not_review(user, salon))
    _lock_room(salon)
    other = room_conflict(salon)
    if other is not None:
        raise _conflict_error(other)
    salon.state = SalonState.approved.value
    salon.reviewed_at = utcnow()
    salon.review_comment = (comment or "").strip()[:m.COMMENT_MAX]
    salon.checkin_code = f"{secrets.randbelow(10**6):06d}"
    audit.record(user, SalonAction.approve, "salon", salon.id, summary=salon.title, reason=salon.review_comment or None)
    notify(salon.host, "salon.approved", f"您的学术沙龙《{salon.title}》已通过报备", salon.review_comment,
           link=salon.url, sender=STAFF_SENDER)
    db.session.flush()
    return salon


def send_back(user, salon, comment):
    """Return (退回) a filed salon to its host with comments; the host edits and re-files."""
    guard(rules.why_not_review(user, salon))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(fields={"comment": "退回时请写明修改意见"})
    if len(comment) > m.COMMENT_MAX:
        raise ValidationError(fields={"comment": f"意见不能超过 {m.COMMENT_MAX} 个字"})
    salon.state = SalonState.returned.value
    salon.reviewed_at = utcnow()
    salon.review_comment = comment
    audit.record(user, SalonAction.send_back, "salon", salon.id, summary=salon.title, reason=comment)
    notify(salon.host, "salon.returned", f"您的学术沙龙《{salon.title}》被退回修改", comment, link=salon.url,
           sender=STAFF_SENDER)
    db.session.flush()
    return salon


def review(user, salon, decision, comment=""):
    if decision == "approve":
        return approve(user, salon, comment)
    if decision == "return":
        return send_back(user, salon, comment)
    raise ValidationError(fields={"decision": "可选 approve、return"})


def cancel(user, salon, reason=""):
    from webapp.salons.models import RegistrationStatus, SalonRegistration

    guard(rules.why_not_cancel(user, salon))
    was_public = salon.is_public
    salon.state = SalonState.cancelled.value
    audit.record(user, SalonAction.cancel, "salon", salon.id, summary=salon.title, reason=reason or None)
    if was_public:
        for reg in SalonRegistration.query.filter(SalonRegistration.salon_id == salon.id,
                                                  SalonRegistration.status.in_(m.ACTIVE_STATUSES)):
            notify(reg.user, "salon.cancelled", f"学术沙龙《{salon.title}》已取消", reason or "", link=salon.url)
            reg.status = RegistrationStatus.cancelled.value
            reg.cancelled_at = utcnow()
        salon.registered_count = salon.waiting_count = salon.pending_count = 0
    db.session.flush()
    return salon
