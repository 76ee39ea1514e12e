"""E-mail about a member's own suggestions, through core.mail (sent after the commit).

Sent to the author when an answer is published and to the leader a suggestion is assigned
to — unless they turned e-mail off (`User.email_notifications`, on the account settings
page and `PATCH /api/v1/me`). In-site notifications are sent either way.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app

from webapp.core.mail import send_mail
from webapp.core.urls import path_for

_suppressed = ContextVar("suggestion_mail_suppressed", default=False)


@contextmanager
def suppressed():
    """No suggestion e-mail inside the block: the demo replays months of history, which is
    nobody's news (in-site notifications are still written, at the time of each event)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def _page(suggestion):
    # The configured public address, never the request's Host header.
    return current_app.config["SITE_URL"].rstrip("/") + path_for("suggestions.detail", suggestion_id=suggestion.id)


def _settings_page():
    return current_app.config["SITE_URL"].rstrip("/") + path_for("accounts.settings")


def _mail(user, subject, lines):
    if _suppressed.get() or user is None or not user.email or not user.email_notifications or user.is_suspended:
        return None
    footer = ["", "——", "科技工作者之家", f"不想再收到这类邮件？请在账号设置中关闭：{_settings_page()}"]
    return send_mail(user.email, f"科技工作者之家：{subject}", "\n".join(list(lines) + footer))


def answer_published(suggestion, leader_name):
    author = suggestion.author
    return _mail(author, f"您的建议“{suggestion.title}”已答复", [
        f"{author.display_name}，您好：",
        "",
        f"{leader_name}答复了您的建议“{suggestion.title}”。",
        f"请登录查看答复，并对答复作出评价：{_page(suggestion)}",
    ])


def assigned_to_leader(suggestion, leader):
    due = suggestion.due_date.isoformat() if suggestion.due_date else ""
    return _mail(leader, f"新交办的建议：{suggestion.title}", [
        f"{leader.real_name or leader.display_name}，您好：",
        "",
        f"科协将建议“{suggestion.title}”交由您办理{f'，请于 {due} 前答复' if due else ''}。",
        f"建议全文与答复入口：{_page(suggestion)}",
    ])
