"""Database helpers: SQLite pragmas, post-commit callbacks, common column types."""
import logging
from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from webapp.core.timeutil import clock_override

# The largest value of our integer primary keys (INTEGER is 32-bit in PostgreSQL): an id
# beyond it is no row of ours, and passing it to the database fails instead of finding nothing.
MAX_ID = 2**31 - 1


def get_by_id(model, value):
    """The row of `model` with primary key `value` (an int or a string of digits), or None
    for anything else, including ids no integer key can hold."""
    from webapp.extensions import db

    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < value <= MAX_ID:
        return None
    return db.session.get(model, value)


def utcnow():
    """Naive UTC timestamp (stored naive in both SQLite and PostgreSQL); inside
    `core.timeutil.clock_at(moment)`, that moment (the demo's history)."""
    return clock_override() or datetime.now(UTC).replace(tzinfo=None)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def after_commit(session, fn):
    """Run `fn()` once the current transaction commits; drop it on rollback.

    Mails and socket broadcasts go out this way, so a failed action never announces itself.
    """
    session.info.setdefault("after_commit", []).append(fn)


def after_rollback(session, fn):
    """Run `fn()` if the current transaction rolls back; drop it on commit.

    Files written for an action (attachments, avatars) are removed this way when the
    action fails after writing them.
    """
    session.info.setdefault("after_rollback", []).append(fn)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session):
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the action's transaction goes on
    session.info.pop("after_rollback", None)
    _run_each(session.info.pop("after_commit", []))


def _run_each(callbacks):
    # The transaction is over: one failing callback must neither stop the others nor turn
    # a committed action into an error.
    for fn in callbacks:
        try:
            fn()
        except Exception:
            logging.getLogger(__name__).exception("after-transaction callback %r failed", fn)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session, previous_transaction):
    # Every rollback fires this, a savepoint's too: only the outermost one ends the action.
    if previous_transaction.parent is not None:
        return
    session.info.pop("after_commit", None)
    _run_each(session.info.pop("after_rollback", []))
