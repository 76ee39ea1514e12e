"""The suggestion's timeline: every step, who took it (staff shown as the association)."""
from webapp.core.db import utcnow
from webapp.core.urls import path_for
from webapp.suggestions.models import EventKind, SuggestionEvent
from webapp.suggestions.services.rules import can_see_moderation_notes

# Steps taken by staff: the timeline, notifications and e-mail name the association, never the
# staff member (notify(..., sender=STAFF_ACTOR_NAME)); only the audit log keeps who it was.
STAFF_EVENT_KINDS = frozenset(k.value for k in (
    EventKind.accepted, EventKind.not_accepted, EventKind.assigned, EventKind.reassigned, EventKind.closed,
    EventKind.hidden, EventKind.unhidden, EventKind.answer_hidden, EventKind.answer_unhidden,
    EventKind.recategorised))
STAFF_ACTOR_NAME = "科协工作人员"
# Steps whose note is a moderation reason or a staff note from screening: shown only to
# those `can_see_moderation_notes` lets read it.
MODERATION_EVENT_KINDS = frozenset(k.value for k in (
    EventKind.accepted, EventKind.not_accepted, EventKind.hidden, EventKind.unhidden, EventKind.answer_hidden,
    EventKind.answer_unhidden))


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


def event_note_for(viewer, event):
    """The step's note as `viewer` may read it: None for a moderation note they may not see."""
    if event.kind in MODERATION_EVENT_KINDS and not can_see_moderation_notes(viewer, event.suggestion):
        return None
    return event.note


def screening_note_for(viewer, suggestion):
    """What staff wrote when screening, for those who may read moderation notes; else None."""
    if not can_see_moderation_notes(viewer, suggestion):
        return None
    return suggestion.screening_note or ""
