"""Registering for a salon, the waiting list and host approval.

A place is taken by one conditional UPDATE of the salon's counter,
`registered_count = registered_count + 1 WHERE registered_count < capacity`: the database
decides, row-locked on PostgreSQL and under SQLite's single writer (the app begins write
transactions with BEGIN IMMEDIATE), so concurrent registrations never overbook. Whoever
does not get a place joins the waiting list, in the order they came; a cancellation gives
its place to the first person waiting, in the same transaction.
"""
from sqlalchemy import update
from sqlalchemy.orm import lazyload

from webapp.core.db import utcnow
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.salons.models import ACTIVE_STATUSES, RegistrationStatus, Salon, SalonRegistration
from webapp.salons.services import rules

R = RegistrationStatus


def registration_of(user, salon):
    if not getattr(user, "is_authenticated", False):
        return None
    # The salon and the user are at hand: not loaded again (with their speakers and roles).
    return (SalonRegistration.query.options(lazyload(SalonRegistration.salon), lazyload(SalonRegistration.user))
            .filter_by(salon_id=salon.id, user_id=user.id).first())


def _bump(salon, column, delta, guard_capacity=False):
    """Change one of the salon's counters in the database; False when the capacity refused it."""
    col = getattr(Salon, column)
    stmt = update(Salon).where(Salon.id == salon.id).values({column: col + delta})
    if guard_capacity:
        stmt = stmt.where(Salon.registered_count < Salon.capacity)
    taken = db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1
    if taken:
        db.session.refresh(salon, attribute_names=["registered_count", "waiting_count", "pending_count"])
    return taken


def _take_place(salon):
    return _bump(salon, "registered_count", 1, guard_capacity=True)


def waiting_position(reg):
    """1 for the first person waiting; None unless waiting."""
    if reg is None or reg.status != R.waiting.value:
        return None
    ahead = SalonRegistration.query.filter(
        SalonRegistration.salon_id == reg.salon_id, SalonRegistration.status == R.waiting.value,
        db.or_(SalonRegistration.queued_at < reg.queued_at,
               db.and_(SalonRegistration.queued_at == reg.queued_at, SalonRegistration.id < reg.id))).count()
    return ahead + 1


def register(user, salon):
    """Register `user`: a place if one is left, else the waiting list (or pending, when the
    host approves registrations). Registering again changes nothing."""
    guard(rules.why_not_register(user, salon))
    reg = registration_of(user, salon)
    if reg is not None and reg.status in ACTIVE_STATUSES:
        return reg
    now = utcnow()
    if salon.requires_approval:
        status = R.pending
        _bump(salon, "pending_count", 1)
    elif _take_place(salon):
        status = R.registered
    else:
        status = R.waiting
        _bump(salon, "waiting_count", 1)
    if reg is None:
        reg = SalonRegistration(salon_id=salon.id, user_id=user.id, status=status.value, queued_at=now)
        db.session.add(reg)
    else:
        reg.status, reg.queued_at, reg.cancelled_at, reg.reminded_at = status.value, now, None, None
    db.session.flush()
    if status is R.pending:
        notify(salon.host, "salon.registration_pending", f"{user.display_name} 报名了您的沙龙《{salon.title}》，待您确认",
               link=salon.url, actor=user)
    return reg


def cancel_registration(user, salon):
    """Cancel the caller's registration; a freed place goes to the first person waiting."""
    guard(rules.why_not_cancel_registration(user, salon))
    reg = registration_of(user, salon)
    if reg is None or reg.status not in ACTIVE_STATUSES:
        raise rules.Conflict("您没有报名该沙龙", code="not_registered")
    previous = reg.status
    reg.status = R.cancelled.value
    reg.cancelled_at = utcnow()
    db.session.flush()
    if previous == R.registered.value:
        _bump(salon, "registered_count", -1)
        promote_waiting(salon)
    elif previous == R.waiting.value:
        _bump(salon, "waiting_count", -1)
    else:
        _bump(salon, "pending_count", -1)
    return reg


def promote_waiting(salon):
    """Give free places to the people waiting, first come first served; notify each."""
    promoted = []
    while True:
        first = (SalonRegistration.query
                 .filter_by(salon_id=salon.id, status=R.waiting.value)
                 .order_by(SalonRegistration.queued_at, SalonRegistration.id).first())
        if first is None or not _take_place(salon):
            return promoted
        first.status = R.registered.value
        _bump(salon, "waiting_count", -1)
        db.session.flush()
        notify(first.user, "salon.promoted", f"候补成功：您已获得沙龙《{salon.title}》的名额",
               "有人取消了报名，您已从候补名单转为正式报名。", link=salon.url)
        promoted.append(first)


def decide_registration(user, salon, registration_id, accept):
    """The host confirms (a place, or the waiting list when full) or declines a pending registration."""
    guard(rules.why_not_manage_registrations(user, salon))
    reg = SalonRegistration.query.filter_by(id=registration_id, salon_id=salon.id).first()
    if reg is None:
        raise rules.NotFound("找不到该报名")
    if reg.status != R.pending.value:
        raise rules.Conflict("该报名不在待确认状态", code="illegal_transition")
    _bump(salon, "pending_count", -1)
    if not accept:
        reg.status, reg.cancelled_at = R.cancelled.value, utcnow()
        title = f"您报名的沙龙《{salon.title}》未获主持人确认"
    elif _take_place(salon):
        reg.status = R.registered.value
        title = f"您已成功报名沙龙《{salon.title}》"
    else:
        reg.status, reg.queued_at = R.waiting.value, utcnow()
        _bump(salon, "waiting_count", 1)
        title = f"沙龙《{salon.title}》名额已满，您已进入候补名单"
    db.session.flush()
    notify(reg.user, "salon.registration_decided", title, link=salon.url, actor=user)
    return reg


def registrations(salon, statuses=None):
    q = SalonRegistration.query.filter_by(salon_id=salon.id)
    if statuses:
        q = q.filter(SalonRegistration.status.in_(statuses))
    return q.order_by(SalonRegistration.queued_at, SalonRegistration.id).all()
