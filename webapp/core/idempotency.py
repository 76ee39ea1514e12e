"""Creating once: the API's `Idempotency-Key` and the pages' one-time submission tokens.

A client whose response was lost retries; a person double-clicks or resubmits a page. Both
must not create twice. The first successful answer is remembered, per owner (the user, or
"anonymous" for registration and token requests) and key, for IDEMPOTENCY_KEY_HOURS:

- API: a create (`api_route` POST answering 201) sent with `Idempotency-Key: <key>` is
  answered again with the first status and body when the same owner sends the same key and
  the same request (method, path and body; a multipart body by its fields and file
  contents); the same key with another request is a 422 `idempotency_key_reused`.
- Pages: a form that creates carries a hidden one-time token (`OneTimeSubmission`); once a
  submission with it succeeded, posting it again leads to what the first one created.

The record is written in the action's own transaction, so it exists exactly when the
creation was committed. Two requests racing with one key both run; the second's record
collides with the first's on the unique (owner, key) index at the flush, its whole action is
rolled back and it answers as a replay. Stored answers (a new API token's secret among them)
are sealed with a key derived from SECRET_KEY and the client's key, which is itself stored
only as a keyed hash: the table alone reveals neither.
"""
import base64
import hashlib
import hmac
import json
import re
import secrets
from datetime import timedelta

import click
from flask import current_app, request
from sqlalchemy.exc import IntegrityError

from webapp.core.db import utcnow
from webapp.core.errors import ValidationError
from webapp.core.uow import transactional
from webapp.extensions import db

HEADER = "Idempotency-Key"
KEY_MAX = 255
# Printable ASCII without spaces: what RFC-style keys (UUIDs, random strings) are made of.
_KEY_RE = re.compile(r"^[!-~]{1,255}$")  # 255: KEY_MAX
HEADER_SCHEMA = {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": "^[!-~]+$"}


class IdempotencyKey(db.Model):
    """The first successful answer to a key: an API response (status, sealed body) or, for a
    page's form, where the first submission led."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (db.UniqueConstraint("owner", "key_hash"),)

    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(40), nullable=False)
    key_hash = db.Column(db.String(64), nullable=False)
    request_hash = db.Column(db.String(64), nullable=False)
    status = db.Column(db.Integer, nullable=False)
    body = db.Column(db.Text)
    location = db.Column(db.String(500))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)


def _mac(purpose, *parts):
    message = b"\x00".join(p if isinstance(p, bytes) else str(p).encode() for p in (purpose, *parts))
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256)


def _ttl():
    return timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])


def _seal(key, plaintext):
    """Encrypt-then-MAC with HMAC-SHA256 as the PRF of a counter-mode key stream."""
    k = _mac("seal", key).digest()
    nonce = secrets.token_bytes(16)
    stream = b"".join(hmac.new(k, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
                      for i in range(len(plaintext) // 32 + 1))
    sealed = nonce + bytes(a ^ b for a, b in zip(plaintext, stream))
    return base64.b64encode(sealed + hmac.new(k, b"mac" + sealed, hashlib.sha256).digest()).decode()


def _open(key, text):
    k = _mac("seal", key).digest()
    raw = base64.b64decode(text)
    sealed, tag = raw[:-32], raw[-32:]
    if not hmac.compare_digest(tag, hmac.new(k, b"mac" + sealed, hashlib.sha256).digest()):
        return None
    nonce, data = sealed[:16], sealed[16:]
    stream = b"".join(hmac.new(k, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
                      for i in range(len(data) // 32 + 1))
    return bytes(a ^ b for a, b in zip(data, stream))


def owner_of(user, kind):
    if getattr(user, "is_authenticated", False):
        return f"{kind}:user:{user.id}"
    return f"{kind}:anonymous"


def _find(owner, key):
    return IdempotencyKey.query.filter(
        IdempotencyKey.owner == owner, IdempotencyKey.key_hash == _mac("key", key).hexdigest(),
        IdempotencyKey.created_at >= utcnow() - _ttl()).first()


def _remember(owner, key, request_hash, status, body=None, location=None):
    """Record the answer in the action's transaction. False if another request with the same
    key got there first (the action has then been rolled back)."""
    key_hash = _mac("key", key).hexdigest()
    # An expired record of the same key gives way; the owner's other expired ones go with it.
    IdempotencyKey.query.filter(IdempotencyKey.owner == owner,
                                IdempotencyKey.created_at < utcnow() - _ttl()).delete(synchronize_session=False)
    db.session.add(IdempotencyKey(owner=owner, key_hash=key_hash, request_hash=request_hash, status=status,
                                  body=None if body is None else _seal(key, body), location=location))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def purge_expired():
    """Delete the records older than IDEMPOTENCY_KEY_HOURS; returns how many."""
    return IdempotencyKey.query.filter(IdempotencyKey.created_at < utcnow() - _ttl()).delete(
        synchronize_session=False)


# ---------------------------------------------------------------- the API

def _request_fingerprint():
    """What makes two requests "the same": method, path, query and body, the body read as
    data (a JSON document whatever its spacing and key order; a multipart form by its
    fields and the contents of its files, whatever the boundary)."""
    digest = _mac("request", request.method, request.path, request.query_string)
    if request.mimetype == "multipart/form-data":
        # A part may come without a name (None): it sorts and hashes as "".
        for name, value in sorted((name or "", value or "") for name, value in request.form.items(multi=True)):
            digest.update(b"\x00f" + name.encode() + b"\x00" + value.encode())
        uploads = sorted(((name or "", upload) for name, upload in request.files.items(multi=True)),
                         key=lambda item: (item[0], item[1].filename or ""))
        for name, upload in uploads:
            content = hashlib.file_digest(upload.stream, "sha256").digest()
            upload.stream.seek(0)
            digest.update(b"\x00u" + name.encode() + b"\x00" + (upload.filename or "").encode() + b"\x00" + content)
    else:
        data = request.get_data(cache=True)
        try:
            data = json.dumps(json.loads(data), sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, RecursionError):
            pass  # not JSON: the bytes as sent
        digest.update(b"\x00b" + data)
    return digest.hexdigest()


class ApiAttempt:
    """One create sent with an Idempotency-Key: `replay` is the first answer to give again,
    or None; `check()` raises what is wrong with the key (a 422, which comes after the 403 and
    404 of the path, as every 422 does), and then `remember()` records this one's answer."""

    def __init__(self, owner, key):
        self.owner, self.key = owner, key
        self.replay = self.problem = None
        if not _KEY_RE.match(key):
            self.problem = ValidationError(f"{HEADER} 无效：应为 1–{KEY_MAX} 个可见 ASCII 字符（如 UUID）",
                                           fields={HEADER: "格式无效"}, code="invalid_idempotency_key")
            return
        self.request_hash = _request_fingerprint()
        record = _find(owner, key)
        if record is not None:
            try:
                self.replay = self._answer_of(record)
            except ValidationError as exc:
                self.problem = exc

    def check(self):
        if self.problem is not None:
            raise self.problem

    def _answer_of(self, record):
        if record.request_hash != self.request_hash:
            raise ValidationError(
                f"{HEADER} 已用于另一个请求：同一个键只能重发完全相同的请求，新的请求请使用新的键",
                fields={HEADER: "该键已用于内容不同的请求"}, code="idempotency_key_reused")
        body = _open(self.key, record.body) if record.body is not None else b""
        return (json.loads(body) if body else "", record.status)

    def remember(self, body, status):
        """Record the answer; if a concurrent request with the key won, give its answer instead."""
        if status >= 300:
            return body, status
        payload = json.dumps(body, ensure_ascii=False).encode() if body != "" else None
        if _remember(self.owner, self.key, self.request_hash, status, body=payload):
            return body, status
        record = _find(self.owner, self.key)
        if record is None:  # pragma: no cover - the winner rolled back in between
            raise ValidationError(f"{HEADER} 对应的请求正在处理，请稍后重试", code="idempotency_key_in_use")
        return self._answer_of(record)


def api_attempt(user):
    """The attempt for the request's Idempotency-Key, or None when it sent none."""
    key = request.headers.get(HEADER)
    return None if key is None else ApiAttempt(owner_of(user, "api"), key)


# ---------------------------------------------------------------- pages

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_submission_token():
    return secrets.token_urlsafe(24)


def _form_token(form):
    field = getattr(form, "submission_token", None)
    token = (field.data or "") if field is not None else ""
    return token if _TOKEN_RE.match(token) else None


def submitted_location(user, form):
    """Where the first successful submission of this form's token led, or None."""
    token = _form_token(form)
    if token is None:
        return None
    record = _find(owner_of(user, "form"), token)
    return record.location if record is not None else None


def remember_submission(user, form, location):
    """Record that the form's token created what `location` shows. Returns the location to
    go to: `location`, or the first submission's if a concurrent one with the same token won
    (this one's action is then rolled back)."""
    token = _form_token(form)
    if token is None:
        return location
    owner = owner_of(user, "form")
    if _remember(owner, token, "form", 303, location=location):
        return location
    record = _find(owner, token)
    return record.location if record is not None else location


@click.group("idempotency", help="Remembered answers to Idempotency-Keys and one-time form tokens.")
def idempotency_cli():
    pass


@idempotency_cli.command("purge")
@transactional
def purge_command():
    """Delete the records older than IDEMPOTENCY_KEY_HOURS (for cron; they are ignored anyway)."""
    click.echo(f"Deleted {purge_expired()} expired records.")


def init_app(app):
    app.cli.add_command(idempotency_cli)
