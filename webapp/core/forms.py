"""How pages show a service's refusal: the one policy of the HTML views.

Services validate; forms render fields and carry CSRF; when a service raises, the view
calls one of these helpers, which also tells the unit of work to roll the action back
(`core.uow.abandon`), so no view rolls back by hand.
"""
from flask import flash, redirect
from wtforms import HiddenField

from webapp.core import idempotency
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
