"""Paths of pages, built from the URL map in and outside requests.

Services and CLI commands (notification links, the `url` of an API resource) have no
request to build a URL from; `path_for` builds the same path `url_for` would, without a
host, from the application's URL map.
"""
import re
from urllib.parse import unquote, urlsplit

from flask import current_app, has_request_context, url_for


def path_for(endpoint, **values):
    """The path of `endpoint` with `values` (e.g. `/suggestions/7`), with or without a request."""
    if has_request_context():
        return url_for(endpoint, **values)
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build(endpoint, values)


# What a browser drops from a URL before parsing it (WHATWG URL standard): C0 controls and
# spaces at either end, tabs and newlines anywhere. `/\t/evil.example` reaches it as
# `//evil.example`, another host.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(target):
    """`target` if a browser would read it as a path on this site, else None — the one check
    behind every `next` and redirect target taken from a request (no open redirects).

    Refused: anything not starting with a single `/`, control characters (tabs, CR, LF: the
    browser strips them, and CR/LF would end the Location header), backslashes (read as
    slashes), a scheme or host, and the same once percent-decoded (`/%5Cevil.example`).
    """
    if not isinstance(target, str) or not target:
        return None
    for form in (target, unquote(target)):
        if _CONTROL.search(form) or "\\" in form:
            return None
        if not form.startswith("/") or form.startswith("//"):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    return target.rstrip("?") or "/"  # request.full_path ends in "?" when there is no query
