"""Every `next` goes through one safe-redirect helper (core.urls.safe_next): a hostile value
never sends the browser to another site, and none is a 500 (CR/LF once reached the
Location header). Checked on every endpoint that takes `next`, and on the helper itself.

A Location is judged as a browser reads it (WHATWG URL parsing): tabs and newlines
removed, leading and trailing spaces and control characters stripped, backslashes taken
as slashes, then resolved against the page.
"""
import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import TEST_PASSWORD
from tests.staff_helpers import signed_in  # noqa: F401

SITE = "http://localhost/"

HOSTILE = [
    "//evil.example",
    "///evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "http:/evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/%2F/evil.example",
    "/%09/evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "/%0d%0aSet-Cookie:x=1",
    "/ok\r\nSet-Cookie: x=1",
    "//evil.example/%2F..",
]

SAFE = ["/notifications/?unread=1", "/suggestions/7", "/u/reader", "/suggestions/?q=%E7%A7%91%E5%8D%8F"]


def as_browser_reads(location):
    """Where a browser goes for this Location, per WHATWG URL parsing."""
    location = re.sub(r"[\t\n\r]", "", location).strip("".join(chr(c) for c in range(0x21)))
    location = location.replace("\\", "/")
    return urlsplit(urljoin(SITE, location))


def assert_stays_on_site(resp):
    assert resp.status_code in (302, 303), (resp.status_code, resp.get_data(as_text=True)[:200])
    target = as_browser_reads(resp.headers["Location"])
    assert (target.scheme, target.hostname) == ("http", "localhost"), resp.headers["Location"]
    assert not re.search(r"[\x00-\x1f\x7f]", resp.headers["Location"])


# ---------------------------------------------------------------- the helper

@pytest.mark.parametrize("value", HOSTILE)
def test_helper_refuses_hostile_values(app, value):
    from webapp.core.urls import safe_next

    assert safe_next(value) is None


@pytest.mark.parametrize("value", SAFE)
def test_helper_keeps_paths_of_this_site(app, value):
    from webapp.core.urls import safe_next

    assert safe_next(value) == value


def test_helper_has_one_definition():
    """Every view imports the one helper; no module keeps a private copy."""
    from pathlib import Path

    import webapp

    root = Path(webapp.__file__).parent
    copies = [str(p.relative_to(root)) for p in root.rglob("*.py")
              if re.search(r"^def (safe_next|local_path|is_safe_url)\b", p.read_text(), re.M)]
    assert copies == ["core/urls.py"]


# ---------------------------------------------------------------- every endpoint taking `next`

@pytest.fixture
def note_for(db):
    from webapp.notifications.services import notify

    def _make(user, link="/u/reader"):
        note = notify(user, "test.kind", "通知", link=link)
        db.session.commit()
        return note

    return _make


@pytest.mark.parametrize("value", HOSTILE)
def test_mark_read(value, make_user, note_for, signed_in, post_form):
    reader = make_user("reader")
    note = note_for(reader)
    resp = post_form(signed_in(reader), f"/notifications/{note.id}/read", {"next": value})
    assert_stays_on_site(resp)
    assert resp.headers["Location"] == "/u/reader"  # the notification's own link instead


@pytest.mark.parametrize("value", HOSTILE)
def test_mark_all_read(value, make_user, note_for, signed_in, post_form):
    reader = make_user("reader")
    note_for(reader)
    resp = post_form(signed_in(reader), "/notifications/read-all", {"next": value})
    assert_stays_on_site(resp)
    assert resp.headers["Location"] == "/notifications/"


def test_a_hostile_notification_link_is_not_followed(make_user, note_for, signed_in, post_form):
    reader = make_user("reader")
    note = note_for(reader, link="/\t/evil.example")
    resp = post_form(signed_in(reader), f"/notifications/{note.id}/read")
    assert_stays_on_site(resp)
    assert resp.headers["Location"] == "/notifications/"


@pytest.mark.parametrize("value", HOSTILE)
def test_login_form(value, client, make_user, post_form):
    make_user("zhang")
    page = client.get("/login", query_string={"next": value})
    assert page.status_code == 200
    resp = post_form(client, "/login", {"username": "zhang", "password": TEST_PASSWORD, "next": value})
    assert_stays_on_site(resp)
    assert resp.headers["Location"] == "/u/zhang"


@pytest.mark.parametrize("value", HOSTILE)
def test_login_when_already_logged_in(value, make_user, signed_in):
    client = signed_in(make_user("zhang"))
    resp = client.get("/login", query_string={"next": value})
    assert_stays_on_site(resp)
    assert resp.headers["Location"] == "/u/zhang"


@pytest.mark.parametrize("value", SAFE)
def test_safe_values_are_followed(value, make_user, note_for, signed_in, post_form):
    reader = make_user("reader")
    note = note_for(reader)
    client = signed_in(reader)
    assert post_form(client, f"/notifications/{note.id}/read", {"next": value}).headers["Location"] == value
    assert client.get("/login", query_string={"next": value}).headers["Location"] == value


def test_every_view_reading_next_is_covered():
    """A new view reading `next` gets a test here: the views that read it today."""
    from pathlib import Path

    import webapp

    root = Path(webapp.__file__).parent
    readers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if re.search(r"""(args|form)\.get\(["']next["']\)|\.next\.data""", p.read_text()))
    assert readers == ["accounts/views.py", "notifications/views.py"]
