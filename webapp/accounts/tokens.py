"""API bearer tokens: created for a login, stored hashed, revoked; the user behind a token."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_

from webapp.accounts.models import ApiToken
from webapp.core.db import utcnow
from webapp.core.errors import NotFound
from webapp.extensions import db


def _hash_token(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name=""):
    """Create a bearer token; returns (token row, secret). The secret is shown once."""
    secret = "sh_" + secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_MAX_AGE_DAYS"]
    token = ApiToken(
        user_id=user.id, name=(name or "").strip()[:64], token_hash=_hash_token(secret),
        prefix=secret[:10], expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def user_for_token(secret):
    """The user a bearer token belongs to, or None (revoked, expired, suspended)."""
    if not secret:
        return None
    token = ApiToken.query.filter_by(token_hash=_hash_token(secret)).first()
    now = utcnow()
    if token is None or token.revoked_at or (token.expires_at and token.expires_at < now):
        return None
    user = token.user
    if user is None or user.is_suspended:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.flush()
    return user


def active_tokens(user):
    """Query of the user's tokens that still work (not revoked, not expired), newest first."""
    return ApiToken.query.filter(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > utcnow()),
    ).order_by(ApiToken.id.desc())


def list_tokens(user):
    return active_tokens(user).all()


def revoke_token(user, token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at:
        raise NotFound("找不到该令牌")
    token.revoked_at = utcnow()
    db.session.flush()
    return token


def revoke_all_tokens(user):
    """Revoke every token of `user` not yet revoked (password change or reset, suspension);
    returns how many were still working."""
    now = utcnow()
    working = 0
    for token in ApiToken.query.filter_by(user_id=user.id, revoked_at=None):
        token.revoked_at = now
        working += token.expires_at is None or token.expires_at > now
    db.session.flush()
    return working
