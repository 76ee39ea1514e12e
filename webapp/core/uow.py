"""The unit of work: one transaction per action, owned by the caller.

Services change models and `flush()`; they never commit. Whoever starts an action — a
request (page or API), a CLI command, later a socket event or a background job — wraps
it in `unit_of_work()`, which commits once at the end and rolls back on any error. The
after-commit callbacks (`core.db.after_commit`: mail, pushes, socket broadcasts, the
search outbox) run only once the commit has succeeded, never on rollback; the
after-rollback callbacks (`core.db.after_rollback`: files written for the action) run
only when it is rolled back.

Requests get theirs from `TransactionalFlask.dispatch_request` below: the view's result
commits unless it is an error response (status >= 400) or the view handled a service
error (`abandon()`, called by the helpers in `core.forms`), so a form re-rendered or a
redirect after a refused action leaves nothing half-written, and no view rolls back by hand.
"""
from contextlib import contextmanager
from functools import wraps

from flask import Flask, has_request_context, request

from webapp.extensions import db


@contextmanager
def unit_of_work():
    """Commit what the block did, or roll all of it back if it raised."""
    try:
        yield db.session
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def transactional(fn):
    """Decorator form of `unit_of_work()`, for CLI commands, socket events and jobs."""

    @wraps(fn)
    def wrapped(*args, **kwargs):
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapped


_ABANDONED = "webapp.uow.abandoned"


def abandon():
    """The request's action failed, though the view answers normally (a page, a redirect):
    roll its transaction back instead of committing it."""
    if has_request_context():
        request.environ[_ABANDONED] = True


class TransactionalFlask(Flask):
    """Flask whose every view runs in one unit of work."""

    def dispatch_request(self):
        try:
            response = self.make_response(super().dispatch_request())
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code >= 400 or request.environ.pop(_ABANDONED, False):
            db.session.rollback()
        else:
            db.session.commit()
        return response
