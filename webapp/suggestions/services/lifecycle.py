"""The lifecycle of a suggestion, one function per transition, each refusing illegal ones:

    submitted ──accept──▶ accepted ──assign──▶ assigned ──save_answer──▶ answered ──rate/close──▶ closed
        └──refuse──▶ not_accepted                  ▲  └──assign (reassign)

(`submit` is in submission.py.) Each function takes the acting user explicitly, guards with
its rule from rules.py, changes the models, records the timeline (and the audit log for
staff actions), queues notifications and flushes; the caller's unit of work commits.
"""
from webapp.core import audit
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import Conflict, ValidationError
from webapp.core.permissions import guard
from webapp.core.text import quoted
from webapp.core.timeutil import local_zone
from webapp.core.workdays import add_working_days, local_date
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.suggestions.models import (
    ANSWER_MAX,
    ANSWER_MIN,
    COMMENT_MAX,
    FOLLOW_UP_MIN,
    NOTE_MAX,
    EventKind,
    LeaderAnswer,
    Satisfaction,
    ScreeningReason,
    SuggestionAction,
    SuggestionFollowUp,
    SuggestionRating,
    SuggestionState,
    SuggestionSupport,
)
from webapp.suggestions.services import mailing
from webapp.suggestions.services.people import assignable_leader
from webapp.suggestions.services.rules import (
    why_not_answer,
    why_not_answer_follow_up,
    why_not_assign,
    why_not_close,
    why_not_follow_up,
    why_not_rate,
    why_not_refuse,
    why_not_screen,
)
from webapp.suggestions.services.settings import calendar, setting
from webapp.suggestions.services.timeline import STAFF_ACTOR_NAME, add_event, link
from webapp.suggestions.services.validation import clean_text

S = SuggestionState


def _note(note):
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"说明不能超过 {NOTE_MAX} 个字", fields={"note": f"不能超过 {NOTE_MAX} 个字"})
    return note


def _mark_screened(actor, suggestion, state, note):
    suggestion.state = state.value
    suggestion.screened_at = utcnow()
    suggestion.screened_by_id = actor.id
    suggestion.screening_note = note


def refuse(actor, suggestion, reason_id=None, note=""):
    """Staff do not accept (不予受理) a submitted suggestion, with a standard reason the author sees.

    Refused once co-signatures reached the threshold, when the association must accept.
    """
    guard(why_not_refuse(actor, suggestion))
    note = _note(note)
    reason = get_by_id(ScreeningReason, reason_id)
    if reason is None or not reason.active:
        raise ValidationError("请选择不予受理的理由", fields={"reason_id": "必选"})
    _mark_screened(actor, suggestion, S.not_accepted, note)
    suggestion.screening_reason_id = reason.id
    add_event(suggestion, EventKind.not_accepted, actor, note=f"{reason.title}{'：' + note if note else ''}")
    audit.record(actor, SuggestionAction.not_accept, "suggestion", suggestion.id,
                 summary=f"不予受理建议{quoted(suggestion.title)}", reason=f"{reason.title} {note}".strip())
    notify(suggestion.author, "suggestion.not_accepted", f"您的建议{quoted(suggestion.title)}不予受理",
           f"理由：{reason.title}{'。' + note if note else ''}", link(suggestion), sender=STAFF_ACTOR_NAME)
    db.session.flush()
    return suggestion


def accept(actor, suggestion, note="", leader_id=None):
    """Staff accept (受理) a submitted suggestion, which fixes the answer deadline (N and 2N
    working days from today). A suggestion addressed to a leader is assigned to them at
    once unless `leader_id` names another."""
    guard(why_not_screen(actor, suggestion))
    note = _note(note)
    target = None
    if leader_id not in (None, "", 0, "0"):
        target = assignable_leader(leader_id)
    elif suggestion.addressee is not None and suggestion.addressee.is_verified_leader \
            and not suggestion.addressee.is_suspended:
        target = suggestion.addressee
    _mark_screened(actor, suggestion, S.accepted, note)
    cal = calendar()
    start = local_date(suggestion.screened_at, local_zone())
    n = setting("SUGGESTION_ANSWER_DAYS")
    suggestion.screening_reason_id = None
    suggestion.accepted_at = suggestion.screened_at
    suggestion.due_date = add_working_days(start, n, cal)
    suggestion.long_due_date = add_working_days(start, 2 * n, cal)
    add_event(suggestion, EventKind.accepted, actor,
              note=f"应于 {suggestion.due_date.isoformat()} 前答复{'。' + note if note else ''}")
    audit.record(actor, SuggestionAction.accept, "suggestion", suggestion.id,
                 summary=f"受理建议{quoted(suggestion.title)}")
    notify(suggestion.author, "suggestion.accepted", f"您的建议{quoted(suggestion.title)}已受理",
           f"将于 {suggestion.due_date.isoformat()} 前答复。", link(suggestion), sender=STAFF_ACTOR_NAME)
    if target is not None:
        _assign(actor, suggestion, target, note="")
    db.session.flush()
    return suggestion


def _assign(actor, suggestion, leader, note):
    previous = suggestion.assigned_leader
    if previous is not None and previous.id == leader.id:
        raise Conflict("该建议已交办给这位领导", code="same_leader")
    # A draft belongs to the leader who wrote it; the new leader starts afresh.
    if suggestion.answer is not None and suggestion.answer.is_draft:
        db.session.delete(suggestion.answer)
        suggestion.answer = None
    suggestion.assigned_leader_id = leader.id
    suggestion.assigned_leader = leader
    suggestion.assigned_at = utcnow()
    suggestion.reminded_at = None
    suggestion.state = S.assigned.value
    kind = EventKind.reassigned if previous is not None else EventKind.assigned
    add_event(suggestion, kind, actor, note=note, subject=leader)
    name = leader.real_name or leader.display_name
    audit.record(actor, SuggestionAction.reassigned if previous else SuggestionAction.assigned, "suggestion",
                 suggestion.id, summary=f"{'改派' if previous else '交办'}建议{quoted(suggestion.title)}给 {name}",
                 reason=note or None)
    notify(leader, "suggestion.assigned", f"新交办的建议：{suggestion.title}",
           f"请于 {suggestion.due_date.isoformat()} 前答复。", link(suggestion), sender=STAFF_ACTOR_NAME)
    mailing.assigned_to_leader(suggestion, leader)
    notify(suggestion.author, "suggestion.assigned", f"您的建议{quoted(suggestion.title)}已交办",
           f"已交由 {name}（{leader.position or '领导'}）办理。", link(suggestion), sender=STAFF_ACTOR_NAME)
    if previous is not None:
        notify(previous, "suggestion.reassigned", f"建议{quoted(suggestion.title)}已改派他人办理", note or "",
               link(suggestion), sender=STAFF_ACTOR_NAME)


def assign(actor, suggestion, leader_id, note=""):
    """Staff assign an accepted suggestion to a verified leader, or reassign it before it is answered."""
    guard(why_not_assign(actor, suggestion))
    note = (note or "").strip()[:NOTE_MAX]
    leader = assignable_leader(leader_id)
    _assign(actor, suggestion, leader, note)
    db.session.flush()
    return suggestion


def save_answer(leader, suggestion, body, publish=True):
    """The assigned leader saves a draft (`publish=False`) or publishes the answer."""
    guard(why_not_answer(leader, suggestion))
    body = clean_text(body, "body", "答复", ANSWER_MIN if publish else 1, ANSWER_MAX)
    now = utcnow()
    answer = suggestion.answer
    if answer is None:
        answer = LeaderAnswer(leader_id=leader.id, body=body, created_at=now, updated_at=now)
        suggestion.answer = answer
    answer.leader_id = leader.id
    answer.body = body
    answer.updated_at = now
    if publish:
        answer.published_at = now
        suggestion.state = S.answered.value
        suggestion.answered_at = now
        add_event(suggestion, EventKind.answered, leader)
        notify(suggestion.author, "suggestion.answered", f"您的建议{quoted(suggestion.title)}已答复",
               f"{leader.real_name or leader.display_name}答复了您的建议，欢迎评价。", link(suggestion),
               actor=leader)
        mailing.answer_published(suggestion, leader.real_name or leader.display_name)
        if suggestion.is_publicly_visible():
            signers = db.session.query(SuggestionSupport.user_id).filter_by(suggestion_id=suggestion.id)
            for (uid,) in signers:
                notify(uid, "suggestion.answered", f"您联名支持的建议{quoted(suggestion.title)}已答复", "",
                       link(suggestion), actor=leader)
    db.session.flush()
    return answer


def ask_follow_up(author, suggestion, question):
    """The author asks one follow-up question on the answer."""
    guard(why_not_follow_up(author, suggestion))
    question = clean_text(question, "question", "追问", FOLLOW_UP_MIN, NOTE_MAX)
    suggestion.follow_up = SuggestionFollowUp(question=question, asked_at=utcnow())
    add_event(suggestion, EventKind.follow_up, author)
    leader = suggestion.answer.leader or suggestion.assigned_leader
    if leader is not None:
        notify(leader, "suggestion.follow_up", f"建议{quoted(suggestion.title)}有追问", question[:200],
               link(suggestion), actor=author)
    db.session.flush()
    return suggestion.follow_up


def answer_follow_up(leader, suggestion, text):
    """The assigned leader replies to the author's follow-up question."""
    guard(why_not_answer_follow_up(leader, suggestion))
    follow_up = suggestion.follow_up
    follow_up.answer = clean_text(text, "body", "答复", FOLLOW_UP_MIN, ANSWER_MAX)
    follow_up.answered_at = utcnow()
    follow_up.answered_by_id = leader.id
    add_event(suggestion, EventKind.follow_up_answered, leader)
    notify(suggestion.author, "suggestion.follow_up_answered", f"您对{quoted(suggestion.title)}的追问已答复", "",
           link(suggestion), actor=leader)
    db.session.flush()
    return follow_up


def rate(author, suggestion, value, comment=""):
    """The author rates the answer once; this closes the suggestion."""
    guard(why_not_rate(author, suggestion))
    try:
        value = Satisfaction(str(value or ""))
    except ValueError:
        raise ValidationError("请选择满意、基本满意或不满意",
                              fields={"value": "可选 " + "、".join(v.value for v in Satisfaction)}) from None
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(f"评价不能超过 {COMMENT_MAX} 个字", fields={"comment": f"不能超过 {COMMENT_MAX} 个字"})
    now = utcnow()
    leader_id = suggestion.answer.leader_id if suggestion.answer else suggestion.assigned_leader_id
    suggestion.rating = SuggestionRating(leader_id=leader_id, value=value.value, comment=comment, created_at=now)
    suggestion.state = S.closed.value
    suggestion.closed_at = now
    add_event(suggestion, EventKind.rated, author, note=value.title)
    if leader_id:
        notify(leader_id, "suggestion.rated", f"建议{quoted(suggestion.title)}的答复获评{quoted(value.title)}", comment[:200],
               link(suggestion), actor=author)
    db.session.flush()
    return suggestion.rating


def close(actor, suggestion, note=""):
    """Staff close an answered suggestion the author has not rated (e.g. after a long silence)."""
    guard(why_not_close(actor, suggestion))
    suggestion.state = S.closed.value
    suggestion.closed_at = utcnow()
    note = (note or "").strip()[:NOTE_MAX]
    add_event(suggestion, EventKind.closed, actor, note=note)
    audit.record(actor, SuggestionAction.close, "suggestion", suggestion.id,
                 summary=f"办结建议{quoted(suggestion.title)}", reason=note or None)
    db.session.flush()
    return suggestion
