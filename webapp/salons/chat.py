"""The chat room of each salon (collected by webapp.chat): `salon:<id>`, for its host,
speakers who are registered users, registrants with a place, and staff."""
from flask import url_for

from webapp.core.db import get_by_id
from webapp.core.permissions import is_authenticated, is_staff
from webapp.salons.models import RegistrationStatus, Salon, SalonRegistration, SalonSpeaker, SalonState

_UNKNOWN = object()


def is_salon_participant(user, salon, registration=_UNKNOWN):
    """`registration`: the user's registration for the salon when the caller has read it already."""
    if not is_authenticated(user) or getattr(user, "is_suspended", False) or salon is None:
        return False
    if salon.state != SalonState.approved.value:
        return salon.host_id == user.id or is_staff(user)
    if salon.host_id == user.id or is_staff(user):
        return True
    if any(s.user_id == user.id for s in salon.speakers):
        return True
    if registration is not _UNKNOWN:
        return registration is not None and registration.status == RegistrationStatus.registered.value
    return SalonRegistration.query.filter_by(salon_id=salon.id, user_id=user.id,
                                             status=RegistrationStatus.registered.value).first() is not None


def can_read_salon_chat(user, salon, registration=_UNKNOWN):
    return is_salon_participant(user, salon, registration)


def can_post_salon_chat(user, salon):
    return is_salon_participant(user, salon) and salon.state == SalonState.approved.value


def rooms_for(user):
    """Approved salons not ended more than a week ago, in which the user takes part."""
    if not is_authenticated(user):
        return []
    from datetime import timedelta

    from webapp.core.db import utcnow

    since = utcnow() - timedelta(days=7)
    q = Salon.query.filter(Salon.state == SalonState.approved.value, Salon.ends_at >= since)
    registered = SalonRegistration.query.with_entities(SalonRegistration.salon_id).filter_by(
        user_id=user.id, status=RegistrationStatus.registered.value)
    speaking = SalonSpeaker.query.with_entities(SalonSpeaker.salon_id).filter_by(user_id=user.id)
    q = q.filter((Salon.host_id == user.id) | Salon.id.in_(registered) | Salon.id.in_(speaking))
    return q.order_by(Salon.starts_at).all()


def chat_rooms():
    """Chat rooms this capability gives (collected by webapp.chat)."""
    return [{
        "kind": "salon",
        "load": lambda obj_id: get_by_id(Salon, obj_id),
        "title": lambda salon: salon.title,
        "url": lambda salon: url_for("salons.detail", salon_id=salon.id),
        "can_read": can_read_salon_chat,
        "can_post": can_post_salon_chat,
        "rooms_for": rooms_for,
    }]
