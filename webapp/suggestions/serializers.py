"""JSON shapes of suggestions and leaders for the API, and their OpenAPI components.

Serialisers only present what the services decided: who may see a suggestion, which
answer a viewer may read and what they may do are asked of `services`. Rendered user
text (`*_html`) goes through the core text helpers, next to the raw text.
"""
from markupsafe import escape

from webapp.accounts.serializers import USER_SCHEMA, iso, user_json
from webapp.api.openapi import ref, registry
from webapp.core.text import plain_text, render_markdown
from webapp.suggestions import services
from webapp.suggestions.models import ANSWERED_STATES, EventKind, Satisfaction, SuggestionState, Visibility

# Steps taken by staff: the timeline names the association, never the staff member.
STAFF_EVENT_KINDS = frozenset({
    EventKind.accepted.value, EventKind.not_accepted.value, EventKind.assigned.value, EventKind.reassigned.value,
    EventKind.closed.value, EventKind.hidden.value, EventKind.unhidden.value, EventKind.answer_hidden.value,
    EventKind.answer_unhidden.value,
})
STAFF_ACTOR_NAME = "科协工作人员"


def nullable(schema):
    """`schema` (a component ref) that may also be null.

    OpenAPI 3.0.3 does not let `nullable` next to `allOf` admit null when the referenced
    schema forbids it, so the component is inlined with `nullable: true`.
    """
    name = schema["$ref"].rsplit("/", 1)[1]
    return {**registry.schemas[name], "nullable": True}


def _date(value):
    return value.isoformat() if value else None


def _html(text):
    return str(render_markdown(text))


def _plain(text):
    return str(plain_text(text))


def _enum(values):
    return {"type": "string", "enum": list(values)}


_STATES = [s.value for s in SuggestionState]
_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": "string", "nullable": True}
_DATE_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_DATE_TIME = {"type": "string", "format": "date-time", "nullable": True}
_NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}


# ---------------------------------------------------------------- managed lists

CATEGORY_SCHEMA = registry.schema("SuggestionCategory", {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": _STRING},
})

SCREENING_REASON_SCHEMA = registry.schema("ScreeningReason", {
    "type": "object",
    "required": ["id", "title"],
    "properties": {"id": {"type": "integer"}, "title": _STRING},
})


def category_json(category):
    return {"id": category.id, "name": category.name}


def screening_reason_json(reason):
    return {"id": reason.id, "title": reason.title}


# ---------------------------------------------------------------- parts of a suggestion

DEADLINE_SCHEMA = registry.schema("SuggestionDeadline", {
    "type": "object",
    "required": ["status", "status_title", "due_date", "long_due_date", "working_days_left"],
    "description": "The answer deadline in working days; all null before the suggestion is accepted.",
    "properties": {
        "status": {**_enum(["on_time", "due_soon", "overdue", "long_overdue"]), "nullable": True},
        "status_title": _NULLABLE_STRING,
        "due_date": {**_NULLABLE_DATE, "description": "Answer due by this date (N working days)"},
        "long_due_date": {**_NULLABLE_DATE, "description": "Long overdue after this date (2N working days)"},
        "working_days_left": {"type": "integer", "nullable": True,
                              "description": "Negative when overdue; counted to the answer once answered"},
    },
})


def deadline_json(suggestion):
    d = services.deadline(suggestion)
    return {"status": d["status"], "status_title": services.DEADLINE_TITLES.get(d["status"]),
            "due_date": _date(d["due_date"]), "long_due_date": _date(d["long_due_date"]),
            "working_days_left": d["working_days_left"]}


ANSWER_SCHEMA = registry.schema("SuggestionAnswer", {
    "type": "object",
    "required": ["body", "body_html", "leader", "published_at", "hidden"],
    "properties": {
        "body": {**_STRING, "description": "Markdown source"},
        "body_html": _STRING,
        "leader": nullable(USER_SCHEMA),
        "published_at": _DATE_TIME,
        "updated_at": _DATE_TIME,
        "hidden": {"type": "boolean", "description": "Hidden by staff: shown only to the parties and staff"},
        "hidden_reason": _NULLABLE_STRING,
    },
})

DRAFT_SCHEMA = registry.schema("SuggestionAnswerDraft", {
    "type": "object",
    "required": ["body", "body_html", "updated_at"],
    "description": "The assigned leader's unpublished draft; shown to that leader only.",
    "properties": {"body": _STRING, "body_html": _STRING, "updated_at": _DATE_TIME},
})

FOLLOW_UP_SCHEMA = registry.schema("SuggestionFollowUp", {
    "type": "object",
    "required": ["suggestion_id", "question", "question_html", "asked_at", "answer", "answer_html", "answered_at"],
    "properties": {
        "suggestion_id": {"type": "integer"},
        "question": _STRING,
        "question_html": _STRING,
        "asked_at": _DATE_TIME,
        "answer": {**_NULLABLE_STRING, "description": "The leader's reply (Markdown), null while pending"},
        "answer_html": _NULLABLE_STRING,
        "answered_at": _NULLABLE_DATE_TIME,
    },
})

RATING_SCHEMA = registry.schema("SuggestionRating", {
    "type": "object",
    "required": ["suggestion_id", "value", "value_title", "comment", "comment_html", "created_at"],
    "properties": {
        "suggestion_id": {"type": "integer"},
        "value": _enum([v.value for v in Satisfaction]),
        "value_title": _STRING,
        "comment": _STRING,
        "comment_html": _STRING,
        "created_at": _DATE_TIME,
    },
})

ATTACHMENT_SCHEMA = registry.schema("SuggestionAttachment", {
    "type": "object",
    "required": ["id", "url", "filename", "mime", "size"],
    "properties": {
        "id": {"type": "integer"},
        "url": {**_STRING, "description": "Download path; served to those who may see the suggestion"},
        "filename": _STRING,
        "mime": {**_STRING, "description": "image/jpeg (images are re-encoded) or application/pdf"},
        "size": {"type": "integer", "description": "Bytes"},
    },
})

EVENT_SCHEMA = registry.schema("SuggestionEvent", {
    "type": "object",
    "required": ["kind", "kind_title", "created_at", "note", "actor", "actor_name", "subject"],
    "properties": {
        "kind": _enum([k.value for k in EventKind]),
        "kind_title": _STRING,
        "created_at": _DATE_TIME,
        "note": _STRING,
        "actor": {**nullable(USER_SCHEMA),
                  "description": "The author or leader who acted; null for staff steps and automatic ones"},
        "actor_name": {**_NULLABLE_STRING, "description": f"Who acted, as shown: “{STAFF_ACTOR_NAME}” for staff"},
        "subject": {**nullable(USER_SCHEMA), "description": "The leader an assignment names"},
    },
})

PERMISSIONS_SCHEMA = registry.schema("SuggestionPermissions", {
    "type": "object",
    "required": ["can_support", "can_screen", "can_assign", "can_answer", "can_follow_up", "can_answer_follow_up",
                 "can_rate", "can_close"],
    "description": "What the caller may do now.",
    "properties": {name: {"type": "boolean"} for name in (
        "can_support", "can_screen", "can_assign", "can_answer", "can_follow_up", "can_answer_follow_up",
        "can_rate", "can_close")},
})


def answer_json(answer):
    return {
        "body": answer.body,
        "body_html": _html(answer.body),
        "leader": user_json(answer.leader) if answer.leader else None,
        "published_at": iso(answer.published_at),
        "updated_at": iso(answer.updated_at),
        "hidden": answer.hidden_at is not None,
        "hidden_reason": answer.hidden_reason if answer.hidden_at is not None else None,
    }


def draft_json(answer):
    return {"body": answer.body, "body_html": _html(answer.body), "updated_at": iso(answer.updated_at)}


def follow_up_json(follow_up):
    return {
        "suggestion_id": follow_up.suggestion_id,
        "question": follow_up.question,
        "question_html": _plain(follow_up.question),
        "asked_at": iso(follow_up.asked_at),
        "answer": follow_up.answer,
        "answer_html": _html(follow_up.answer) if follow_up.answer is not None else None,
        "answered_at": iso(follow_up.answered_at),
    }


def rating_json(rating):
    return {
        "suggestion_id": rating.suggestion_id,
        "value": rating.value,
        "value_title": rating.value_enum.title,
        "comment": rating.comment,
        "comment_html": _plain(rating.comment),
        "created_at": iso(rating.created_at),
    }


def attachment_json(attachment):
    return {
        "id": attachment.id,
        "url": f"/suggestions/{attachment.suggestion_id}/attachments/{attachment.id}",
        "filename": attachment.filename,
        "mime": attachment.mime,
        "size": attachment.size,
    }


def _person_name(user):
    return user.real_name or user.display_name if user.is_verified else user.display_name


def event_json(event):
    staff_step = event.kind in STAFF_EVENT_KINDS
    actor = event.actor if event.actor is not None and not staff_step else None
    if staff_step:
        actor_name = STAFF_ACTOR_NAME
    else:
        actor_name = _person_name(actor) if actor is not None else None
    return {
        "kind": event.kind,
        "kind_title": event.kind_enum.title,
        "created_at": iso(event.created_at),
        "note": event.note,
        "actor": user_json(actor) if actor is not None else None,
        "actor_name": actor_name,
        "subject": user_json(event.subject) if event.subject is not None else None,
    }


# ---------------------------------------------------------------- the suggestion

SUMMARY_SCHEMA = registry.schema("SuggestionSummary", {
    "type": "object",
    "required": ["id", "url", "title", "title_html", "category", "state", "state_title", "visibility", "author",
                 "addressee", "assigned_leader", "created_at", "answered_at", "support_count", "supported", "deadline"],
    "properties": {
        "id": {"type": "integer"},
        "url": {**_STRING, "description": "Path of the suggestion's page"},
        "title": {**_STRING, "description": "Plain text as typed"},
        "title_html": {**_STRING, "description": "The title escaped for HTML"},
        "category": ref("SuggestionCategory"),
        "state": _enum(_STATES),
        "state_title": _STRING,
        "visibility": _enum([v.value for v in Visibility]),
        "author": ref("User"),
        "addressee": {**nullable(USER_SCHEMA), "description": "The leader addressed; null: the association"},
        "assigned_leader": nullable(USER_SCHEMA),
        "created_at": _DATE_TIME,
        "answered_at": _NULLABLE_DATE_TIME,
        "closed_at": _NULLABLE_DATE_TIME,
        "answered": {"type": "boolean"},
        "support_count": {"type": "integer"},
        "supported": {"type": "boolean", "description": "Whether the caller co-signed it"},
        "hidden": {"type": "boolean", "description": "Hidden by staff: shown only to the parties and staff"},
        "deadline": ref("SuggestionDeadline"),
    },
})

SUGGESTION_SCHEMA = registry.schema("Suggestion", {
    "allOf": [ref("SuggestionSummary"), {
        "type": "object",
        "required": ["body", "body_html", "answer", "draft", "follow_up", "rating", "attachments", "timeline",
                     "support_threshold", "permissions", "screening"],
        "properties": {
            "body": {**_STRING, "description": "Markdown source"},
            "body_html": _STRING,
            "hidden_reason": _NULLABLE_STRING,
            "screening": {
                "type": "object", "nullable": True,
                "description": "The screening decision, once screened",
                "required": ["screened_at", "accepted", "reason", "note"],
                "properties": {"screened_at": _DATE_TIME, "accepted": {"type": "boolean"},
                               "reason": {**_NULLABLE_STRING, "description": "The standard reason for not accepting"},
                               "note": _STRING, "note_html": _STRING},
            },
            "accepted_at": _NULLABLE_DATE_TIME,
            "assigned_at": _NULLABLE_DATE_TIME,
            "answer": {**nullable(ANSWER_SCHEMA), "description": "The published answer the caller may read"},
            "draft": {**nullable(DRAFT_SCHEMA), "description": "Only for the assigned leader, while unpublished"},
            "follow_up": nullable(FOLLOW_UP_SCHEMA),
            "rating": nullable(RATING_SCHEMA),
            "attachments": {"type": "array", "items": ref("SuggestionAttachment")},
            "timeline": {"type": "array", "items": ref("SuggestionEvent")},
            "support_threshold": {"type": "integer",
                                  "description": "Co-signatures at which staff must accept and have it answered"},
            "threshold_reached_at": _NULLABLE_DATE_TIME,
            "permissions": ref("SuggestionPermissions"),
        },
    }],
})


def suggestion_summary_json(suggestion, supported=False):
    return {
        "id": suggestion.id,
        "url": f"/suggestions/{suggestion.id}",
        "title": suggestion.title,
        "title_html": str(escape(suggestion.title)),
        "category": category_json(suggestion.category),
        "state": suggestion.state,
        "state_title": suggestion.state_enum.title,
        "visibility": suggestion.visibility,
        "author": user_json(suggestion.author),
        "addressee": user_json(suggestion.addressee) if suggestion.addressee else None,
        "assigned_leader": user_json(suggestion.assigned_leader) if suggestion.assigned_leader else None,
        "created_at": iso(suggestion.created_at),
        "answered_at": iso(suggestion.answered_at),
        "closed_at": iso(suggestion.closed_at),
        "answered": suggestion.state in ANSWERED_STATES,
        "support_count": suggestion.support_count,
        "supported": bool(supported),
        "hidden": suggestion.is_hidden,
        "deadline": deadline_json(suggestion),
    }


def summaries(suggestions, viewer):
    """Serialise a page of suggestions with one query for the caller's co-signatures."""
    signed = services.supported_ids(viewer, [s.id for s in suggestions])
    return [suggestion_summary_json(s, s.id in signed) for s in suggestions]


def _screening_json(suggestion):
    if suggestion.screened_at is None:
        return None
    accepted = suggestion.state != SuggestionState.not_accepted.value
    note = suggestion.screening_note or ""
    return {
        "screened_at": iso(suggestion.screened_at),
        "accepted": accepted,
        "reason": None if accepted or suggestion.screening_reason is None else suggestion.screening_reason.title,
        "note": note,
        "note_html": _plain(note),
    }


def suggestion_json(suggestion, viewer):
    """The whole suggestion as `viewer` may see it (the caller checked `can_view`)."""
    data = suggestion_summary_json(suggestion, services.has_supported(viewer, suggestion))
    answer = services.answer_visible_to(suggestion, viewer)
    draft = suggestion.answer if suggestion.answer is not None and suggestion.answer.is_draft else None
    if draft is not None and not services.can_answer(viewer, suggestion):
        draft = None
    data.update({
        "body": suggestion.body,
        "body_html": _html(suggestion.body),
        "hidden_reason": suggestion.hidden_reason if suggestion.is_hidden else None,
        "screening": _screening_json(suggestion),
        "accepted_at": iso(suggestion.accepted_at),
        "assigned_at": iso(suggestion.assigned_at),
        "answer": answer_json(answer) if answer is not None else None,
        "draft": draft_json(draft) if draft is not None else None,
        "follow_up": follow_up_json(suggestion.follow_up) if suggestion.follow_up is not None else None,
        "rating": rating_json(suggestion.rating) if suggestion.rating is not None else None,
        "attachments": [attachment_json(a) for a in suggestion.attachments],
        "timeline": [event_json(e) for e in suggestion.events],
        "support_threshold": services.support_threshold(),
        "threshold_reached_at": iso(suggestion.threshold_reached_at),
        "permissions": services.permissions(viewer, suggestion),
    })
    return data


SUPPORT_SCHEMA = registry.schema("SuggestionSupport", {
    "type": "object",
    "required": ["suggestion_id", "supported", "support_count", "support_threshold"],
    "properties": {
        "suggestion_id": {"type": "integer"},
        "supported": {"type": "boolean"},
        "support_count": {"type": "integer"},
        "support_threshold": {"type": "integer"},
    },
})


def support_json(suggestion):
    return {"suggestion_id": suggestion.id, "supported": True, "support_count": suggestion.support_count,
            "support_threshold": services.support_threshold()}


# ---------------------------------------------------------------- leaders

LEADER_STATS_SCHEMA = registry.schema("LeaderStats", {
    "type": "object",
    "required": ["leader_id", "received", "answered", "pending", "overdue", "overdue_open", "long_overdue", "rated",
                 "satisfaction", "sample_sufficient", "min_sample", "response_rate", "median_working_days",
                 "satisfaction_rate"],
    "description": "Public figures. Counts include private suggestions (never their content); the rates are "
                   "null until the leader has received `min_sample` suggestions (样本不足).",
    "properties": {
        "leader_id": {"type": "integer"},
        "received": {"type": "integer", "description": "Suggestions assigned to the leader"},
        "answered": {"type": "integer"},
        "pending": {"type": "integer"},
        "overdue": {"type": "integer", "description": "Answered late or still unanswered after the deadline"},
        "overdue_open": {"type": "integer", "description": "Still unanswered after the deadline"},
        "long_overdue": {"type": "integer"},
        "rated": {"type": "integer"},
        "satisfaction": {
            "type": "object", "required": [v.value for v in Satisfaction],
            "properties": {v.value: {"type": "integer"} for v in Satisfaction},
        },
        "sample_sufficient": {"type": "boolean"},
        "min_sample": {"type": "integer"},
        "response_rate": {"type": "number", "nullable": True, "description": "answered / received, 0–1"},
        "median_working_days": {"type": "number", "nullable": True,
                                "description": "Working days from acceptance to answer"},
        "satisfaction_rate": {"type": "number", "nullable": True,
                              "description": "(satisfied + basically) / rated, 0–1"},
    },
})

LEADER_SCHEMA = registry.schema("Leader", {
    "type": "object",
    "required": ["id", "url", "user", "real_name", "position", "organisation", "stats"],
    "properties": {
        "id": {"type": "integer"},
        "url": {**_STRING, "description": "Path of the leader's public page"},
        "user": ref("User"),
        "real_name": _NULLABLE_STRING,
        "position": _NULLABLE_STRING,
        "organisation": _NULLABLE_STRING,
        "stats": ref("LeaderStats"),
    },
})


def leader_stats_json(leader, stats):
    return {"leader_id": leader.id, **stats}


def leader_json(leader, stats):
    return {
        "id": leader.id,
        "url": f"/leaders/{leader.id}",
        "user": user_json(leader),
        "real_name": leader.real_name,
        "position": leader.position,
        "organisation": leader.organisation,
        "stats": leader_stats_json(leader, stats),
    }
