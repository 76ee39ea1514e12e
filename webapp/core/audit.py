"""The audit log: who did what to which object, when and why.

Used for moderation, verification, review decisions and role grants. Adds to the
session; the caller's transaction commits it together with the change it records.

Each capability declares its actions once, as a TitledEnum of codes and Chinese titles
(`SuggestionAction.accept` → "suggestion.accept", "受理建议"), registers it in its
`init_app` and passes members to `record()`; the staff pages show `action_title(code)`.
"""
from flask import has_request_context, request

from webapp.core.enums import TitledEnum
from webapp.core.models import AuditLog
from webapp.extensions import db

_TITLES = {}


def register_actions(actions):
    """Make the titles of a capability's action Enum known to the audit log pages."""
    for action in actions:
        _TITLES[action.value] = action.title


def action_title(code):
    return _TITLES.get(code, code)


def action_titles():
    return dict(_TITLES)


def record(actor, action, obj_type, obj_id=None, summary="", reason=None, data=None):
    if not isinstance(action, TitledEnum):
        raise TypeError(f"audit actions are declared TitledEnum members, not {action!r}")
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action.value,
        object_type=obj_type,
        object_id=obj_id,
        summary=summary[:500],
        reason=reason,
        data=data,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def query_log(action=None, actor_id=None, object_type=None):
    q = AuditLog.query
    if action:
        q = q.filter(AuditLog.action == action)
    if actor_id:
        q = q.filter(AuditLog.actor_id == actor_id)
    if object_type:
        q = q.filter(AuditLog.object_type == object_type)
    return q.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
