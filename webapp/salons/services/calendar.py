"""The salon calendar: upcoming salons, a month, "my salons", and iCalendar (RFC 5545)
files — one per salon and a private feed of one's salons behind a secret, revocable token."""
import calendar as pycalendar
import secrets
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from icalendar import Calendar, Event

from webapp.core.db import utcnow
from webapp.core.permissions import require_login
from webapp.core.timeutil import local_zone
from webapp.extensions import db
from webapp.salons.models import (
    ACTIVE_STATUSES,
    RegistrationStatus,
    Salon,
    SalonCalendarFeed,
    SalonRegistration,
    SalonSpeaker,
    SalonState,
)

PRODID = "-//Scientists' Home//Academic Salons//ZH"


def _public():
    return Salon.query.filter(Salon.state == SalonState.approved.value)


def upcoming(discipline=None, limit=None):
    q = _public().filter(Salon.ends_at > utcnow())
    if discipline:
        q = q.filter(Salon.discipline == discipline)
    q = q.order_by(Salon.starts_at, Salon.id)
    return q.limit(limit).all() if limit else q.all()


def past(discipline=None, limit=20):
    q = _public().filter(Salon.ends_at <= utcnow())
    if discipline:
        q = q.filter(Salon.discipline == discipline)
    return q.order_by(Salon.starts_at.desc(), Salon.id.desc()).limit(limit).all()


def _utc(local_day, at=time(0, 0)):
    return datetime.combine(local_day, at, tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def month(year, month_no, discipline=None):
    """The weeks of a month (lists of 7 local dates, Monday first, None outside the month)
    and the approved salons starting in it, by local date."""
    first = date(year, month_no, 1)
    days = pycalendar.monthrange(year, month_no)[1]
    start, end = _utc(first), _utc(first + timedelta(days=days))
    q = _public().filter(Salon.starts_at >= start, Salon.starts_at < end)
    if discipline:
        q = q.filter(Salon.discipline == discipline)
    by_day = {}
    zone = local_zone()
    for salon in q.order_by(Salon.starts_at):
        day = salon.starts_at.replace(tzinfo=UTC).astimezone(zone).date()
        by_day.setdefault(day, []).append(salon)
    weeks = [[d if d and d.month == month_no else None for d in week]
             for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month_no)]
    return weeks, by_day


def my_salons(user):
    """{"hosting", "speaking", "attending", "waiting", "pending"}: the user's salons, soonest first."""
    require_login(user)
    hosting = Salon.query.filter(Salon.host_id == user.id, Salon.state != SalonState.cancelled.value).order_by(
        Salon.starts_at.desc()).all()
    speaking = (_public().join(SalonSpeaker, SalonSpeaker.salon_id == Salon.id)
                .filter(SalonSpeaker.user_id == user.id).order_by(Salon.starts_at.desc()).all())
    regs = (SalonRegistration.query.join(Salon, Salon.id == SalonRegistration.salon_id)
            .filter(SalonRegistration.user_id == user.id, SalonRegistration.status.in_(ACTIVE_STATUSES),
                    Salon.state == SalonState.approved.value)
            .order_by(Salon.starts_at.desc()).all())
    out = {"hosting": hosting, "speaking": speaking, "attending": [], "waiting": [], "pending": []}
    for reg in regs:
        key = {"registered": "attending", "waiting": "waiting", "pending": "pending"}[reg.status]
        out[key].append(reg)
    return out


def feed_salons(user):
    """Salons in the user's feed: hosting (approved), speaking, registered or waiting."""
    mine = my_salons(user)
    seen, salons = set(), []
    for salon in [s for s in mine["hosting"] if s.is_public] + mine["speaking"] + [
            r.salon for r in mine["attending"] + mine["waiting"]]:
        if salon.id not in seen:
            seen.add(salon.id)
            salons.append(salon)
    return salons


# ---------------------------------------------------------------- iCalendar

def _event(salon, site_url, status=None):
    event = Event()
    host = site_url.split("//", 1)[-1].split("/", 1)[0] or "localhost"
    event.add("uid", f"salon-{salon.id}@{host}")
    event.add("dtstamp", utcnow().replace(tzinfo=UTC))
    event.add("dtstart", salon.starts_at.replace(tzinfo=UTC))
    event.add("dtend", salon.ends_at.replace(tzinfo=UTC))
    event.add("summary", salon.title)
    speakers = "、".join(f"{s.name}（{s.affiliation}）" if s.affiliation else s.name for s in salon.speakers)
    description = f"{salon.discipline} · {salon.format_enum.title}"
    if speakers:
        description += f"\n主讲人：{speakers}"
    if salon.online_url:
        description += f"\n线上链接：{salon.online_url}"
    description += f"\n{site_url.rstrip('/')}{salon.url}"
    event.add("description", description)
    if salon.venue:
        event.add("location", salon.venue)
    event.add("url", site_url.rstrip("/") + salon.url)
    event.add("status", "CANCELLED" if salon.state == SalonState.cancelled.value else "CONFIRMED")
    if status:
        event.add("categories", [status])
    return event


def _calendar(name):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def salon_ics(salon):
    """The .ics of one salon (bytes, CRLF lines, folded at 75 octets)."""
    cal = _calendar(salon.title)
    cal.add_component(_event(salon, current_app.config["SITE_URL"]))
    return cal.to_ical()


def feed_ics(user):
    cal = _calendar("我的学术沙龙 · 科技工作者之家")
    site = current_app.config["SITE_URL"]
    statuses = {r.salon_id: RegistrationStatus(r.status).title
                for r in SalonRegistration.query.filter_by(user_id=user.id)}
    for salon in feed_salons(user):
        cal.add_component(_event(salon, site, statuses.get(salon.id)))
    return cal.to_ical()


def feed_token(user, create=False):
    """The user's feed token (None if none); `create` makes one if missing."""
    require_login(user)
    feed = db.session.get(SalonCalendarFeed, user.id)
    if feed is None and create:
        feed = SalonCalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(feed)
        db.session.flush()
    return feed.token if feed else None


def reset_feed_token(user):
    """Revoke the old feed URL and make a new one."""
    require_login(user)
    feed = db.session.get(SalonCalendarFeed, user.id)
    if feed is None:
        return feed_token(user, create=True)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    db.session.flush()
    return feed.token


def revoke_feed_token(user):
    require_login(user)
    feed = db.session.get(SalonCalendarFeed, user.id)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()


def user_for_feed_token(token):
    if not token or len(token) > 64:
        return None
    feed = SalonCalendarFeed.query.filter_by(token=token).first()
    if feed is None:
        return None
    from webapp.accounts.models import User

    user = db.session.get(User, feed.user_id)
    return None if user is None or user.is_suspended else user
