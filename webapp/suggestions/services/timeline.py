"""The suggestion's timeline: every step, who took it (staff shown as the association)."""
from webapp.core.db import utcnow
from webapp.core.urls import path_for
from webapp.suggestions.models import EventKind, SuggestionEvent

# Steps taken by staff: the timeline names the association, never the staff member.
STAFF_EVENT_KINDS = frozenset(k.value for k in (
    EventKind.accepted, EventKind.not_accepted, EventKind.assigned, EventKind.reassigned, EventKind.closed,
    EventKind.hidden, EventKind.unhidden, EventKind.answer_hidden, EventKind.answer_unhidden,
    EventKind.recategorised))
STAFF_ACTOR_NAME = "科协工作人员"


# --- timeline -----------------------------------------------------------------------------

def add_event(suggestion, kind, actor=None, note="", subject=None):
    event = SuggestionEvent(kind=EventKind(kind).value, actor_id=getattr(actor, "id", None),
                            subject_id=getattr(subject, "id", None), note=note or "", created_at=utcnow())
    suggestion.events.append(event)
    return event


def link(suggestion):
    """The suggestion's page, for notifications."""
    return path_for("suggestions.detail", suggestion_id=suggestion.id)


def is_staff_step(event):
    return event.kind in STAFF_EVENT_KINDS
