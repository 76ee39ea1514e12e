"""Who may do what with a suggestion, now: one rule per action.

Each `why_not_<action>(user, suggestion)` returns the ServiceError that refuses the
action (with its status and code), or None when it is allowed; `can_<action>` is the
same rule as a bool. The services guard with the first, `permissions()` (the page's
buttons and the API's `permissions`) and the templates use the second — so a button
shows exactly when its action would succeed.
"""
from webapp.core.errors import AuthenticationRequired, Conflict, NotFound, PermissionDenied
from webapp.core.permissions import is_authenticated, is_staff
from webapp.suggestions.models import SuggestionState
from webapp.suggestions.services.settings import support_threshold

S = SuggestionState
_STAFF_ONLY = "只有工作人员可以执行此操作"


def _state_refusal(suggestion, *states, message=None):
    if suggestion.state not in [str(s) for s in states]:
        return Conflict(message or f"当前状态（{suggestion.state_enum.title}）下不能执行此操作",
                        code="illegal_transition")
    return None


def _staff_refusal(user):
    if not is_authenticated(user):
        return AuthenticationRequired()
    if not is_staff(user):
        return PermissionDenied(_STAFF_ONLY)
    return None


def _party_refusal(user, suggestion):
    """A logged-in user who may see the suggestion (404 as for a missing one otherwise)."""
    if not is_authenticated(user):
        return AuthenticationRequired()
    if not suggestion.is_visible_to(user):
        return NotFound("找不到该建议")
    return None


def _is_author(user, suggestion):
    return is_authenticated(user) and suggestion.author_id == user.id


def _follow_up_pending(suggestion):
    return suggestion.follow_up is not None and suggestion.follow_up.is_pending


def is_answering_leader(user, suggestion):
    """The verified leader the suggestion is assigned to (who writes, and sees, the draft)."""
    return is_authenticated(user) and suggestion.assigned_leader_id == user.id and user.is_verified_leader


# ---------------------------------------------------------------- the rules

def why_not_view(user, suggestion):
    return None if suggestion.is_visible_to(user) else NotFound("找不到该建议")


def why_not_support(user, suggestion):
    refusal = _party_refusal(user, suggestion)
    if refusal:
        return refusal
    if not suggestion.is_publicly_visible():
        if suggestion.is_public and not suggestion.is_hidden and suggestion.state == S.submitted.value:
            # Seen by its parties and staff only until accepted (先审后发).
            return Conflict("建议受理公开后才能联名支持", code="not_public")
        return Conflict("只有公开的建议可以联名支持", code="not_public")
    if not suggestion.collects_signatures:
        return Conflict("该建议已答复或已办结，不再征集联名", code="support_closed")
    if suggestion.author_id == user.id:
        return Conflict("不能为自己的建议联名", code="own_suggestion")
    if user.id in (suggestion.addressee_id, suggestion.assigned_leader_id):
        # The leader who must answer does not co-sign what is addressed to them.
        return Conflict("收信或承办的领导不能联名", code="addressed_to_you")
    return None


def why_not_withdraw_support(user, suggestion):
    """Withdraw one's co-signature (撤回联名) while the suggestion still collects them."""
    from webapp.suggestions.services.reading import has_supported

    refusal = _party_refusal(user, suggestion)
    if refusal:
        return refusal
    if not suggestion.collects_signatures:
        return Conflict("该建议已不再征集联名，联名不能撤回", code="support_closed")
    if not has_supported(user, suggestion):
        return Conflict("您没有联名支持这条建议", code="not_supported")
    return None


def _author_before_screening(user, suggestion, verb):
    """The author, while the suggestion waits for screening (受理) and is not hidden."""
    refusal = _party_refusal(user, suggestion)
    if refusal:
        return refusal
    if suggestion.author_id != user.id:
        return PermissionDenied(f"只有建议人可以{verb}建议")
    if suggestion.state == S.withdrawn.value:
        return Conflict("该建议已撤回", code="withdrawn")
    if suggestion.state != S.submitted.value:
        return Conflict(f"建议已经受理或处理，不能再{verb}", code="already_screened")
    if suggestion.is_hidden:
        return Conflict(f"该建议已被隐藏，不能{verb}", code="hidden")
    return None


def why_not_edit(user, suggestion):
    """The author edits the suggestion until staff screen it."""
    return _author_before_screening(user, suggestion, "修改")


def why_not_withdraw(user, suggestion):
    """The author withdraws (撤回) the suggestion until staff screen it."""
    return _author_before_screening(user, suggestion, "撤回")


def why_not_recategorise(user, suggestion):
    """Staff file a suggestion under another category, in any state but withdrawn."""
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    if suggestion.state == S.withdrawn.value:
        return Conflict("该建议已撤回", code="withdrawn")
    return None


def why_not_screen(user, suggestion):
    """Accept (受理) or refuse (不予受理): staff, while the suggestion waits for screening."""
    return _staff_refusal(user) or _state_refusal(suggestion, S.submitted, message="该建议已经受理过了")


def why_not_refuse(user, suggestion, threshold=None):
    """Refusing also needs the co-signatures below the threshold (SUGGESTION_SUPPORT_THRESHOLD
    unless given): once reached, the association must accept (it stays reached even if the
    setting is raised later)."""
    threshold = support_threshold() if threshold is None else threshold
    refusal = why_not_screen(user, suggestion)
    if refusal:
        return refusal
    if suggestion.threshold_reached_at is not None or suggestion.support_count >= threshold:
        return Conflict(f"联名已达到 {threshold} 人，必须受理", code="threshold_reached")
    return None


def why_not_assign(user, suggestion):
    return _staff_refusal(user) or _state_refusal(suggestion, S.accepted, S.assigned,
                                                  message="只有已受理、尚未答复的建议可以交办或改派")


def _answering_leader_refusal(user, suggestion):
    refusal = _party_refusal(user, suggestion)
    if refusal:
        return refusal
    if not is_answering_leader(user, suggestion):
        return PermissionDenied("只有被交办的领导可以答复")
    return None


def why_not_answer(user, suggestion):
    return (_answering_leader_refusal(user, suggestion)
            or _state_refusal(suggestion, S.assigned, message="该建议当前不能答复"))


def why_not_follow_up(user, suggestion):
    refusal = _party_refusal(user, suggestion)
    if refusal:
        return refusal
    if suggestion.author_id != user.id:
        return PermissionDenied("只有建议人可以追问")
    refusal = _state_refusal(suggestion, S.answered, message="只能在答复后、评价前追问")
    if refusal:
        return refusal
    if suggestion.follow_up is not None:
        return Conflict("每条建议只能追问一次", code="already_asked")
    return None


def why_not_answer_follow_up(user, suggestion):
    refusal = _answering_leader_refusal(user, suggestion)
    if refusal:
        return refusal
    if not _follow_up_pending(suggestion) or suggestion.state != S.answered.value:
        return Conflict("没有待答复的追问", code="illegal_transition")
    return None


def why_not_rate(user, suggestion):
    refusal = _party_refusal(user, suggestion)
    if refusal:
        return refusal
    if suggestion.author_id != user.id:
        return PermissionDenied("只有建议人可以评价")
    if suggestion.rating is not None:
        return Conflict("每条建议只能评价一次", code="already_rated")
    refusal = _state_refusal(suggestion, S.answered, message="只能在答复后评价")
    if refusal:
        return refusal
    if _follow_up_pending(suggestion):
        return Conflict("追问尚未答复，请答复后再评价", code="follow_up_pending")
    return None


def why_not_close(user, suggestion):
    refusal = _staff_refusal(user) or _state_refusal(suggestion, S.answered, message="只有已答复的建议可以办结")
    if refusal:
        return refusal
    if _follow_up_pending(suggestion):
        return Conflict("追问尚未答复，不能办结", code="follow_up_pending")
    return None


def why_not_hide(user, suggestion):
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    if suggestion.is_hidden:
        return Conflict("该建议已被隐藏", code="already_hidden")
    return None


def why_not_unhide(user, suggestion):
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    if not suggestion.is_hidden:
        return Conflict("该建议没有被隐藏", code="not_hidden")
    return None


def why_not_hide_answer(user, suggestion):
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    answer = suggestion.published_answer
    if answer is None:
        return Conflict("该建议还没有答复", code="no_answer")
    if answer.hidden_at is not None:
        return Conflict("该答复已被隐藏", code="already_hidden")
    return None


def why_not_unhide_answer(user, suggestion):
    refusal = _staff_refusal(user)
    if refusal:
        return refusal
    answer = suggestion.published_answer
    if answer is None or answer.hidden_at is None:
        return Conflict("该答复没有被隐藏", code="not_hidden")
    return None


def _as_bool(rule):
    """`can_<action>(user, suggestion)`: the rule `why_not_<action>` as a bool."""

    def can(user, suggestion):
        return rule(user, suggestion) is None

    can.__name__ = rule.__name__.replace("why_not_", "can_")
    can.__doc__ = f"True when {rule.__name__} refuses nothing."
    return can


can_view = _as_bool(why_not_view)
can_support = _as_bool(why_not_support)
can_screen = _as_bool(why_not_screen)
can_refuse = _as_bool(why_not_refuse)
can_assign = _as_bool(why_not_assign)
can_answer = _as_bool(why_not_answer)
can_follow_up = _as_bool(why_not_follow_up)
can_answer_follow_up = _as_bool(why_not_answer_follow_up)
can_rate = _as_bool(why_not_rate)
can_close = _as_bool(why_not_close)
can_hide = _as_bool(why_not_hide)
can_unhide = _as_bool(why_not_unhide)
can_hide_answer = _as_bool(why_not_hide_answer)
can_unhide_answer = _as_bool(why_not_unhide_answer)
can_withdraw_support = _as_bool(why_not_withdraw_support)
can_edit = _as_bool(why_not_edit)
can_withdraw = _as_bool(why_not_withdraw)
can_recategorise = _as_bool(why_not_recategorise)


# The actions whose flags the API's `permissions` object carries, in its order.
API_ACTIONS = ("support", "screen", "assign", "answer", "follow_up", "answer_follow_up", "rate", "close",
               "withdraw_support", "edit", "withdraw", "recategorise")
# The staff page also shows refusing (when the threshold allows it) and moderation.
STAFF_PAGE_ACTIONS = ("refuse", "hide", "unhide", "hide_answer", "unhide_answer")
# Every flag the suggestion page uses.
PAGE_ACTIONS = API_ACTIONS + STAFF_PAGE_ACTIONS
_RULES = {name: globals()[f"can_{name}"] for name in PAGE_ACTIONS}


def permissions(user, suggestion, actions=API_ACTIONS):
    """What `user` may do with `suggestion` now: {"can_<action>": bool} from the rules above."""
    return {f"can_{name}": _RULES[name](user, suggestion) for name in actions}


def can_see_moderation_notes(user, suggestion):
    """Moderation reasons and what staff wrote when screening (the notes of
    `MODERATION_EVENT_KINDS`, the screening note): for the author, the leader addressed or
    assigned, and staff; everyone else sees the step without its note."""
    return is_staff(user) or suggestion.is_party(user)


def can_see_answer(user, suggestion):
    """A published answer everyone may read; a hidden one only the parties and staff."""
    answer = suggestion.published_answer
    if answer is None:
        return False
    return answer.hidden_at is None or is_staff(user) or suggestion.is_party(user)
