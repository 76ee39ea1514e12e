"""Pages and static files light on the wire: versioned static URLs cached for a year,
compressed responses, no session on static files, a favicon and a meta description."""
import gzip
import hashlib
import re
from pathlib import Path

import brotli

from tests.web_helpers import html

STATIC = Path(__file__).resolve().parent.parent / "static"
CSS = "vendor/bootstrap-5.3.9/bootstrap.min.css"


def static_urls(page):
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def test_static_urls_carry_the_content_hash(client):
    urls = static_urls(html(client.get("/")))
    assert urls, "the home page links its CSS and JS"
    for url in urls:
        path, _, query = url.partition("?v=")
        digest = hashlib.sha256((STATIC / path.removeprefix("/static/")).read_bytes()).hexdigest()[:12]
        assert query == digest, url


def test_versioned_static_file_is_cached_for_a_year_without_cookie(client, login, make_member):
    login(client, make_member())  # a session exists: static files still ignore it
    url = next(u for u in static_urls(html(client.get("/"))) if CSS in u)
    resp = client.get(url)
    assert resp.status_code == 200
    cache = resp.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    assert "Cookie" not in resp.headers.get("Vary", "")
    assert "Set-Cookie" not in resp.headers


def test_unversioned_or_stale_static_url_is_revalidated(client):
    for url in (f"/static/{CSS}", f"/static/{CSS}?v=000000000000"):
        resp = client.get(url)
        assert resp.status_code == 200
        assert "immutable" not in resp.headers.get("Cache-Control", ""), url


def test_static_text_is_compressed_as_the_client_accepts(client):
    raw = (STATIC / CSS).read_bytes()
    resp = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert resp.headers["Content-Encoding"] == "br"
    assert brotli.decompress(resp.data) == raw
    assert len(resp.data) < len(raw) / 5
    assert "Accept-Encoding" in resp.headers["Vary"]

    resp = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(resp.data) == raw

    resp = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "br;q=0, identity"})
    assert "Content-Encoding" not in resp.headers
    assert resp.data == raw


def test_pages_are_compressed(client):
    plain = client.get("/")
    resp = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(resp.data) == plain.data
    assert len(resp.data) < len(plain.data) / 2


def test_favicon_ico_is_a_real_icon(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200
    assert resp.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert resp.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "Cookie" not in resp.headers.get("Vary", "")


def test_pages_have_a_meta_description(client):
    page = html(client.get("/"))
    assert re.search(r'<meta name="description" content="[^"]{10,}">', page)


def test_our_stylesheet_closes_every_block():
    """A block left open (a merge once dropped an @media's closing brace) silently swallows every
    rule after it: the science map lost its height that way."""
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "static" / "css" / "site.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    depth = 0
    for line_no, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"site.css line {line_no}: a brace closes nothing"
    assert depth == 0, "site.css ends inside an open block"
