"""The JSON API under /api/v1 for mobile clients.

Conventions every capability follows:
- authentication by `Authorization: Bearer <token>` only (never the session cookie),
  which is why the blueprint is exempt from CSRF;
- a resource carries `id` and `url` (the path of its HTML page);
- a list is `{"items", "page", "per_page", "total"}` with `?page=&per_page=` (capped);
- a create answers 201 with the resource;
- errors are `{"error": {"code", "message", "fields"}}` with the right 4xx status;
- a create (a POST answering 201) honours an `Idempotency-Key` header (core/idempotency.py);
- rendered user markup is in `*_html` fields, already sanitised.

Each capability declares its routes in its own `api.py` with `@api_route` and its request
and response schemas in `schemas.py`; its `init_app` imports the api module, which
registers the routes. One declaration gives the parsing, the response and the OpenAPI
document. This package
imports no capability.
"""
from functools import wraps

from flask import Blueprint, Response, current_app
from flask import request as current_request
from flask_login import current_user
from marshmallow.experimental.context import Context

from webapp.api.auth import load_bearer_user, require_token
from webapp.api.fields import storable
from webapp.api.openapi import registry
from webapp.api.parsing import parse
from webapp.api.schemas import response_schema
from webapp.core import idempotency
from webapp.core.errors import NotFound

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(load_bearer_user)


def api_route(rule, methods=("GET",), *, auth=False, before=None, request=None, multipart=None, optional_body=False,
              query=None, responses=None, context=None, endpoint=None, idempotent=None, **doc):
    """Route `rule` on the API blueprint, describe it in the OpenAPI document, and around
    the view: check the bearer token (`auth`), run `before(**path_values)` (who may act on
    what the path names: a 403 or 404 comes before any complaint about the body), read the body (`request`, a `RequestSchema`;
    `multipart`, one for a multipart body; `optional_body`: an empty body is {}) and the
    query string (`query`), and pass their values to the view as keyword arguments next to
    the path's; then dump what the view returns with `responses[status]`, for the viewer
    (and `context`).

    A view returns an object, or (object, status) when it can answer with another status
    than the first in `responses`; a status whose schema is None has no body.
    A create (POST answering 201, or `idempotent=True`) honours an `Idempotency-Key` header:
    after the token check, a key already answered for the caller gives that answer again.
    Further OpenAPI keywords: summary, description, tags, errors (extra 4xx statuses).
    """
    responses = responses or {200: None}
    default_status = next(iter(responses))
    if idempotent is None:
        idempotent = "POST" in methods and 201 in responses

    def decorator(fn):
        @wraps(fn)
        def view(**values):
            if auth:
                require_token()
            if any(isinstance(value, str) and not storable(value) for value in values.values()):
                raise NotFound()  # no row is named with a NUL (PostgreSQL refuses to compare one)
            # Before the rules: once created, a retry must get the first answer, not a 409.
            attempt = idempotency.api_attempt(current_user) if idempotent else None
            if attempt is not None and attempt.replay is not None:
                return (*attempt.replay, {"Idempotent-Replayed": "true"})
            if before is not None:
                before(**values)
            if attempt is not None:
                attempt.check()  # a malformed or reused key: 422, after the path's 403/404
            if query is not None:
                values.update(parse(query, "query"))
            if multipart is not None and current_request.mimetype == "multipart/form-data":
                values.update(parse(multipart, "multipart"))
            elif request is not None:
                values.update(parse(request, "optional_body" if optional_body else "body"))
            result = fn(**values)
            body, status = result if isinstance(result, tuple) else (result, default_status)
            schema = responses[status]
            if schema is None:
                body = ""
            elif isinstance(body, Response):  # a file (iCalendar, CSV) the view built itself
                pass
            elif not isinstance(schema, dict):  # a plain JSON schema: the view's dict as it is
                with Context({"viewer": current_user._get_current_object(), **(context or {})}):
                    body = response_schema(schema).dump(body)
            if attempt is not None:
                body, status = attempt.remember(body, status)
            return body, status

        view.token_required = auth  # read by the test that the document's security matches
        for method in methods:
            registry.add(rule, method, fn, endpoint=endpoint, auth=auth, request=request, multipart=multipart,
                         query=query, responses=responses, idempotent=idempotent, **doc)
        bp.add_url_rule(rule, endpoint=endpoint or fn.__name__, view_func=view, methods=list(methods))
        return fn

    return decorator


@api_route("/openapi.json", summary="The OpenAPI 3 document describing every API route", tags=["meta"],
           responses={200: {"type": "object"}})
def openapi_document():
    # Built once per application: every route is registered before the first request.
    document = current_app.extensions.get("openapi_document")
    if document is None:
        document = current_app.extensions["openapi_document"] = registry.document()
    return document


def init_app(app):
    """Register the API blueprint, after every capability's `init_app` added its routes."""
    from webapp.extensions import csrf

    # The API authenticates by bearer token only (never the session cookie), so it is exempt from CSRF.
    csrf.exempt(bp)
    app.register_blueprint(bp)
