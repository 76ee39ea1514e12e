"""Chat pages: the rooms list with unread counts, a room (the latest messages, the send form;
static/js/chat.js makes it live), opening a direct message, and staff moderation.

Every page works without scripts: the forms post here and call the same services the
socket events call.
"""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from webapp.chat import services
from webapp.chat.forms import DeleteMessageForm, LiftMuteForm, MessageForm, MuteForm
from webapp.core.db import get_by_id
from webapp.core.errors import RateLimited, ServiceError, ValidationError
from webapp.core.forms import already_submitted, flash_service_error, redirect_after_submission, show_service_error

bp = Blueprint("chat", __name__, url_prefix="/chat", template_folder="templates")

_LINK = re.compile(r"https?://[^\s<>\"'，。！？；：、（）《》【】]+|" + services.MENTION_RE.pattern)


def chat_text(text):
    """A message as HTML: escaped text, http(s) links and @mentions as links, line breaks kept.
    (static/js/chat.js builds the same with DOM nodes for live messages.)"""
    out, last = [], 0
    for match in _LINK.finditer(text or ""):
        out.append(escape(text[last:match.start()]))
        token = match.group(0)
        if token.startswith("@"):
            out.append(Markup('<a href="{}" class="chat-mention">{}</a>').format(
                url_for("accounts.profile", username=match.group(1)), token))
        else:
            out.append(Markup('<a href="{}" rel="nofollow noopener" target="_blank">{}</a>').format(token, token))
        last = match.end()
    out.append(escape(text[last:] if text else ""))
    return Markup("").join(out).replace("\n", Markup("<br>"))


def _viewer():
    return current_user._get_current_object()


@bp.route("/")
@login_required
def index():
    return render_template("chat/index.html", rooms=services.sidebar(_viewer()))


@bp.route("/dm")
@login_required
def dm():
    """Open the direct messages with the member named `?username=`."""
    from webapp.accounts.models import User

    username = (request.args.get("username") or "").strip()[:64]
    other = User.query.filter_by(username=username).first() if username else None
    if other is None or other.id == current_user.id:
        message = "请填写对方的用户名" if not username else ("不能给自己发私信" if other else f"找不到用户“{username}”")
        return render_template("chat/index.html", rooms=services.sidebar(_viewer()), dm_error=message,
                               dm_username=username), 404 if username else 422
    return redirect(url_for(".room", room=f"dm:{other.id}"))


def _before():
    value = request.args.get("before")
    if value is None:
        return None
    if not value.isdigit() or not 0 < int(value) <= 2**31 - 1:
        abort(404)
    return int(value)


def _render_room(room_ref, form, status=200, mute_form=None):
    viewer = _viewer()
    before = _before()
    messages, has_more = services.history(viewer, room_ref, before_id=before)
    moderate = services.can_moderate(viewer, room_ref)
    return render_template(
        "chat/room.html", room=room_ref, messages=messages, has_more=has_more, before=before,
        form=form, permissions=services.permissions(viewer, room_ref),
        refusal=services.why_not_post(viewer, room_ref), rooms=services.sidebar(viewer),
        mutes=services.active_mutes(viewer, room_ref) if moderate else [],
        mute_form=(mute_form or MuteForm(formdata=None)) if moderate else None,
        delete_form=DeleteMessageForm(formdata=None) if moderate else None,
        lift_form=LiftMuteForm(formdata=None) if moderate else None,
    ), status


@bp.route("/<room>")
@login_required
def room(room):
    room_ref = services.room(room, _viewer())
    return _render_room(room_ref, MessageForm(formdata=None))


@bp.route("/<room>/messages", methods=["POST"])
@login_required
def send(room):
    room_ref = services.room(room, _viewer())
    form = MessageForm()
    if not form.validate():
        return _render_room(room_ref, form, 400)
    done = already_submitted(_viewer(), form)
    if done:
        return done
    headers = {}
    try:
        message = services.post_message(_viewer(), room_ref, form.text.data or "")
    except RateLimited as exc:
        status = show_service_error(form, exc, default_field="text")
        headers["Retry-After"] = str(exc.retry_after)
    except ValidationError as exc:
        status = show_service_error(form, exc)
    except ServiceError as exc:
        status = show_service_error(form, exc)
    else:
        return redirect_after_submission(_viewer(), form, url_for(".room", room=room_ref.name) + f"#m{message.id}")
    page, status = _render_room(room_ref, form, status)
    return page, status, headers


@bp.route("/<room>/messages/<int:message_id>/delete", methods=["POST"])
@login_required
def delete_message(room, message_id):
    room_ref = services.room(room, _viewer())
    form = DeleteMessageForm()
    if form.validate():
        try:
            services.delete_message(_viewer(), room_ref, message_id)
        except ServiceError as exc:
            flash_service_error(exc)
        else:
            flash("消息已删除。", "success")
    return redirect(url_for(".room", room=room_ref.name))


@bp.route("/<room>/mutes", methods=["POST"])
@login_required
def mute(room):
    from webapp.accounts.models import User

    room_ref = services.room(room, _viewer())
    services.guard(services.why_not_moderate(_viewer(), room_ref))
    form = MuteForm()
    if not form.validate():
        return _render_room(room_ref, MessageForm(formdata=None), 400, mute_form=form)
    target = User.query.filter_by(username=(form.username.data or "").strip()).first()
    try:
        services.mute(_viewer(), room_ref, target, form.minutes.data, form.reason.data or "")
    except ServiceError as exc:
        show_service_error(form, exc, fields={("username" if k == "user" else k): v for k, v in exc.fields.items()})
        return _render_room(room_ref, MessageForm(formdata=None), exc.status, mute_form=form)
    flash(f"已禁言 {target.display_name} {form.minutes.data} 分钟。", "success")
    return redirect(url_for(".room", room=room_ref.name))


@bp.route("/<room>/mutes/<int:user_id>/lift", methods=["POST"])
@login_required
def lift_mute(room, user_id):
    from webapp.accounts.models import User

    room_ref = services.room(room, _viewer())
    form = LiftMuteForm()
    if form.validate():
        try:
            services.lift_mute(_viewer(), room_ref, get_by_id(User, user_id))
        except ServiceError as exc:
            flash_service_error(exc)
        else:
            flash("已解除禁言。", "success")
    return redirect(url_for(".room", room=room_ref.name))
