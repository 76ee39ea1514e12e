"""The JSON API under /api/v1 for mobile clients.

Conventions every capability follows:
- authentication by `Authorization: Bearer <token>` only (never the session cookie),
  which is why the blueprint is exempt from CSRF;
- a resource carries `id` and `url` (the path of its HTML page);
- a list is `{"items", "page", "per_page", "total"}` with `?page=&per_page=` (capped);
- a create answers 201 with the resource;
- errors are `{"error": {"code", "message", "fields"}}` with the right 4xx status;
- rendered user markup is in `*_html` fields, already sanitised.

Each capability defines its routes in its own `api.py` with `@api_route`, which also
describes them in the OpenAPI document; its `init_app` imports that module. This package
imports no capability.
"""
from flask import Blueprint

from webapp.api.openapi import registry

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _authenticate():
    from webapp.api.auth import load_bearer_user

    load_bearer_user()


def api_route(rule, methods=("GET",), **doc):
    """Register an API route on the blueprint and describe it in OpenAPI."""

    def decorator(fn):
        for method in methods:
            registry.add(rule, method, fn, **doc)
        endpoint = doc.get("endpoint") or fn.__name__
        bp.add_url_rule(rule, endpoint=endpoint, view_func=fn, methods=list(methods))
        return fn

    return decorator


def init_app(app):
    """Register the API blueprint, after every capability's `init_app` added its routes."""
    from webapp.api import meta  # noqa: F401  (the OpenAPI document's route)
    from webapp.extensions import csrf

    # The API authenticates by bearer token only (never the session cookie), so it is exempt from CSRF.
    csrf.exempt(bp)
    app.register_blueprint(bp)
