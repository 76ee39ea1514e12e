"""JSON shapes of users for the API. Private fields appear only in `me_json`."""
from webapp.api.openapi import ref, registry

USER_SCHEMA = registry.schema("User", {
    "type": "object",
    "required": ["id", "url", "username", "display_name"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "description": "Path of the profile page"},
        "username": {"type": "string"},
        "display_name": {"type": "string"},
        "institution": {"type": "string"},
        "discipline_tags": {"type": "array", "items": {"type": "string"}},
        "bio": {"type": "string"},
        "bio_html": {"type": "string"},
        "avatar_url": {"type": "string"},
        "roles": {"type": "array", "items": {"type": "string"}},
        "verified": {"type": "boolean"},
        "verification": {
            "type": "object", "nullable": True,
            "properties": {"real_name": {"type": "string"}, "organisation": {"type": "string"},
                           "position": {"type": "string"}, "verified_at": {"type": "string", "format": "date-time"}},
        },
        "created_at": {"type": "string", "format": "date-time"},
    },
})

ME_SCHEMA = registry.schema("Me", {
    "allOf": [ref("User"), {
        "type": "object",
        "properties": {
            "email": {"type": "string"},
            "unread_notifications": {"type": "integer"},
            "last_login_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    }],
})


def iso(dt):
    return dt.isoformat() + "Z" if dt else None


def user_json(user):
    from webapp.core.text import plain_text

    return {
        "id": user.id,
        "url": user.url,
        "username": user.username,
        "display_name": user.display_name,
        "institution": user.institution,
        "discipline_tags": list(user.discipline_tags or []),
        "bio": user.bio,
        "bio_html": str(plain_text(user.bio)),
        "avatar_url": user.avatar_url(),
        "roles": sorted(r.value for r in user.roles),
        "verified": user.is_verified,
        "verification": {
            "real_name": user.real_name, "organisation": user.organisation,
            "position": user.position, "verified_at": iso(user.verified_at),
        } if user.is_verified else None,
        "created_at": iso(user.created_at),
    }


def me_json(user):
    from webapp.notifications.services import unread_count

    data = user_json(user)
    data.update({"email": user.email, "unread_notifications": unread_count(user),
                 "last_login_at": iso(user.last_login_at)})
    return data
