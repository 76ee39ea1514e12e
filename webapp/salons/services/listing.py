"""Lists of salons: what a viewer may see, filtered."""
from webapp.core.db import utcnow
from webapp.core.permissions import is_authenticated, is_staff
from webapp.salons.models import Salon, SalonState


def visible_filter(user):
    """The SQL form of `rules.is_visible_to`: approved, or the viewer's own, or all for staff."""
    if is_staff(user):
        return True
    if is_authenticated(user):
        return (Salon.state == SalonState.approved.value) | (Salon.host_id == user.id)
    return Salon.state == SalonState.approved.value


def list_salons(user, discipline=None, when="upcoming", state=None, mine=False, limit=500):
    q = Salon.query
    if mine:
        q = q.filter(Salon.host_id == getattr(user, "id", -1)) if is_authenticated(user) else q.filter(False)
    elif state and is_staff(user):
        pass
    else:
        q = q.filter(Salon.state == SalonState.approved.value)
    if state:
        q = q.filter(Salon.state == state)
    if discipline:
        q = q.filter(Salon.discipline == discipline)
    now = utcnow()
    if when == "upcoming":
        q = q.filter(Salon.ends_at > now).order_by(Salon.starts_at, Salon.id)
    elif when == "past":
        q = q.filter(Salon.ends_at <= now).order_by(Salon.starts_at.desc(), Salon.id.desc())
    else:
        q = q.order_by(Salon.starts_at.desc(), Salon.id.desc())
    return q.limit(limit).all()
