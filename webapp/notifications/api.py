"""Notifications API: the caller's notifications, the unread count, marking read."""
from flask import request
from flask_login import current_user

from webapp.accounts.serializers import iso, user_json
from webapp.api import api_route
from webapp.api.auth import list_response, page_args, token_required
from webapp.api.openapi import list_of, ref, registry
from webapp.core.pagination import paginate
from webapp.notifications import services

NOTIFICATION_SCHEMA = registry.schema("Notification", {
    "type": "object",
    "required": ["id", "url", "kind", "title", "body", "link", "created_at", "read", "actor"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "description": "Where the notification leads: its link, else the notification centre"},
        "kind": {"type": "string", "description": "What happened, e.g. verification.approved"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "link": {"type": "string", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "read": {"type": "boolean"},
        "read_at": {"type": "string", "format": "date-time", "nullable": True},
        "actor": {"allOf": [ref("User")], "nullable": True},
    },
})


def notification_json(note):
    return {
        "id": note.id,
        "url": note.link or "/notifications/",
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "link": note.link,
        "created_at": iso(note.created_at),
        "read": note.is_read,
        "read_at": iso(note.read_at),
        "actor": user_json(note.actor) if note.actor else None,
    }


@api_route("/notifications", methods=["GET"], summary="The caller's notifications, newest first",
           tags=["notifications"], auth=True, paginated=True,
           parameters=[{"name": "unread", "in": "query", "schema": {"type": "integer", "enum": [0, 1]},
                        "description": "1: only unread notifications"}],
           responses={200: list_of(NOTIFICATION_SCHEMA)})
@token_required
def list_notifications():
    page, per_page = page_args()
    query = services.notifications_for(current_user, unread_only=request.args.get("unread") in ("1", "true"))
    return list_response(paginate(query, page, per_page), notification_json)


@api_route("/notifications/unread-count", methods=["GET"], summary="How many of the caller's notifications are unread",
           tags=["notifications"], auth=True,
           responses={200: {"type": "object", "required": ["unread"], "properties": {"unread": {"type": "integer"}}}})
@token_required
def notifications_unread_count():
    return {"unread": services.unread_count(current_user)}


@api_route("/notifications/<int:notification_id>/read", methods=["POST"], summary="Mark one notification read",
           tags=["notifications"], auth=True, responses={200: NOTIFICATION_SCHEMA})
@token_required
def mark_notification_read(notification_id):
    return notification_json(services.mark_read(current_user, notification_id))


@api_route("/notifications/read-all", methods=["POST"], summary="Mark all the caller's notifications read",
           tags=["notifications"], auth=True,
           responses={200: {"type": "object", "required": ["marked"], "properties": {"marked": {"type": "integer"}}}})
@token_required
def mark_all_notifications_read():
    return {"marked": services.mark_all_read(current_user)}
