"""The rules of suggestions to leaders (建言献策 · 领导信箱).

Lifecycle, one function per step, each refusing an illegal transition:

    submitted ──screen(accept)──▶ accepted ──assign──▶ assigned ──answer──▶ answered ──rate/close──▶ closed
        └──screen(refuse)──▶ not_accepted                  ▲  └──assign (reassign)

Every function takes the acting user explicitly, checks permission, changes the models,
records the timeline (and the audit log for staff actions), queues notifications and
commits once. Pages, the API and the CLI all call these.
"""
import os
import secrets
from functools import lru_cache
from statistics import median

from flask import current_app
from sqlalchemy import and_, case, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from webapp.accounts.models import Role, User, UserRole
from webapp.core import audit, ratelimit
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import (AuthenticationRequired, Conflict, NotFound, PermissionDenied, RateLimited,
                                ValidationError)
from webapp.core.timeutil import local_zone
from webapp.core.uploads import UploadError, _atomic_write, _upload_dir, check_document, private_document_path
from webapp.core.workdays import (WorkCalendar, add_working_days, deadline_status, local_date,
                                  subtract_working_days, working_days_between)
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.suggestions.models import (ANSWERED_STATES, OPEN_STATES, RECEIVED_STATES, EventKind, LeaderAnswer,
                                       Satisfaction, ScreeningReason, Suggestion, SuggestionAttachment,
                                       SuggestionCategory, SuggestionEvent, SuggestionFollowUp, SuggestionRating,
                                       SuggestionState, SuggestionSupport, Visibility)

S = SuggestionState

DEFAULT_CATEGORIES = ["科研政策", "人才评价", "学会治理", "科普工作", "创新创业", "其他"]
DEFAULT_REASONS = ["不属于受理范围", "重复提交", "含广告内容", "含辱骂或人身攻击内容", "涉及诉讼或司法程序中的事项"]

TITLE_MIN, TITLE_MAX = 5, 120
BODY_MIN, BODY_MAX = 10, 20000
ANSWER_MIN, ANSWER_MAX = 10, 20000
NOTE_MAX = 2000
COMMENT_MAX = 1000
ATTACHMENT_KIND = "suggestions"

SORTS = {"newest": "最新", "supported": "联名最多", "waiting": "等待最久"}


# --- settings and the calendar ----------------------------------------------------------

@lru_cache(maxsize=8)
def _calendar_from(path, mtime):
    return WorkCalendar.from_file(path)


def calendar():
    """The working-day calendar of WORK_CALENDAR_FILE (re-read when the file changes)."""
    path = current_app.config.get("WORK_CALENDAR_FILE") or ""
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        return WorkCalendar()
    return _calendar_from(path, mtime)


def today():
    return local_date(utcnow(), local_zone())


def _setting(name):
    return current_app.config[name]


def support_threshold():
    return _setting("SUGGESTION_SUPPORT_THRESHOLD")


def min_sample():
    return _setting("SUGGESTION_STATS_MIN_SAMPLE")


# --- managed lists -----------------------------------------------------------------------

def ensure_defaults():
    """Create the default categories and screening reasons that are missing (idempotent)."""
    names = {c.name for c in SuggestionCategory.query.all()}
    for position, name in enumerate(DEFAULT_CATEGORIES):
        if name not in names:
            db.session.add(SuggestionCategory(name=name, position=position))
    titles = {r.title for r in ScreeningReason.query.all()}
    for position, title in enumerate(DEFAULT_REASONS):
        if title not in titles:
            db.session.add(ScreeningReason(title=title, position=position))
    db.session.commit()


def categories(include_inactive=False):
    q = SuggestionCategory.query
    if not include_inactive:
        q = q.filter(SuggestionCategory.active.is_(True))
    return q.order_by(SuggestionCategory.position, SuggestionCategory.id).all()


def screening_reasons(include_inactive=False):
    q = ScreeningReason.query
    if not include_inactive:
        q = q.filter(ScreeningReason.active.is_(True))
    return q.order_by(ScreeningReason.position, ScreeningReason.id).all()


def _managed_item(model, label_attr, action, actor, item_id, label, active, position, what):
    require_staff(actor)
    label = (label or "").strip()
    column = getattr(model, label_attr)
    limit = column.type.length
    if not label:
        raise ValidationError(f"请填写{what}名称", fields={label_attr: "必填"})
    if len(label) > limit:
        raise ValidationError(f"{what}名称不能超过 {limit} 个字", fields={label_attr: f"不能超过 {limit} 个字"})
    if item_id is None:
        # Added to the session only once named: an unnamed row autoflushed by the
        # queries below would violate NOT NULL.
        item = model()
        if position is None:
            position = (db.session.query(func.max(model.position)).scalar() or 0) + 1
    else:
        item = db.session.get(model, item_id)
        if item is None:
            raise NotFound(f"找不到该{what}")
    clash = model.query.filter(func.lower(column) == label.lower(), model.id != (item.id or 0)).first()
    if clash is not None:
        raise ValidationError(f"已有同名{what}", fields={label_attr: "已存在"})
    old = getattr(item, label_attr)
    setattr(item, label_attr, label)
    if active is not None:
        item.active = bool(active)
    if position is not None:
        item.position = int(position)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, action, model.__tablename__, item.id,
                 summary=f"{what}：{old + ' → ' if old and old != label else ''}{label}"
                         f"{'' if item.active else '（停用）'}")
    db.session.commit()
    return item


def save_category(actor, name, category_id=None, active=None, position=None):
    """Create or rename a category, or switch it on/off (staff). Inactive ones stay on old suggestions."""
    return _managed_item(SuggestionCategory, "name", "suggestion.category.save", actor, category_id, name, active, position, "分类")


def save_screening_reason(actor, title, reason_id=None, active=None, position=None):
    return _managed_item(ScreeningReason, "title", "suggestion.reason.save", actor, reason_id, title, active, position, "不予受理理由")


# --- people --------------------------------------------------------------------------------

def require_login(user):
    if user is None or not getattr(user, "is_authenticated", False):
        raise AuthenticationRequired()


def require_staff(user):
    require_login(user)
    if not user.is_staff:
        raise PermissionDenied("只有工作人员可以执行此操作")


def leaders_query():
    """Verified, active users holding the leader role: who suggestions may be addressed to."""
    return (User.query.join(UserRole, UserRole.user_id == User.id)
            .filter(UserRole.role == Role.leader.value, User.verified_at.isnot(None), User.suspended_at.is_(None))
            .order_by(User.id))


def leaders():
    return leaders_query().all()


def get_leader(leader_id):
    user = get_by_id(User, leader_id)
    if user is None or not user.is_verified_leader or user.is_suspended:
        raise NotFound("找不到该领导")
    return user


def _staff_users():
    # A subquery, not DISTINCT: PostgreSQL cannot compare the JSON column DISTINCT would need.
    staff_ids = db.session.query(UserRole.user_id).filter(UserRole.role.in_([Role.staff.value, Role.admin.value]))
    return User.query.filter(User.id.in_(staff_ids), User.suspended_at.is_(None)).order_by(User.id).all()


# --- reading ------------------------------------------------------------------------------

def visible_filter(viewer):
    """SQL condition for the suggestions `viewer` may see (mirrors `Suggestion.can_view`)."""
    public = and_(Suggestion.visibility == Visibility.public.value, Suggestion.hidden_at.is_(None),
                  Suggestion.state != S.not_accepted.value)
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return public
    if viewer.is_staff:
        return db.true()
    return or_(public, Suggestion.author_id == viewer.id, Suggestion.addressee_id == viewer.id,
               Suggestion.assigned_leader_id == viewer.id)


def get_suggestion(suggestion_id, viewer):
    """The suggestion if `viewer` may see it; otherwise 404, so existence does not leak."""
    suggestion = get_by_id(Suggestion, suggestion_id)
    if suggestion is None or not suggestion.can_view(viewer):
        raise NotFound("找不到该建议")
    return suggestion


def _eager(query):
    return query.options(selectinload(Suggestion.author), selectinload(Suggestion.addressee),
                         selectinload(Suggestion.assigned_leader), selectinload(Suggestion.category),
                         selectinload(Suggestion.answer), selectinload(Suggestion.rating))


def list_suggestions(viewer, category_id=None, state=None, leader_id=None, answered=None, sort="newest",
                     mine=False, author_id=None):
    """Suggestions `viewer` may see, filtered and sorted (newest / supported / waiting)."""
    q = Suggestion.query.filter(visible_filter(viewer))
    if mine:
        require_login(viewer)
        q = q.filter(Suggestion.author_id == viewer.id)
    if author_id:
        q = q.filter(Suggestion.author_id == author_id)
    if category_id:
        q = q.filter(Suggestion.category_id == category_id)
    if state:
        try:
            state = S(state)
        except ValueError:
            raise ValidationError("未知的状态", fields={"state": "取值无效"}) from None
        q = q.filter(Suggestion.state == state.value)
    if leader_id:
        q = q.filter(or_(Suggestion.assigned_leader_id == leader_id,
                         and_(Suggestion.assigned_leader_id.is_(None), Suggestion.addressee_id == leader_id)))
    if answered is True:
        q = q.filter(Suggestion.state.in_(ANSWERED_STATES))
    elif answered is False:
        q = q.filter(Suggestion.state.notin_(ANSWERED_STATES))
    if sort == "supported":
        q = q.order_by(Suggestion.support_count.desc(), Suggestion.created_at.desc(), Suggestion.id.desc())
    elif sort == "waiting":
        # Unanswered first, the oldest first; answered ones after, by how long they took.
        waiting = case((Suggestion.state.in_(ANSWERED_STATES + (S.not_accepted.value,)), 1), else_=0)
        q = q.order_by(waiting, Suggestion.created_at.asc(), Suggestion.id.asc())
    elif sort in (None, "", "newest"):
        q = q.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    else:
        raise ValidationError("未知的排序方式", fields={"sort": "可选 newest、supported、waiting"})
    return _eager(q)


def has_supported(user, suggestion):
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.query(SuggestionSupport.id).filter_by(
        suggestion_id=suggestion.id, user_id=user.id).first() is not None


def supported_ids(user, suggestion_ids):
    if not getattr(user, "is_authenticated", False) or not suggestion_ids:
        return set()
    rows = db.session.query(SuggestionSupport.suggestion_id).filter(
        SuggestionSupport.user_id == user.id, SuggestionSupport.suggestion_id.in_(list(suggestion_ids)))
    return {r[0] for r in rows}


def deadline(suggestion, on=None):
    """The answer deadline as the viewer should see it.

    Returns a dict: status ('on_time', 'due_soon', 'overdue', 'long_overdue', or None before
    acceptance), due and long_due dates, and working days left (negative when overdue).
    """
    if suggestion.due_date is None:
        return {"status": None, "due_date": None, "long_due_date": None, "working_days_left": None}
    on = on or today()
    cal = calendar()
    answered_on = local_date(suggestion.answered_at, local_zone()) if suggestion.answered_at else None
    status = deadline_status(suggestion.due_date, suggestion.long_due_date, on, answered_on)
    ref = answered_on or on
    if ref <= suggestion.due_date:
        left = working_days_between(ref, suggestion.due_date, cal)
    else:
        left = -working_days_between(suggestion.due_date, ref, cal)
    if status == "on_time" and answered_on is None and left <= _setting("SUGGESTION_REMIND_DAYS"):
        status = "due_soon"
    return {"status": status, "due_date": suggestion.due_date, "long_due_date": suggestion.long_due_date,
            "working_days_left": left}


DEADLINE_TITLES = {"on_time": "按期", "due_soon": "即将到期", "overdue": "已逾期", "long_overdue": "严重逾期"}


# --- timeline -----------------------------------------------------------------------------

def _event(suggestion, kind, actor=None, note="", subject=None):
    event = SuggestionEvent(kind=EventKind(kind).value, actor_id=getattr(actor, "id", None),
                            subject_id=getattr(subject, "id", None), note=note or "", created_at=utcnow())
    suggestion.events.append(event)
    return event


def _link(suggestion):
    return f"/suggestions/{suggestion.id}"


# --- submitting ---------------------------------------------------------------------------

def _clean_text(value, field, label, minimum, maximum, required=True):
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(f"请填写{label}", fields={field: "必填"})
        return ""
    if len(value) < minimum:
        raise ValidationError(f"{label}至少 {minimum} 个字", fields={field: f"至少 {minimum} 个字"})
    if len(value) > maximum:
        raise ValidationError(f"{label}不能超过 {maximum} 个字", fields={field: f"不能超过 {maximum} 个字"})
    return value


def suggestion_problems(title, body, category_id, addressee_id, visibility):
    """Every problem with a suggestion's fields at once: {field: message}."""
    problems = {}
    for field, value, label, lo, hi in (("title", title, "标题", TITLE_MIN, TITLE_MAX),
                                        ("body", body, "正文", BODY_MIN, BODY_MAX)):
        try:
            _clean_text(value, field, label, lo, hi)
        except ValidationError as exc:
            problems.update(exc.fields)
    category = get_by_id(SuggestionCategory, category_id)
    if category is None or not category.active:
        problems["category_id"] = "请选择分类"
    if addressee_id not in (None, "", 0, "0"):
        try:
            get_leader(addressee_id)
        except NotFound:
            problems["addressee_id"] = "请选择一位已实名认证的领导，或选择“科协”"
    if visibility not in (Visibility.public.value, Visibility.private.value):
        problems["visibility"] = "请选择公开或不公开"
    return problems


def _read_attachment(upload):
    """(filename, bytes) of one upload after the content check; nothing is stored yet."""
    stream, filename = upload
    max_bytes = current_app.config["PROOF_MAX_BYTES"]
    data = stream.read(max_bytes + 1)
    name = os.path.basename((filename or "").replace("\\", "/")).strip()[:200] or "附件"
    if len(data) > max_bytes:
        raise UploadError(f"附件“{name}”过大：不能超过 {max_bytes // (1024 * 1024)} MB",
                          fields={"attachments": "文件过大"})
    if not data:
        raise UploadError(f"附件“{name}”是空文件", fields={"attachments": "文件为空"})
    try:
        ext, mime, payload = check_document(data)
    except UploadError as exc:
        raise UploadError(f"附件“{name}”：{exc.message}", fields={"attachments": exc.message}) from None
    stem = os.path.splitext(name)[0] or "附件"
    return f"{stem}.{ext}", mime, payload


def submit(author, title, body, category_id, addressee_id=None, visibility="public", attachments=()):
    """A member submits a suggestion. Attachments are (stream, filename) pairs.

    All fields and every attachment are checked before anything is written; the files are
    written just before the commit and removed again if the commit fails.
    """
    require_login(author)
    limit, window = _setting("SUGGESTION_POST_LIMIT"), _setting("SUGGESTION_POST_WINDOW")
    key = f"suggestion-post:{author.id}"
    limited, retry = ratelimit.is_limited(key, limit, window)
    if limited:
        raise RateLimited(f"提交过于频繁：每 {window // 3600 or 1} 小时最多提交 {limit} 条建议，请稍后再试",
                          retry_after=int(retry) + 1)  # Retry-After takes whole seconds
    visibility = (visibility or "public").strip()
    problems = suggestion_problems(title, body, category_id, addressee_id, visibility)
    attachments = [a for a in attachments if a is not None]
    if len(attachments) > _setting("SUGGESTION_MAX_ATTACHMENTS"):
        problems["attachments"] = f"最多上传 {_setting('SUGGESTION_MAX_ATTACHMENTS')} 个附件"
    checked = []
    if "attachments" not in problems:
        # Check the files even when other fields are wrong, so the page shows every problem at once.
        try:
            checked = [_read_attachment(a) for a in attachments]
        except UploadError as exc:
            if not problems:
                raise
            problems.update(exc.fields)
    if problems:
        raise ValidationError("请修改标出的内容", fields=problems)

    addressee = get_leader(addressee_id) if addressee_id not in (None, "", 0, "0") else None
    now = utcnow()
    suggestion = Suggestion(
        author_id=author.id, title=title.strip(), body=body.strip(), category_id=int(category_id),
        addressee_id=getattr(addressee, "id", None), visibility=visibility, state=S.submitted.value,
        created_at=now,
        screen_due_date=add_working_days(local_date(now, local_zone()), _setting("SUGGESTION_SCREEN_DAYS"),
                                         calendar()),
    )
    db.session.add(suggestion)
    folder = _upload_dir(ATTACHMENT_KIND)
    written = []
    try:
        for filename, mime, payload in checked:
            storage_key = f"{secrets.token_hex(16)}.{filename.rsplit('.', 1)[-1]}"
            suggestion.attachments.append(SuggestionAttachment(storage_key=storage_key, mime=mime,
                                                               filename=filename, size=len(payload)))
            _atomic_write(folder / storage_key, payload)
            written.append(folder / storage_key)
        _event(suggestion, EventKind.submitted, author)
        ratelimit.hit(key, window)
        db.session.commit()
    except Exception:
        db.session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return suggestion


def attachment_for(viewer, suggestion_id, attachment_id):
    """(attachment, path) if `viewer` may see the suggestion; else 404."""
    suggestion = get_suggestion(suggestion_id, viewer)
    attachment = db.session.get(SuggestionAttachment, attachment_id)
    if attachment is None or attachment.suggestion_id != suggestion.id:
        raise NotFound("找不到该附件")
    path = private_document_path(attachment.storage_key, ATTACHMENT_KIND)
    if path is None or not path.exists():
        raise NotFound("找不到该附件")
    return attachment, path


# --- co-signing ---------------------------------------------------------------------------

def support(user, suggestion):
    """Co-sign a public suggestion. Idempotent: returns False if `user` had already signed."""
    require_login(user)
    if not suggestion.can_view(user):
        raise NotFound("找不到该建议")
    if not suggestion.is_publicly_visible():
        raise Conflict("只有公开的建议可以联名支持", code="not_public")
    if suggestion.state not in (S.submitted.value,) + OPEN_STATES:
        raise Conflict("该建议已答复或已办结，不再征集联名", code="support_closed")
    if suggestion.author_id == user.id:
        raise Conflict("不能为自己的建议联名", code="own_suggestion")
    if user.id in (suggestion.addressee_id, suggestion.assigned_leader_id):
        # The leader who must answer does not co-sign what is addressed to them.
        raise Conflict("建议所致或承办的领导不能联名", code="addressed_to_you")
    if has_supported(user, suggestion):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SuggestionSupport(suggestion_id=suggestion.id, user_id=user.id))
    except IntegrityError:
        # A concurrent request signed first (the savepoint is rolled back): still one signature.
        return False
    # Count in SQL so concurrent signatures are not lost.
    db.session.query(Suggestion).filter(Suggestion.id == suggestion.id).update(
        {Suggestion.support_count: Suggestion.support_count + 1}, synchronize_session=False)
    db.session.flush()
    db.session.refresh(suggestion)
    threshold = support_threshold()
    if suggestion.support_count >= threshold and suggestion.threshold_reached_at is None:
        suggestion.threshold_reached_at = utcnow()
        _event(suggestion, EventKind.threshold, note=f"联名人数达到 {threshold} 人，必须受理并答复")
        for staff in _staff_users():
            notify(staff, "suggestion.threshold", f"建议“{suggestion.title}”联名达到 {threshold} 人",
                   "按规定必须受理并交办答复。", _link(suggestion))
        notify(suggestion.author, "suggestion.threshold", f"您的建议“{suggestion.title}”联名达到 {threshold} 人",
               "科协将受理并交办领导答复。", _link(suggestion))
    db.session.commit()
    return True


# --- screening and assignment ---------------------------------------------------------------

def _require_state(suggestion, *states, message=None):
    if suggestion.state not in [str(s) for s in states]:
        raise Conflict(message or f"当前状态（{suggestion.state_enum.title}）下不能执行此操作",
                       code="illegal_transition")


def screen(actor, suggestion, accept, reason_id=None, note="", leader_id=None):
    """Staff screen a submitted suggestion (受理 or 不予受理).

    Accepting fixes the answer deadline (N and 2N working days from today). A suggestion
    addressed to a leader is assigned to them at once unless `leader_id` names another.
    Not accepting needs a standard reason; it is refused once co-signatures reached the
    threshold, when the association must accept.
    """
    require_staff(actor)
    _require_state(suggestion, S.submitted, message="该建议已经受理过了")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"说明不能超过 {NOTE_MAX} 个字", fields={"note": f"不能超过 {NOTE_MAX} 个字"})
    now = utcnow()
    if not accept:
        # Once reached, the threshold stays reached even if the setting is raised later.
        if suggestion.threshold_reached_at is not None or suggestion.support_count >= support_threshold():
            raise Conflict(f"联名已达到 {support_threshold()} 人，必须受理", code="threshold_reached")
        reason = get_by_id(ScreeningReason, reason_id)
        if reason is None or not reason.active:
            raise ValidationError("请选择不予受理的理由", fields={"reason_id": "必选"})
        suggestion.state = S.not_accepted.value
        suggestion.screened_at = now
        suggestion.screened_by_id = actor.id
        suggestion.screening_reason_id = reason.id
        suggestion.screening_note = note
        _event(suggestion, EventKind.not_accepted, actor, note=f"{reason.title}{'：' + note if note else ''}")
        audit.record(actor, "suggestion.not_accept", "suggestion", suggestion.id,
                     summary=f"不予受理建议“{suggestion.title}”", reason=f"{reason.title} {note}".strip())
        notify(suggestion.author, "suggestion.not_accepted", f"您的建议“{suggestion.title}”未予受理",
               f"理由：{reason.title}{'。' + note if note else ''}", _link(suggestion), actor=actor)
        db.session.commit()
        return suggestion

    target = None
    if leader_id not in (None, "", 0, "0"):
        target = _assignable_leader(leader_id)
    elif suggestion.addressee is not None and suggestion.addressee.is_verified_leader \
            and not suggestion.addressee.is_suspended:
        target = suggestion.addressee
    cal = calendar()
    start = local_date(now, local_zone())
    n = _setting("SUGGESTION_ANSWER_DAYS")
    suggestion.state = S.accepted.value
    suggestion.screened_at = now
    suggestion.screened_by_id = actor.id
    suggestion.screening_reason_id = None
    suggestion.screening_note = note
    suggestion.accepted_at = now
    suggestion.due_date = add_working_days(start, n, cal)
    suggestion.long_due_date = add_working_days(start, 2 * n, cal)
    _event(suggestion, EventKind.accepted, actor,
           note=f"应于 {suggestion.due_date.isoformat()} 前答复{'。' + note if note else ''}")
    audit.record(actor, "suggestion.accept", "suggestion", suggestion.id, summary=f"受理建议“{suggestion.title}”")
    notify(suggestion.author, "suggestion.accepted", f"您的建议“{suggestion.title}”已受理",
           f"将于 {suggestion.due_date.isoformat()} 前答复。", _link(suggestion), actor=actor)
    if target is not None:
        _assign(actor, suggestion, target, note="")
    db.session.commit()
    return suggestion


def _assignable_leader(leader_id):
    try:
        return get_leader(leader_id)
    except NotFound:
        raise ValidationError("请选择一位已实名认证的领导", fields={"leader_id": "不是已认证的领导"}) from None


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
    _event(suggestion, kind, actor, note=note, subject=leader)
    audit.record(actor, f"suggestion.{kind.value}", "suggestion", suggestion.id,
                 summary=f"{'改派' if previous else '交办'}建议“{suggestion.title}”给 {leader.real_name or leader.display_name}",
                 reason=note or None)
    notify(leader, "suggestion.assigned", f"新交办的建议：{suggestion.title}",
           f"请于 {suggestion.due_date.isoformat()} 前答复。", _link(suggestion), actor=actor)
    notify(suggestion.author, "suggestion.assigned", f"您的建议“{suggestion.title}”已交办",
           f"已交由 {leader.real_name or leader.display_name}（{leader.position or '领导'}）办理。",
           _link(suggestion), actor=actor)
    if previous is not None:
        notify(previous, "suggestion.reassigned", f"建议“{suggestion.title}”已改派他人办理", note or "",
               _link(suggestion), actor=actor)


def assign(actor, suggestion, leader_id, note=""):
    """Staff assign an accepted suggestion to a verified leader, or reassign it before it is answered."""
    require_staff(actor)
    _require_state(suggestion, S.accepted, S.assigned, message="只有已受理、尚未答复的建议可以交办或改派")
    note = (note or "").strip()[:NOTE_MAX]
    leader = _assignable_leader(leader_id)
    _assign(actor, suggestion, leader, note)
    db.session.commit()
    return suggestion


# --- answering ------------------------------------------------------------------------------

def can_answer(user, suggestion):
    return (getattr(user, "is_authenticated", False) and suggestion.assigned_leader_id == user.id
            and user.is_verified_leader)


def permissions(user, suggestion):
    """What `user` may do with `suggestion` now (buttons on the page, flags in the API).

    The same conditions the actions below check; the actions still check them.
    """
    authed = bool(getattr(user, "is_authenticated", False))
    staff = authed and user.is_staff
    author = authed and suggestion.author_id == user.id
    leader = bool(can_answer(user, suggestion))
    state = suggestion.state
    follow_up = suggestion.follow_up
    follow_up_pending = follow_up is not None and follow_up.is_pending
    return {
        "can_support": authed and not author and suggestion.is_publicly_visible()
                       and user.id not in (suggestion.addressee_id, suggestion.assigned_leader_id)
                       and state in (S.submitted.value,) + OPEN_STATES,
        "can_screen": staff and state == S.submitted.value,
        "can_assign": staff and state in OPEN_STATES,
        "can_answer": leader and state == S.assigned.value,
        "can_follow_up": author and state == S.answered.value and follow_up is None,
        "can_answer_follow_up": leader and state == S.answered.value and follow_up_pending,
        "can_rate": author and state == S.answered.value and suggestion.rating is None and not follow_up_pending,
        "can_close": staff and state == S.answered.value and not follow_up_pending,
    }


def _require_assigned_leader(user, suggestion):
    require_login(user)
    if not suggestion.can_view(user):
        raise NotFound("找不到该建议")
    if not can_answer(user, suggestion):
        raise PermissionDenied("只有被交办的领导可以答复")


def save_answer(leader, suggestion, body, publish=True):
    """The assigned leader saves a draft (`publish=False`) or publishes the answer."""
    _require_assigned_leader(leader, suggestion)
    _require_state(suggestion, S.assigned, message="该建议当前不能答复")
    body = _clean_text(body, "body", "答复", ANSWER_MIN if publish else 1, ANSWER_MAX)
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
        _event(suggestion, EventKind.answered, leader)
        notify(suggestion.author, "suggestion.answered", f"您的建议“{suggestion.title}”已答复",
               f"{leader.real_name or leader.display_name}答复了您的建议，欢迎评价。", _link(suggestion), actor=leader)
        if suggestion.is_publicly_visible():
            signers = db.session.query(SuggestionSupport.user_id).filter_by(suggestion_id=suggestion.id)
            for (uid,) in signers:
                notify(uid, "suggestion.answered", f"您联名支持的建议“{suggestion.title}”已答复", "",
                       _link(suggestion), actor=leader)
    db.session.commit()
    return answer


def ask_follow_up(author, suggestion, question):
    """The author asks one follow-up question on the answer."""
    require_login(author)
    if not suggestion.can_view(author):
        raise NotFound("找不到该建议")
    if suggestion.author_id != author.id:
        raise PermissionDenied("只有建议人可以追问")
    _require_state(suggestion, S.answered, message="只能在答复后、评价前追问")
    if suggestion.follow_up is not None:
        raise Conflict("每条建议只能追问一次", code="already_asked")
    question = _clean_text(question, "question", "追问", 5, NOTE_MAX)
    suggestion.follow_up = SuggestionFollowUp(question=question, asked_at=utcnow())
    _event(suggestion, EventKind.follow_up, author)
    leader = suggestion.answer.leader or suggestion.assigned_leader
    if leader is not None:
        notify(leader, "suggestion.follow_up", f"建议“{suggestion.title}”有追问", question[:200],
               _link(suggestion), actor=author)
    db.session.commit()
    return suggestion.follow_up


def answer_follow_up(leader, suggestion, text):
    _require_assigned_leader(leader, suggestion)
    follow_up = suggestion.follow_up
    if follow_up is None or not follow_up.is_pending or suggestion.state != S.answered.value:
        raise Conflict("没有待答复的追问", code="illegal_transition")
    follow_up.answer = _clean_text(text, "body", "答复", 5, ANSWER_MAX)
    follow_up.answered_at = utcnow()
    follow_up.answered_by_id = leader.id
    _event(suggestion, EventKind.follow_up_answered, leader)
    notify(suggestion.author, "suggestion.follow_up_answered", f"您对“{suggestion.title}”的追问已答复", "",
           _link(suggestion), actor=leader)
    db.session.commit()
    return follow_up


def rate(author, suggestion, value, comment=""):
    """The author rates the answer once; this closes the suggestion."""
    require_login(author)
    if not suggestion.can_view(author):
        raise NotFound("找不到该建议")
    if suggestion.author_id != author.id:
        raise PermissionDenied("只有建议人可以评价")
    if suggestion.rating is not None:
        raise Conflict("每条建议只能评价一次", code="already_rated")
    _require_state(suggestion, S.answered, message="只能在答复后评价")
    if suggestion.follow_up is not None and suggestion.follow_up.is_pending:
        raise Conflict("追问尚未答复，请答复后再评价", code="follow_up_pending")
    try:
        value = Satisfaction(str(value or ""))
    except ValueError:
        raise ValidationError("请选择满意、基本满意或不满意",
                              fields={"value": "可选 satisfied、basically、unsatisfied"}) from None
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(f"评价不能超过 {COMMENT_MAX} 个字", fields={"comment": f"不能超过 {COMMENT_MAX} 个字"})
    now = utcnow()
    leader_id = suggestion.answer.leader_id if suggestion.answer else suggestion.assigned_leader_id
    suggestion.rating = SuggestionRating(leader_id=leader_id, value=value.value, comment=comment, created_at=now)
    suggestion.state = S.closed.value
    suggestion.closed_at = now
    _event(suggestion, EventKind.rated, author, note=value.title)
    if leader_id:
        notify(leader_id, "suggestion.rated", f"建议“{suggestion.title}”的答复获评“{value.title}”", comment[:200],
               _link(suggestion), actor=author)
    db.session.commit()
    return suggestion.rating


def close(actor, suggestion, note=""):
    """Staff close an answered suggestion the author has not rated (e.g. after a long silence)."""
    require_staff(actor)
    _require_state(suggestion, S.answered, message="只有已答复的建议可以办结")
    if suggestion.follow_up is not None and suggestion.follow_up.is_pending:
        raise Conflict("追问尚未答复，不能办结", code="follow_up_pending")
    suggestion.state = S.closed.value
    suggestion.closed_at = utcnow()
    note = (note or "").strip()[:NOTE_MAX]
    _event(suggestion, EventKind.closed, actor, note=note)
    audit.record(actor, "suggestion.close", "suggestion", suggestion.id, summary=f"办结建议“{suggestion.title}”",
                 reason=note or None)
    db.session.commit()
    return suggestion


# --- moderation -----------------------------------------------------------------------------

def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写理由", fields={"reason": "必填"})
    return reason[:NOTE_MAX]


def hide(actor, suggestion, reason):
    require_staff(actor)
    if suggestion.is_hidden:
        raise Conflict("该建议已被隐藏", code="already_hidden")
    reason = _reason(reason)
    suggestion.hidden_at = utcnow()
    suggestion.hidden_reason = reason
    suggestion.hidden_by_id = actor.id
    _event(suggestion, EventKind.hidden, actor, note=reason)
    audit.record(actor, "suggestion.hide", "suggestion", suggestion.id, summary=f"隐藏建议“{suggestion.title}”",
                 reason=reason)
    notify(suggestion.author, "suggestion.hidden", f"您的建议“{suggestion.title}”已被隐藏", f"理由：{reason}",
           _link(suggestion), actor=actor)
    db.session.commit()
    return suggestion


def unhide(actor, suggestion):
    require_staff(actor)
    if not suggestion.is_hidden:
        raise Conflict("该建议没有被隐藏", code="not_hidden")
    suggestion.hidden_at = suggestion.hidden_reason = suggestion.hidden_by_id = None
    _event(suggestion, EventKind.unhidden, actor)
    audit.record(actor, "suggestion.unhide", "suggestion", suggestion.id, summary=f"恢复显示建议“{suggestion.title}”")
    notify(suggestion.author, "suggestion.unhidden", f"您的建议“{suggestion.title}”已恢复显示", "",
           _link(suggestion), actor=actor)
    db.session.commit()
    return suggestion


def hide_answer(actor, suggestion, reason):
    require_staff(actor)
    answer = suggestion.published_answer
    if answer is None:
        raise Conflict("该建议还没有答复", code="no_answer")
    if answer.hidden_at is not None:
        raise Conflict("该答复已被隐藏", code="already_hidden")
    reason = _reason(reason)
    answer.hidden_at = utcnow()
    answer.hidden_reason = reason
    _event(suggestion, EventKind.answer_hidden, actor, note=reason)
    audit.record(actor, "suggestion.hide_answer", "suggestion", suggestion.id,
                 summary=f"隐藏建议“{suggestion.title}”的答复", reason=reason)
    for user_id in {suggestion.author_id, answer.leader_id} - {None}:
        notify(user_id, "suggestion.answer_hidden", f"建议“{suggestion.title}”的答复已被隐藏", f"理由：{reason}",
               _link(suggestion), actor=actor)
    db.session.commit()
    return answer


def unhide_answer(actor, suggestion):
    require_staff(actor)
    answer = suggestion.published_answer
    if answer is None or answer.hidden_at is None:
        raise Conflict("该答复没有被隐藏", code="not_hidden")
    answer.hidden_at = answer.hidden_reason = None
    _event(suggestion, EventKind.answer_unhidden, actor)
    audit.record(actor, "suggestion.unhide_answer", "suggestion", suggestion.id,
                 summary=f"恢复建议“{suggestion.title}”的答复")
    # Told of the hiding, so told of the restoring too (as unhide() tells the author).
    for user_id in {suggestion.author_id, answer.leader_id} - {None}:
        notify(user_id, "suggestion.answer_unhidden", f"建议“{suggestion.title}”的答复已恢复显示", "",
               _link(suggestion), actor=actor)
    db.session.commit()
    return answer


def answer_visible_to(suggestion, viewer):
    """The published answer if `viewer` may read it (a hidden one: only parties and staff)."""
    answer = suggestion.published_answer
    if answer is None:
        return None
    if answer.hidden_at is None:
        return answer
    if getattr(viewer, "is_authenticated", False) and (viewer.is_staff or suggestion.is_party(viewer)):
        return answer
    return None


# --- leader inbox, staff queues ---------------------------------------------------------------

INBOX_TABS = {"pending": "待答复", "overdue": "已逾期", "answered": "已答复"}


def leader_inbox(leader, tab="pending"):
    """The assigned leader's suggestions for one tab, sorted by due date."""
    require_login(leader)
    if not leader.has_role(Role.leader):
        raise PermissionDenied("只有领导可以查看领导信箱")
    q = Suggestion.query.filter(Suggestion.assigned_leader_id == leader.id)
    if tab == "pending":
        pending_follow_up = Suggestion.follow_up.has(SuggestionFollowUp.answered_at.is_(None))
        q = q.filter(or_(Suggestion.state == S.assigned.value,
                         and_(Suggestion.state == S.answered.value, pending_follow_up)))
        q = q.order_by(Suggestion.due_date.asc(), Suggestion.id.asc())
    elif tab == "overdue":
        q = q.filter(Suggestion.state == S.assigned.value, Suggestion.due_date < today())
        q = q.order_by(Suggestion.due_date.asc(), Suggestion.id.asc())
    elif tab == "answered":
        q = q.filter(Suggestion.state.in_(ANSWERED_STATES))
        q = q.order_by(Suggestion.answered_at.desc(), Suggestion.id.desc())
    else:
        raise NotFound("未知的分类")
    return _eager(q)


def inbox_counts(leader):
    return {tab: leader_inbox(leader, tab).order_by(None).count() for tab in INBOX_TABS}


STAFF_QUEUES = {"screening": "待受理", "unassigned": "待交办", "overdue": "已逾期", "threshold": "联名达标",
                "hidden": "已隐藏", "all": "全部"}


def staff_queue(actor, queue="screening"):
    require_staff(actor)
    q = Suggestion.query
    if queue == "screening":
        q = q.filter(Suggestion.state == S.submitted.value).order_by(
            Suggestion.threshold_reached_at.is_(None), Suggestion.screen_due_date.asc(), Suggestion.id.asc())
    elif queue == "unassigned":
        q = q.filter(Suggestion.state == S.accepted.value).order_by(Suggestion.due_date.asc(), Suggestion.id)
    elif queue == "overdue":
        q = q.filter(Suggestion.state.in_(OPEN_STATES), Suggestion.due_date < today()).order_by(
            Suggestion.due_date.asc(), Suggestion.id)
    elif queue == "threshold":
        q = q.filter(Suggestion.threshold_reached_at.isnot(None)).order_by(Suggestion.threshold_reached_at.desc())
    elif queue == "hidden":
        q = q.filter(Suggestion.hidden_at.isnot(None)).order_by(Suggestion.hidden_at.desc())
    elif queue == "all":
        q = q.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    else:
        raise NotFound("未知的队列")
    return _eager(q)


def staff_queue_counts(actor):
    return {key: staff_queue(actor, key).order_by(None).count() for key in STAFF_QUEUES if key != "all"}


# --- statistics ---------------------------------------------------------------------------

def _stats_from(suggestions, ratings, on, cal, zone, threshold):
    received = len(suggestions)
    answered_days = []
    overdue = long_overdue = overdue_open = 0
    for s in suggestions:
        answered_on = local_date(s.answered_at, zone) if s.answered_at and s.state in ANSWERED_STATES else None
        if answered_on is not None:
            answered_days.append(working_days_between(local_date(s.accepted_at, zone), answered_on, cal))
        status = deadline_status(s.due_date, s.long_due_date, on, answered_on)
        if status in ("overdue", "long_overdue"):
            overdue += 1
            if answered_on is None:
                overdue_open += 1
        if status == "long_overdue":
            long_overdue += 1
    answered = len(answered_days)
    distribution = {v.value: 0 for v in Satisfaction}
    for value in ratings:
        distribution[value] = distribution.get(value, 0) + 1
    rated = sum(distribution.values())
    enough = received >= threshold
    return {
        "received": received,
        "answered": answered,
        "pending": received - answered,
        "overdue": overdue,
        "overdue_open": overdue_open,
        "long_overdue": long_overdue,
        "rated": rated,
        "satisfaction": distribution,
        "sample_sufficient": enough,
        "min_sample": threshold,
        # Rates only once the sample is meaningful (样本不足 below it).
        "response_rate": round(answered / received, 4) if enough and received else None,
        "median_working_days": (float(median(answered_days)) if answered_days else None) if enough else None,
        "satisfaction_rate": (round((distribution["satisfied"] + distribution["basically"]) / rated, 4)
                              if rated else None) if enough else None,
    }


def _received_query():
    # Only the columns the figures need: loading whole rows (bodies included) made the
    # ranking of 14k received suggestions 5x slower (bench/bench_suggestions.py).
    return db.session.query(Suggestion.assigned_leader_id, Suggestion.state, Suggestion.accepted_at,
                            Suggestion.answered_at, Suggestion.due_date, Suggestion.long_due_date).filter(
        Suggestion.state.in_(RECEIVED_STATES), Suggestion.assigned_leader_id.isnot(None))


def leader_stats(leader, on=None):
    """Public figures for one leader. Counts include private suggestions (never their content)."""
    suggestions = _received_query().filter(Suggestion.assigned_leader_id == leader.id).all()
    ratings = [r for (r,) in db.session.query(SuggestionRating.value).filter(SuggestionRating.leader_id == leader.id)]
    return _stats_from(suggestions, ratings, on or today(), calendar(), local_zone(), min_sample())


def ranking(on=None):
    """Every verified leader with their figures: ranked by response rate (sufficient samples
    first), then answered count. Two queries whatever the number of leaders."""
    on = on or today()
    people = leaders()
    by_leader = {p.id: [] for p in people}
    for s in _received_query().filter(Suggestion.assigned_leader_id.in_(list(by_leader))):
        by_leader[s.assigned_leader_id].append(s)
    ratings = {p.id: [] for p in people}
    for leader_id, value in db.session.query(SuggestionRating.leader_id, SuggestionRating.value).filter(
            SuggestionRating.leader_id.in_(list(ratings))):
        ratings[leader_id].append(value)
    cal, zone, threshold = calendar(), local_zone(), min_sample()
    rows = [(p, _stats_from(by_leader[p.id], ratings[p.id], on, cal, zone, threshold)) for p in people]
    rows.sort(key=lambda row: (not row[1]["sample_sufficient"], -(row[1]["response_rate"] or 0),
                               -row[1]["answered"], row[1]["overdue"], row[0].id))
    return rows


def latest_answers(leader, limit=5):
    """The leader's latest answers that everyone may read."""
    q = (Suggestion.query.join(LeaderAnswer, LeaderAnswer.suggestion_id == Suggestion.id)
         .filter(Suggestion.assigned_leader_id == leader.id, Suggestion.state.in_(ANSWERED_STATES),
                 Suggestion.visibility == Visibility.public.value, Suggestion.hidden_at.is_(None),
                 LeaderAnswer.hidden_at.is_(None), LeaderAnswer.published_at.isnot(None))
         .order_by(LeaderAnswer.published_at.desc(), Suggestion.id.desc()))
    return _eager(q).limit(limit).all()


# --- reminders (cron) -------------------------------------------------------------------------

def send_reminders(on=None):
    """Remind each assigned leader once, SUGGESTION_REMIND_DAYS working days before the
    deadline (or at once if it is nearer). Idempotent: a reminded suggestion is skipped
    until it is reassigned. Returns the number of reminders sent."""
    on = on or today()
    cal = calendar()
    days = _setting("SUGGESTION_REMIND_DAYS")
    sent = 0
    candidates = Suggestion.query.filter(Suggestion.state == S.assigned.value, Suggestion.reminded_at.is_(None),
                                         Suggestion.due_date.isnot(None)).all()
    for s in candidates:
        if subtract_working_days(s.due_date, days, cal) > on:
            continue
        left = working_days_between(on, s.due_date, cal) if on <= s.due_date else 0
        if on > s.due_date:
            body = f"已逾期（应于 {s.due_date.isoformat()} 前答复），请尽快答复。"
        else:
            body = f"距答复期限 {s.due_date.isoformat()} 还有 {left} 个工作日。"
        notify(s.assigned_leader_id, "suggestion.reminder", f"请及时答复建议“{s.title}”", body, _link(s))
        s.reminded_at = utcnow()
        sent += 1
    db.session.commit()
    return sent
