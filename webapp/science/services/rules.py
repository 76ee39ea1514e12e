"""Who may do what in the science hub: one `why_not_<action>(user, obj)` per action (None
when allowed, else the ServiceError to raise) and its `can_<action>` twin."""
from webapp.core.db import utcnow
from webapp.core.errors import AuthenticationRequired, Conflict, NotFound, PermissionDenied
from webapp.core.permissions import is_authenticated
from webapp.science.models import EDITABLE_STATES, ContentState

EDITOR_ROLES = ("editor", "admin")
BASE_ROLES = ("staff", "admin", "editor")


def is_editor(user):
    return is_authenticated(user) and user.has_role(*EDITOR_ROLES)


def _can(rule):
    def can(user, obj=None):
        return rule(user, obj) is None

    can.__name__ = rule.__name__.replace("why_not_", "can_")
    return can


def why_not_view(user, item):
    """Public once published (and its time has come); before that only its author and editors."""
    if item.is_public(utcnow()):
        return None
    if is_authenticated(user) and (user.id == item.author_id or is_editor(user)):
        return None
    return NotFound()


def why_not_write(user, _obj=None):
    """Any member, not suspended, may write a draft (contributors)."""
    if not is_authenticated(user):
        return AuthenticationRequired()
    if getattr(user, "is_suspended", False):
        return PermissionDenied("账号已被暂停，不能投稿")
    return None


def why_not_edit(user, item):
    refusal = why_not_view(user, item)
    if refusal is not None:
        return refusal
    if not is_authenticated(user) or user.id != item.author_id:
        return PermissionDenied("只有作者可以修改稿件")
    if item.state not in EDITABLE_STATES:
        return Conflict(f"稿件{item.state_enum.title}，不能修改", code="not_editable")
    return None


def why_not_submit(user, item):
    refusal = why_not_edit(user, item)
    if refusal is not None:
        return refusal
    return None


def why_not_review(user, item):
    refusal = why_not_view(user, item)
    if refusal is not None:
        return refusal
    if not is_editor(user):
        return PermissionDenied("只有编辑可以审核稿件")
    if item.state != ContentState.submitted.value:
        return Conflict(f"稿件{item.state_enum.title}，不在待审核状态", code="not_submitted")
    return None


def why_not_edit_bases(user, _obj=None):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if not user.has_role(*BASE_ROLES):
        return PermissionDenied("只有工作人员可以编辑科普基地")
    return None


def why_not_review_queue(user, _obj=None):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if not is_editor(user):
        return PermissionDenied("只有编辑可以查看审稿队列")
    return None


can_view = _can(why_not_view)
can_write = _can(why_not_write)
can_edit = _can(why_not_edit)
can_submit = _can(why_not_submit)
can_review = _can(why_not_review)
can_edit_bases = _can(why_not_edit_bases)
can_review_queue = _can(why_not_review_queue)
