"""Helpers for tests of HTML pages.

(Per-request isolation of `g` between test clients lives in conftest's `app` fixture.)
"""
import re


def html(resp):
    return resp.get_data(as_text=True)


def field_error(page, message):
    """True if `message` is shown as a field error (Bootstrap invalid-feedback)."""
    return re.search(r'class="invalid-feedback[^"]*">\s*' + re.escape(message), page) is not None


def mailed_link(message, path):
    """The first link to `path` (e.g. "/register/complete/") in an e-mail, as a site path, or None."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]+)", message.get_content())
    return match.group(1) if match else None


def wait_for_link(outbox, path, timeout=10.0):
    """The first link to `path` in the outbox, once a mail (sent in the background) brings one;
    mails of other kinds, or sent late by an earlier test's thread, are passed over."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        links = [link for link in (mailed_link(m, path) for m in outbox()) if link]
        if links or time.monotonic() >= deadline:
            return links[0] if links else None
        time.sleep(0.02)


def wait_for_mail(outbox, count=1, timeout=5.0):
    """The outbox once it holds `count` messages (mails sent in the background), or as it is after `timeout`."""
    import time

    deadline = time.monotonic() + timeout
    while len(messages := outbox()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return messages
