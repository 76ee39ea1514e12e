"""Bearer-token authentication for the API, and small request helpers."""
from functools import wraps

from flask import current_app, g, request
from flask_login import current_user

from webapp.core.errors import AuthenticationRequired, ServiceError, ValidationError
from webapp.core.pagination import parse_page_args


def load_bearer_user():
    """Set the request's user from the bearer token (or anonymous). Ignores the session."""
    from webapp.accounts.services import user_for_token

    header = request.headers.get("Authorization", "")
    user = None
    bad_token = False
    if header[:7].lower() == "bearer ":
        user = user_for_token(header[7:].strip())
        bad_token = user is None
    # Set both every time: `g` outlives the request when an app context was already pushed
    # (tests, CLI), and a previous request's flag must not leak into this one.
    g._api_bad_token = bad_token
    # Flask-Login reads g._login_user; setting it keeps the cookie session out of the API.
    g._login_user = user or current_app.login_manager.anonymous_user()


def token_required(fn):
    @wraps(fn)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            if g.get("_api_bad_token"):
                raise AuthenticationRequired("令牌无效、已过期或已撤销", code="invalid_token")
            raise AuthenticationRequired("需要登录（Authorization: Bearer <令牌>）")
        return fn(*args, **kwargs)

    wrapped.token_required = True
    return wrapped


def json_body():
    """The request's JSON object, or a 400 error envelope for anything else."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError("请求体必须是 JSON 对象", code="malformed_json")
    return data


def text_fields(data, *names):
    """The named fields of a JSON body as strings (None when absent).

    Services expect text; a number, list or object sent instead is a 422 naming the
    field, not a crash in `.strip()`.
    """
    wrong = {name: "必须是字符串" for name in names if data.get(name) is not None and not isinstance(data[name], str)}
    if wrong:
        raise ValidationError("字段类型错误", fields=wrong)
    return [data.get(name) for name in names]


def page_args():
    return parse_page_args(request.args, max_per_page=current_app.config["API_MAX_PER_PAGE"])


def list_response(page_obj, serialize):
    return {
        "items": [serialize(item) for item in page_obj.items],
        "page": page_obj.page,
        "per_page": page_obj.per_page,
        "total": page_obj.total,
    }
