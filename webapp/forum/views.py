"""The forum's pages (科技社区): boards by discipline, a board's threads, a thread's posts with
the reply form, editing, reporting, the staff's moderation queue and board management.

A GET writes nothing: views are counted in `services.counters`, read marks are POSTed by the
page's script (static/js/forum.js) once posts have been on screen.
"""
from datetime import UTC, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_login import current_user, login_required

from webapp.core.errors import ServiceError
from webapp.core.forms import already_submitted, flash_service_error, redirect_after_submission, show_service_error
from webapp.core.pagination import parse_page_args
from webapp.core.permissions import is_staff, staff_required
from webapp.core.timeutil import local_zone
from webapp.core.uploads import UploadError
from webapp.extensions import db
from webapp.forum import services
from webapp.forum.forms import (
    ActionForm,
    BoardForm,
    EditForm,
    ReasonForm,
    ReplyForm,
    SuspendForm,
    ThreadForm,
    split_tags,
)
from webapp.forum.models import Board, Post, ThreadKind
from webapp.forum.services import rules

bp = Blueprint("forum", __name__, url_prefix="/forum", template_folder="templates")
DRAFT_PREFIX = "forum-draft:"


def viewer():
    return current_user._get_current_object()


@bp.app_context_processor
def forum_rules():
    return {"forum_rules": rules}


def _with_image(form, body):
    """The body with the chosen image appended as Markdown (the image is checked and stored)."""
    data = form.image.data
    if data is None or not getattr(data, "filename", None):
        return body
    path = services.save_image(viewer(), data.stream)
    return (body or "").rstrip() + f"\n\n![图片]({path})\n"


# ---------------------------------------------------------------- browsing

@bp.route("/")
def index():
    return render_template("forum/index.html", groups=services.boards_by_group(),
                           recent=services.recent_threads(8))


@bp.route("/boards/<int:board_id>")
def board(board_id):
    board = services.get_board(board_id)
    page_number, _ = parse_page_args(request.args, 30, 30)
    page, subs = services.board_threads(board, page_number, viewer=viewer())
    from webapp.forum.chat import can_read_board_chat

    chat_url = url_for("chat.room", room=f"board:{board.id}") if can_read_board_chat(current_user, board) else None
    return render_template("forum/board.html", board=board, page=page, subs=subs, chat_url=chat_url)


@bp.route("/threads/<int:thread_id>")
def thread(thread_id):
    thread, sub = services.thread_with_subscription(thread_id, viewer())
    page_number, _ = parse_page_args(request.args, 20, 20)
    page, liked = services.thread_posts(thread, page_number, viewer())
    services.counters.count_view(thread.id)
    form = ReplyForm(formdata=None)
    quote = None
    quote_id = request.args.get("quote", "")
    if quote_id.isdigit():
        quote = next((p for p in page.items if p.id == int(quote_id)), None) or db.session.get(Post, int(quote_id))
        if quote is None or quote.thread_id != thread.id or not rules.can_read_post(viewer(), quote):
            quote = None
        else:
            form.quote_post_id.data = str(quote.id)
    return _render_thread(thread, sub, page, liked, form, quote)


def _render_thread(thread, sub, page, liked, form, quote=None, status=200):
    pending = services.counters.pending(thread.id)
    return render_template("forum/thread.html", thread=thread, sub=sub, page=page, liked=liked, form=form,
                           quote=quote, views=thread.view_count + pending, action_form=ActionForm(),
                           draft_key=f"{DRAFT_PREFIX}thread-{thread.id}",
                           clear_draft=session.pop("clear_draft", None)), status


@bp.route("/threads/<int:thread_id>/unread")
def unread(thread_id):
    """Open the thread at the viewer's first unread post."""
    thread, sub = services.thread_with_subscription(thread_id, viewer())
    number = services.first_unread_number(sub, thread)
    page = services.page_of_number(number)
    return redirect(url_for(".thread", thread_id=thread.id, **({"page": page} if page > 1 else {})) + f"#p{number}")


@bp.route("/posts/<int:post_id>")
def post(post_id):
    post = services.get_post(post_id)
    return redirect(services.post_path(post))


@bp.route("/posts/<int:post_id>/history")
@login_required
def history(post_id):
    post = services.get_post(post_id)
    return render_template("forum/history.html", post=post, revisions=services.revisions(viewer(), post))


@bp.route("/uploads/<key>")
def image(key):
    if not key.replace(".", "").isalnum():
        abort(404)
    row, path = services.image_file(key)
    response = send_file(path, mimetype=row.mime, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/bookmarks")
@login_required
def bookmarks():
    return render_template("forum/bookmarks.html", threads=services.bookmarks(viewer()))


# ---------------------------------------------------------------- writing

@bp.route("/boards/<int:board_id>/new", methods=["GET", "POST"])
@login_required
def new_thread(board_id):
    board = services.get_board(board_id)
    form = ThreadForm()
    status = 200
    draft_key = f"{DRAFT_PREFIX}board-{board.id}"
    if request.method == "POST":
        done = already_submitted(viewer(), form)
        if done:
            return done
        try:
            body = _with_image(form, form.body.data)
            thread = services.start_thread(viewer(), board, form.title.data or "", body,
                                           split_tags(form.tags.data), form.kind.data or ThreadKind.discussion.value)
        except UploadError as exc:
            status = show_service_error(form, exc, default_field="image")
        except ServiceError as exc:
            status = show_service_error(form, exc, default_field="body")
        else:
            session["clear_draft"] = draft_key
            flash("主题已发布。", "success")
            return redirect_after_submission(viewer(), form, url_for(".thread", thread_id=thread.id))
    else:
        refusal = rules.why_not_start_thread(viewer(), board)
        if refusal is not None:
            flash_service_error(refusal)
            return redirect(url_for(".board", board_id=board.id))
    return render_template("forum/new_thread.html", board=board, form=form, draft_key=draft_key), status


@bp.route("/threads/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id):
    thread = services.get_thread(thread_id)
    form = ReplyForm()
    done = already_submitted(viewer(), form)
    if done:
        return done
    quote_id = form.quote_post_id.data
    try:
        body = _with_image(form, form.body.data)
        post = services.reply(viewer(), thread, body, int(quote_id) if (quote_id or "").isdigit() else None)
    except ServiceError as exc:
        status = show_service_error(form, exc, default_field="image" if isinstance(exc, UploadError) else "body")
        thread, sub = services.thread_with_subscription(thread.id, viewer())
        last = services.page_of_number(thread.post_count - 1)
        page, liked = services.thread_posts(thread, last, viewer())
        quote = db.session.get(Post, int(quote_id)) if (quote_id or "").isdigit() else None
        return _render_thread(thread, sub, page, liked, form, quote if quote and quote.thread_id == thread.id else None,
                              status=status)
    session["clear_draft"] = f"{DRAFT_PREFIX}thread-{thread.id}"
    return redirect_after_submission(viewer(), form, services.post_path(post))


@bp.route("/threads/<int:thread_id>/read", methods=["POST"])
@login_required
def mark_read(thread_id):
    thread = services.get_thread(thread_id)
    number = request.form.get("number", "")
    if not number.isdigit() or len(number) > 9:
        return {"error": {"code": "validation_error", "message": "number 必须是非负整数", "fields": {}}}, 422
    services.mark_read(viewer(), thread, int(number))
    return "", 204


@bp.route("/threads/<int:thread_id>/subscription", methods=["POST"])
@login_required
def subscription(thread_id):
    thread = services.get_thread(thread_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action == "subscribe":
        services.subscribe(viewer(), thread)
        flash("已关注：有新回复时会通知您。", "success")
    elif action == "mute":
        services.mute(viewer(), thread)
        flash("已静音：不再通知本主题的回复。", "info")
    elif action in ("bookmark", "unbookmark"):
        services.set_bookmark(viewer(), thread, action == "bookmark")
        flash("已收藏。" if action == "bookmark" else "已取消收藏。", "info")
    else:
        abort(400)
    return redirect(url_for(".thread", thread_id=thread.id))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id):
    post = services.get_post(post_id)
    refusal = rules.why_not_edit(viewer(), post)
    if refusal is not None:
        flash_service_error(refusal)
        return redirect(services.post_path(post))
    form = EditForm()
    first = post.number == 0
    status = 200
    if request.method == "GET":
        form.body.data = post.body
        if first:
            form.title.data = post.thread.title
            form.tags.data = "，".join(post.thread.tags or [])
    else:
        try:
            services.edit_post(viewer(), post, form.body.data or "",
                               title=form.title.data if first else None,
                               tags=split_tags(form.tags.data) if first else None)
        except ServiceError as exc:
            status = show_service_error(form, exc, default_field="body")
        else:
            flash("修改已保存。", "success")
            return redirect(services.post_path(post))
    return render_template("forum/edit.html", post=post, form=form, first=first), status


def _post_action(post_id, do, message):
    post = services.get_post(post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        do(post)
    except ServiceError as exc:
        flash_service_error(exc)
    else:
        if message:
            flash(message, "success")
    return redirect(services.post_path(post))


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete(post_id):
    post = services.get_post(post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_post(viewer(), post)
    except ServiceError as exc:
        flash_service_error(exc)
    else:
        flash("帖子已删除。", "info")
    return redirect(url_for(".thread", thread_id=post.thread_id, page=services.page_of_number(post.number)))


@bp.route("/posts/<int:post_id>/like", methods=["POST"])
@login_required
def like(post_id):
    undo = request.form.get("action") == "unlike"
    return _post_action(post_id, lambda p: (services.unlike if undo else services.like)(viewer(), p), None)


@bp.route("/posts/<int:post_id>/accept", methods=["POST"])
@login_required
def accept(post_id):
    undo = request.form.get("action") == "unaccept"
    return _post_action(post_id, lambda p: (services.unaccept if undo else services.accept)(viewer(), p),
                        "已取消采纳。" if undo else "已采纳为答案。")


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report(post_id):
    post = services.get_post(post_id)
    form = ReasonForm()
    status = 200
    if request.method == "POST":
        try:
            services.report(viewer(), post, form.reason.data or "")
        except ServiceError as exc:
            status = show_service_error(form, exc, default_field="reason")
        else:
            flash("举报已提交，工作人员处理后会通知您结果。", "success")
            return redirect(services.post_path(post))
    return render_template("forum/report.html", post=post, form=form), status


# ---------------------------------------------------------------- moderation (staff)

@bp.route("/posts/<int:post_id>/hide", methods=["POST"])
@staff_required
def hide(post_id):
    reason = request.form.get("reason", "")
    return _post_action(post_id, lambda p: services.hide_post(viewer(), p, reason), "帖子已隐藏。")


@bp.route("/posts/<int:post_id>/restore", methods=["POST"])
@staff_required
def restore(post_id):
    return _post_action(post_id, lambda p: services.restore_post(viewer(), p, request.form.get("reason")), "帖子已恢复。")


@bp.route("/posts/<int:post_id>/dismiss", methods=["POST"])
@staff_required
def dismiss(post_id):
    services.get_post(post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.dismiss_reports(viewer(), services.get_post(post_id), request.form.get("reason"))
    except ServiceError as exc:
        flash_service_error(exc)
    else:
        flash("举报已驳回，举报人会收到通知。", "info")
    return redirect(url_for(".moderation"))


@bp.route("/threads/<int:thread_id>/moderate", methods=["POST"])
@staff_required
def moderate(thread_id):
    thread = services.get_thread(thread_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    reason = request.form.get("reason") or None
    actions = {"lock": services.lock, "unlock": services.unlock, "pin": services.pin, "unpin": services.unpin}
    try:
        if action in actions:
            actions[action](viewer(), thread, reason)
        elif action == "move":
            board_id = request.form.get("board_id", "")
            services.move(viewer(), thread, int(board_id) if board_id.isdigit() and len(board_id) < 10 else 0, reason)
        else:
            abort(400)
    except ServiceError as exc:
        flash_service_error(exc)
    else:
        flash("操作已完成，已记入审计日志。", "success")
    return redirect(url_for(".thread", thread_id=thread.id))


@bp.route("/moderation", methods=["GET", "POST"])
@staff_required
def moderation():
    form = SuspendForm()
    status = 200
    if request.method == "POST":
        from webapp.accounts.models import User

        user = User.query.filter_by(username=(form.username.data or "").strip()).first()
        until = None
        if form.until.raw_data and form.until.raw_data[0]:
            try:
                day = datetime.strptime(form.until.raw_data[0], "%Y-%m-%d").date()
                local_end = datetime.combine(day, time(23, 59), tzinfo=local_zone())
                until = local_end.astimezone(UTC).replace(tzinfo=None)
            except ValueError:
                until = None
        try:
            if user is None:
                from webapp.core.errors import ValidationError

                raise ValidationError(fields={"username": "找不到该用户"})
            services.suspend(viewer(), user, until, form.reason.data or "")
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash(f"已禁言 {user.display_name}。", "success")
            return redirect(url_for(".moderation"))
    return render_template("forum/moderation.html", reports=services.open_reports(), form=form,
                           action_form=ActionForm()), status


@bp.route("/manage/boards", methods=["GET", "POST"])
@staff_required
def manage_boards():
    form = BoardForm()
    status = 200
    editing = None
    edit_id = request.values.get("board_id", "")
    if edit_id.isdigit() and len(edit_id) < 10:
        editing = db.session.get(Board, int(edit_id))
    if request.method == "GET" and editing is not None:
        form = BoardForm(obj=editing)
    if request.method == "POST":
        board = editing
        try:
            services.save_board(viewer(), board, form.slug.data, form.name.data, form.description.data,
                                form.group_name.data, form.position.data or 0)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("版块已保存。", "success")
            return redirect(url_for(".manage_boards"))
    return render_template("forum/manage_boards.html", boards=services.boards(), form=form, editing=editing), status


@bp.app_template_global()
def forum_boards():
    return services.boards()


@bp.app_template_global()
def forum_is_staff(user):
    return is_staff(user)


@bp.app_template_global()
def forum_on_home():
    """The home page's forum column (main/index.html shows it when the forum is installed)."""
    return services.recent_threads(5)
