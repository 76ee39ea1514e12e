"""Bearer-token authentication for the API (never the session cookie).

Which user a token belongs to is for accounts to say: it registers its lookup with
`bearer_token_loader`, so the API package imports no capability.
"""
from flask import current_app, g, request
from flask_login import current_user

from webapp.core.errors import AuthenticationRequired

_user_for_token = None


def bearer_token_loader(fn):
    """Register `fn(secret) → user or None` as the bearer-token lookup."""
    global _user_for_token
    _user_for_token = fn
    return fn


def load_bearer_user():
    """Set the request's user from the bearer token (or anonymous). Ignores the session."""
    header = request.headers.get("Authorization", "")
    user = None
    bad_token = False
    if header[:7].lower() == "bearer ":
        user = _user_for_token(header[7:].strip()) if _user_for_token else None
        bad_token = user is None
    # Set both every time: `g` outlives the request when an app context was already pushed
    # (tests, CLI), and a previous request's flag must not leak into this one.
    g._api_bad_token = bad_token
    # Flask-Login reads g._login_user; setting it keeps the cookie session out of the API.
    g._login_user = user or current_app.login_manager.anonymous_user()


def require_token():
    """A 401 unless the request carried a valid bearer token."""
    if not current_user.is_authenticated:
        if g.get("_api_bad_token"):
            raise AuthenticationRequired("令牌无效、已过期或已撤销（修改或重置密码、账号被停用后，全部令牌失效），请重新获取令牌",
                                         code="invalid_token")
        raise AuthenticationRequired("需要登录（Authorization: Bearer <令牌>）")
