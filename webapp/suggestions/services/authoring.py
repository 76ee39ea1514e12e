"""The author's changes before screening: edit the suggestion, or withdraw (撤回) it.

Both are allowed only while the suggestion waits for staff (rules.why_not_edit /
why_not_withdraw); each leaves a step on the timeline. A withdrawn suggestion leaves
every list and is public to nobody; its author still sees it, marked 已撤回.
"""
from webapp.core.errors import ValidationError
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.suggestions.models import NOTE_MAX, EventKind, SuggestionState
from webapp.suggestions.services.people import get_leader
from webapp.suggestions.services.rules import why_not_edit, why_not_withdraw
from webapp.suggestions.services.timeline import add_event
from webapp.suggestions.services.validation import suggestion_problems

S = SuggestionState
_UNSET = object()


def edit(author, suggestion, title=_UNSET, body=_UNSET, category_id=_UNSET, addressee_id=_UNSET,
         visibility=_UNSET):
    """The author changes what they wrote; a field not given keeps its value.

    Every field is checked as at submission (all problems at once). Attachments stay as
    they are. The screening deadline is not moved: it counts from the submission.
    """
    guard(why_not_edit(author, suggestion))

    def given(value, current):
        return current if value is _UNSET else value

    title = given(title, suggestion.title)
    body = given(body, suggestion.body)
    category_id = given(category_id, suggestion.category_id)
    addressee_id = given(addressee_id, suggestion.addressee_id)
    visibility = (given(visibility, suggestion.visibility) or "public").strip()
    problems = suggestion_problems(title, body, category_id, addressee_id, visibility)
    if problems:
        raise ValidationError("请修改标出的内容", fields=problems)
    addressee = get_leader(addressee_id) if addressee_id not in (None, "", 0, "0") else None
    changed = []
    for label, attr, value in (("标题", "title", title.strip()), ("正文", "body", body.strip()),
                               ("分类", "category_id", int(category_id)),
                               ("致", "addressee_id", getattr(addressee, "id", None)),
                               ("公开范围", "visibility", visibility)):
        if getattr(suggestion, attr) != value:
            setattr(suggestion, attr, value)
            changed.append(label)
    if changed:
        if "致" in changed:
            suggestion.addressee = addressee
        add_event(suggestion, EventKind.edited, author, note="修改了" + "、".join(changed))
    db.session.flush()
    return suggestion


def withdraw(author, suggestion, reason=""):
    """The author withdraws the suggestion before it is screened; this cannot be undone."""
    guard(why_not_withdraw(author, suggestion))
    reason = (reason or "").strip()
    if len(reason) > NOTE_MAX:
        raise ValidationError(f"说明不能超过 {NOTE_MAX} 个字", fields={"reason": f"不能超过 {NOTE_MAX} 个字"})
    suggestion.state = S.withdrawn.value
    add_event(suggestion, EventKind.withdrawn, author, note=reason)
    db.session.flush()
    return suggestion
