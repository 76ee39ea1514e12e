"""Helpers for tests that drive the account pages through several test clients.

conftest keeps one app context open for the whole test, and Flask reuses it for every
test-client request, so `g` (where Flask-Login caches the current user and Flask-WTF
the CSRF token) would carry over from one client's request to the next. Each request
here starts with those cleared, as it would with a real browser and server.
"""
import re

import pytest
from flask import g, request_started


def _forget_request_globals(sender, **extra):
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


@pytest.fixture(autouse=True)
def isolated_requests(app):
    request_started.connect(_forget_request_globals, app)
    yield
    request_started.disconnect(_forget_request_globals, app)


def html(resp):
    return resp.get_data(as_text=True)


def field_error(page, message):
    """True if `message` is shown as a field error (Bootstrap invalid-feedback)."""
    return re.search(r'class="invalid-feedback[^"]*">\s*' + re.escape(message), page) is not None
