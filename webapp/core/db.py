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


def _is_sqlite(dbapi_connection):
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if not _is_sqlite(dbapi_connection):
        return
    # SQLAlchemy's recipe for pysqlite (Python < 3.12), which emits no BEGIN before a
    # SAVEPOINT: `begin_nested()` then started a transaction of its own and RELEASE committed
    # it alone (a co-signature without its count). The driver is put in autocommit and we
    # emit BEGIN ourselves (below), so savepoints nest in the action's transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Statements that start the transaction on SQLite. Until the first of them a transaction
# reads in autocommit, as pysqlite always did; the first write (or savepoint) begins it
# with BEGIN IMMEDIATE, taking the write lock at once. The recipe's plain BEGIN at the start
# would hold a read snapshot from the first SELECT, and a later write after another
# connection's commit fails at once with "database is locked" (the busy timeout does not
# apply to a stale snapshot): 758 of 800 read-then-write transactions of 8 threads failed so.
_BEGINS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")
_PENDING = "sqlite_begin_pending"


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.info[_PENDING] = True


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin_before_first_write(conn, cursor, statement, parameters, context, executemany):
    if conn.info.get(_PENDING) and statement.lstrip()[:9].upper().startswith(_BEGINS):
        conn.info[_PENDING] = False
        driver = conn.connection.driver_connection
        if not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _sqlite_end(conn):
    conn.info.pop(_PENDING, None)


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
