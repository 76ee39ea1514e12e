"""How pages show a service's refusal: the one policy of the HTML views.

Services validate; forms render fields and carry CSRF; when a service raises, the view
calls one of these helpers, which also tells the unit of work to roll the action back
(`core.uow.abandon`), so no view rolls back by hand.
"""
from urllib.parse import urlsplit

from flask import current_app, flash, has_request_context, redirect, request, session
from werkzeug.exceptions import HTTPException
from wtforms import HiddenField

from webapp.core import idempotency
from webapp.core.errors import ServiceError
from webapp.core.uow import abandon


class OneTimeSubmission:
    """Mixin for a form that creates something: a hidden token, new on every rendering of
    the page (kept on a re-render after an error), so that a double click or a resubmitted
    page creates nothing twice. Views call `already_submitted` before the service and
    `redirect_after_submission` after it."""

    submission_token = HiddenField(default=idempotency.new_submission_token)


def already_submitted(user, form):
    """If this form's token already created something: a redirect there, with a message."""
    location = idempotency.submitted_location(user, form)
    if location is None:
        return None
    flash("该表单已经提交过，没有重复提交。", "info")
    return redirect(location)


def redirect_after_submission(user, form, location):
    """Remember that the form's token led to `location`, and go there (or, if a concurrent
    submission of the same page won, where that one led: this one is rolled back)."""
    return redirect(idempotency.remember_submission(user, form, location))


def show_service_error(form, exc, default_field=None, fields=None, flash_unplaced=False):
    """Put a ServiceError on the form; returns the status to re-render with.

    Field messages go under their fields (`fields` may pass the service's field messages
    renamed or reworded for this form); the overall message goes on top unless it only
    repeats a field message. Errors without fields can be aimed at `default_field` (e.g. an
    upload refused by core.uploads). What fits no field goes on top of the form, or is
    flashed with `flash_unplaced` (pages whose form shows no top message).
    """
    abandon()
    fields = dict(exc.fields if fields is None else fields)
    if not fields and default_field:
        fields[default_field] = exc.message
    unplaced = []
    for name, message in fields.items():
        field = form[name] if name in form else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            unplaced.append(message)
    if exc.message not in fields.values() and (not fields or not flash_unplaced):
        unplaced.append(exc.message)
    for message in unplaced:
        if flash_unplaced:
            flash(message, "error")
        else:
            form.form_errors.append(message)
    return exc.status


def flash_service_error(exc, category="error"):
    """A refused action answered by a redirect: say why on the next page."""
    abandon()
    flash(exc.message, category)
    return exc.status


def uploaded(field):
    """The stream of a file field's upload, or None when no file was chosen."""
    data = field.data
    return data.stream if data is not None and getattr(data, "filename", None) else None


# ---------------------------------------------------------------- an expired CSRF token

RESUBMIT_MESSAGE = ("请求无法验证：页面已过期或安全校验已失效，操作没有执行。您填写的内容已保留（附件需重新选择），"
                    "请检查后重新提交。")
_RESUBMITTED = "webapp.forms.resubmitted"


def install_resubmission(app):
    """Forms built while a refused post is shown again read what was typed (see
    `show_again_after_csrf_error`); every other form reads the request as Flask-WTF does."""
    from flask_wtf import FlaskForm
    from flask_wtf.form import _Auto

    meta = FlaskForm.Meta
    if getattr(meta.wrap_formdata, "_resubmission", False):
        return
    wrap = meta.wrap_formdata

    def wrap_formdata(self, form, formdata):
        # Pages with several forms build each with formdata=None and a prefix: the typed
        # values return to the form whose prefix they carry.
        if (formdata is _Auto or formdata is None) and has_request_context() and _RESUBMITTED in request.environ:
            return request.environ[_RESUBMITTED]
        return wrap(self, form, formdata)

    wrap_formdata._resubmission = True
    meta.wrap_formdata = wrap_formdata


def show_again_after_csrf_error():
    """A form posted with an expired or missing CSRF token (the session ended, the page sat
    open for long): instead of a bare 400, show the page of the form again — the posted URL
    if it has a page, else the page the form was on — with what was typed and a fresh
    token, and ask to resubmit. Nothing of the refused post is done. Returns the response
    (status 400), or None when there is no page to show (the caller answers plainly)."""
    if request.method != "POST" or not request.form:
        return None
    found = _page_of_the_form()
    if found is None:
        return None
    rule, view_args, query = found
    request.environ[_RESUBMITTED] = request.form.copy()
    request.environ["QUERY_STRING"] = query
    request.method = "GET"
    request.url_rule, request.view_args = rule, view_args
    request.query_string = query.encode()
    request.__dict__.pop("args", None)
    flash(RESUBMIT_MESSAGE, "warning")
    # The page's own guards (login, staff) run as for any visit to it.
    try:
        response = current_app.preprocess_request()
        if response is None:
            response = current_app.dispatch_request()
        response = current_app.make_response(response)
    except (HTTPException, ServiceError):
        response = None
    if response is None or response.status_code != 200:
        # The page is not for this visitor (a guard refused, /login once logged in): answer plainly.
        session["_flashes"] = [f for f in session.get("_flashes", []) if f[1] != RESUBMIT_MESSAGE]
        return None
    response.status_code = 400
    return response


def _page_of_the_form():
    """(rule, view arguments, query string) of the page to show again, or None."""
    referrer = urlsplit(request.referrer or "")
    candidates = [(request.path, "")]
    if referrer.netloc == request.host and referrer.path:
        candidates.append((referrer.path, referrer.query))
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for path, query in candidates:
        try:
            rule, view_args = adapter.match(path, method="GET", return_rule=True)
        except HTTPException:
            continue
        return rule, view_args, query
    return None
