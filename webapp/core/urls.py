"""Paths of pages, built from the URL map in and outside requests.

Services and CLI commands (notification links, the `url` of an API resource) have no
request to build a URL from; `path_for` builds the same path `url_for` would, without a
host, from the application's URL map.
"""
from flask import current_app, has_request_context, url_for


def path_for(endpoint, **values):
    """The path of `endpoint` with `values` (e.g. `/suggestions/7`), with or without a request."""
    if has_request_context():
        return url_for(endpoint, **values)
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build(endpoint, values)
