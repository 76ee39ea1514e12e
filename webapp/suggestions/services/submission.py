"""Submitting a suggestion, with its attachments checked by content before anything is stored."""
import os
import secrets

from flask import current_app

from webapp.core import ratelimit
from webapp.core.db import after_rollback, utcnow
from webapp.core.errors import RateLimited, ValidationError
from webapp.core.permissions import require_login
from webapp.core.text import quoted
from webapp.core.timeutil import local_zone
from webapp.core.uploads import UploadError, _upload_dir, check_document, store
from webapp.core.workdays import add_working_days, local_date
from webapp.extensions import db
from webapp.suggestions.models import EventKind, Suggestion, SuggestionAttachment, SuggestionState
from webapp.suggestions.services.people import get_leader
from webapp.suggestions.services.settings import ATTACHMENT_KIND, calendar, setting
from webapp.suggestions.services.timeline import add_event
from webapp.suggestions.services.validation import suggestion_problems

S = SuggestionState


def _read_attachment(upload):
    """(filename, bytes) of one upload after the content check; nothing is stored yet."""
    stream, filename = upload
    max_bytes = current_app.config["PROOF_MAX_BYTES"]
    data = stream.read(max_bytes + 1)
    name = os.path.basename((filename or "").replace("\\", "/")).strip()[:200] or "附件"
    if len(data) > max_bytes:
        raise UploadError(f"附件{quoted(name)}过大：不能超过 {max_bytes // (1024 * 1024)} MB",
                          fields={"attachments": "文件过大"})
    if not data:
        raise UploadError(f"附件{quoted(name)}是空文件", fields={"attachments": "文件为空"})
    try:
        ext, mime, payload = check_document(data)
    except UploadError as exc:
        raise UploadError(f"附件{quoted(name)}：{exc.message}", fields={"attachments": exc.message}) from None
    stem = os.path.splitext(name)[0] or "附件"
    return f"{stem}.{ext}", mime, payload


def submit(author, title, body, category_id, addressee_id=None, visibility="public", attachments=()):
    """A member submits a suggestion. Attachments are (stream, filename) pairs.

    All fields and every attachment are checked before anything is written; the files are
    written last under staging names, moved into place when the action's transaction
    commits and removed if it rolls back.
    """
    require_login(author)
    limit, window = setting("SUGGESTION_POST_LIMIT"), setting("SUGGESTION_POST_WINDOW")
    # Counted first, decided on the count that returns (no check-then-act race between
    # concurrent submissions); given back if the submission fails and rolls back.
    attempt = ratelimit.acquire(f"suggestion-post:{author.id}", limit, window)
    if not attempt.allowed:
        attempt.release()
        raise RateLimited(f"提交过于频繁：每 {window // 3600 or 1} 小时最多提交 {limit} 条建议，请稍后再试",
                          retry_after=int(attempt.retry_after) + 1)  # Retry-After takes whole seconds
    after_rollback(db.session(), attempt.release)
    try:
        return _create(author, title, body, category_id, addressee_id, visibility, attachments)
    except Exception:
        attempt.release()  # a refused submission does not use up the limit
        raise


def _create(author, title, body, category_id, addressee_id, visibility, attachments):
    visibility = (visibility or "public").strip()
    problems = suggestion_problems(title, body, category_id, addressee_id, visibility)
    attachments = [a for a in attachments if a is not None]
    if len(attachments) > setting("SUGGESTION_MAX_ATTACHMENTS"):
        problems["attachments"] = f"最多上传 {setting('SUGGESTION_MAX_ATTACHMENTS')} 个附件"
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
        screen_due_date=add_working_days(local_date(now, local_zone()), setting("SUGGESTION_SCREEN_DAYS"),
                                         calendar()),
    )
    db.session.add(suggestion)
    folder = _upload_dir(ATTACHMENT_KIND)
    for filename, mime, payload in checked:
        storage_key = f"{secrets.token_hex(16)}.{filename.rsplit('.', 1)[-1]}"
        suggestion.attachments.append(SuggestionAttachment(storage_key=storage_key, mime=mime,
                                                           filename=filename, size=len(payload)))
        store(folder / storage_key, payload)  # in place once the transaction commits
    add_event(suggestion, EventKind.submitted, author)
    db.session.flush()
    return suggestion
