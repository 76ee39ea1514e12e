"""Delivery of static files and pages, light on the wire.

- Every `url_for("static", filename=...)` carries the file's content hash (`?v=…`), so a
  versioned URL never changes meaning: it is sent `Cache-Control: public, max-age=31536000,
  immutable`, and a new release of a file gets a new URL. A URL without (or with a stale)
  hash is revalidated as before (`no-cache`).
- Static files are not session pages: they set no cookie and carry no `Vary: Cookie`.
- Text static files (CSS, JS, SVG, …) are compressed once per process and file version
  (brotli or gzip, as the client accepts); pages and JSON are compressed per response by
  Flask-Compress. Behind nginx, `/static/` is served by nginx itself (README, deployment).
"""
import gzip
import hashlib
import threading
from pathlib import Path

import brotli
from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress

YEAR = 31536000
VERSION_ARG = "v"
# Worth compressing; images and fonts in our static folder are compressed formats already.
TEXT_TYPES = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json",
              "text/plain", "image/x-icon", "image/vnd.microsoft.icon"}
MIN_SIZE = 500
# Answered the same to everyone: no session cookie, no Vary: Cookie.
SESSIONLESS_ENDPOINTS = {"static", "main.favicon"}

_lock = threading.Lock()
_versions = {}  # path → (mtime_ns, size, hash)
_compressed = {}  # (path, mtime_ns, encoding) → bytes

compress = Compress()


def init_app(app):
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "application/json", "application/problem+json",
                                                 "text/plain", "text/csv", "text/calendar"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    app.session_interface = NoStaticSessionInterface()
    folder = Path(app.static_folder)

    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint == "static" and VERSION_ARG not in values and "filename" in values:
            version = file_version(folder, values["filename"])
            if version:
                values[VERSION_ARG] = version

    # Registered after Flask-Compress, so it runs before it (Flask runs after-request
    # functions in reverse order) and Flask-Compress leaves an encoded static file alone.
    @app.after_request
    def _static_delivery(response):
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        version = file_version(folder, filename)
        if version and request.args.get(VERSION_ARG) == version:
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        if response.status_code == 200:
            _compress_static(response, folder, filename)
        return response


def file_version(folder, filename):
    """The first 12 hex digits of the file's SHA-256, or None if there is no such file."""
    path = _safe_path(folder, filename)
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    known = _versions.get(path)
    if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    with _lock:
        _versions[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def _safe_path(folder, filename):
    try:
        path = (folder / filename).resolve()
    except (OSError, ValueError):
        return None
    if folder.resolve() not in path.parents or not path.is_file():
        return None
    return path


def _accepted(header):
    """Encodings the client accepts (q=0 refuses)."""
    accepted = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if params.strip().replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        accepted.add(name.strip().lower())
    return accepted


def _compress_static(response, folder, filename):
    response.vary.add("Accept-Encoding")
    if response.mimetype not in TEXT_TYPES or "Content-Encoding" in response.headers:
        return
    accepted = _accepted(request.headers.get("Accept-Encoding", ""))
    encoding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else None
    path = _safe_path(folder, filename)
    if encoding is None or path is None:
        return
    stat = path.stat()
    if stat.st_size < MIN_SIZE:
        return
    key = (path, stat.st_mtime_ns, encoding)
    body = _compressed.get(key)
    if body is None:
        raw = path.read_bytes()
        body = brotli.compress(raw, quality=11) if encoding == "br" else gzip.compress(raw, 9, mtime=0)
        with _lock:
            _compressed[key] = body
    if hasattr(response.response, "close"):
        response.response.close()  # the open file Flask would have sent
    response.direct_passthrough = False
    response.response = [body]
    response.headers["Content-Encoding"] = encoding
    response.headers["Content-Length"] = str(len(body))
    response.headers.pop("Accept-Ranges", None)
    # The same content in another encoding: a weak validator, which revalidation
    # (If-None-Match compares weakly) still matches.
    etag, _ = response.get_etag()
    if etag:
        response.set_etag(etag, weak=True)


class NoStaticSessionInterface(SecureCookieSessionInterface):
    """The cookie session, except that static files neither set a cookie nor vary by it."""

    def save_session(self, app, session, response):
        if request.endpoint in SESSIONLESS_ENDPOINTS:
            return
        super().save_session(app, session, response)
