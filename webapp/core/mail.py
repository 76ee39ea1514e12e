"""Outgoing mail. SMTP when SMTP_HOST is set; otherwise each message is written to the
file outbox (MAIL_OUTBOX_DIR) as an .eml file and logged, for development and tests.

`send_mail` queues the message until the current transaction commits; `send_mail_now` does not.
"""
import os
import smtplib
import threading
import uuid
import weakref
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from webapp.core.db import after_commit, utcnow
from webapp.extensions import db


def build_message(to, subject, body, sender):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid()
    msg.set_content(body)
    return msg


def deliver(msg, config, logger):
    if config.get("SMTP_HOST"):
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(msg)
        logger.info("mail sent to %s: %s", msg["To"], msg["Subject"])
        return None
    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    path = outbox / name
    # Written under another name and renamed: a reader of the outbox never sees half a message.
    partial = outbox / (name + ".part")
    partial.write_bytes(bytes(msg))
    os.replace(partial, path)
    logger.info("mail to %s written to outbox %s: %s", msg["To"], path, msg["Subject"])
    return path


def _sender(msg, to):
    """A callable that delivers `msg` with the current app's settings, logging (not raising) a failure."""
    app = current_app._get_current_object()

    def _send():
        try:
            deliver(msg, app.config, app.logger)
        except (OSError, smtplib.SMTPException):
            app.logger.exception("could not send mail to %s", to)

    return _send


def send_mail(to, subject, body):
    """Send once the action's transaction commits (never for an action that rolls back)."""
    msg = build_message(to, subject, body, current_app.config["MAIL_FROM"])
    after_commit(db.session(), _sender(msg, to))
    return msg


def send_mail_now(to, subject, body):
    """Deliver now, whatever becomes of the transaction, and in the background: for the few
    mails that answer a refused request (which rolls back) and whose sending must not show in
    the response time, e.g. the one-time login link a correct password gets for a locked account."""
    msg = build_message(to, subject, body, current_app.config["MAIL_FROM"])
    thread = threading.Thread(target=_sender(msg, to), name="send-mail-now", daemon=True)
    _background.add(thread)
    thread.start()
    return msg


# Mails on their way in the background (send_mail_now), so a test — or a shutdown — can wait.
_background = weakref.WeakSet()


def wait_for_background_mail(timeout=10.0):
    """Wait until every mail sent in the background so far has been delivered (or `timeout`)."""
    for thread in list(_background):
        thread.join(timeout)


def read_outbox(outbox_dir):
    """Parsed messages in the file outbox, oldest first (for tests and the CLI)."""
    from email import policy
    from email.parser import BytesParser

    paths = sorted(Path(outbox_dir).glob("*.eml"))
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in paths]
