"""Sliding-window counters for throttling (login failures, registrations, posting rates).

Three stores, one interface:
- Redis (REDIS_URL set): shared by every process; each step is one MULTI/EXEC pipeline.
- the database (the default without Redis): a table of events (`rate_limit_events`), written on
  a connection of its own and committed at once, so the counts hold across gunicorn workers
  and survive the request's rollback (a refused login answers 4xx, which rolls the request's
  unit of work back). On SQLite the table lives in a sibling file (`<db>-ratelimit.db`): a
  request that has already written holds the main file's write lock, and the limiter's own
  connection would wait for it until the busy timeout.
- memory: per process, only right for a single process (tests, `python wsgi.py`); the app
  warns at start when it sees several workers with it.

Callers use `acquire(key, limit, window)`: the attempt is recorded first, atomically, and the
decision is taken on the count that recording returned, so concurrent attempts cannot all
pass a check made before any of them was counted. An attempt that turns out not to count (a
correct password, a refused or invalid request) is given back with `Attempt.release()`.
"""
import hashlib
import logging
import os
import shlex
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from webapp.extensions import db

log = logging.getLogger(__name__)

rate_limit_events = sa.Table(
    "rate_limit_events",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("member", sa.String(32), nullable=False),
    sa.Column("at", sa.Float, nullable=False),  # epoch seconds (time.time())
    sa.Index("ix_rate_limit_events_key_at", "key", "at"),
)


def _member():
    return uuid.uuid4().hex


class MemoryBackend:
    # Sweep keys whose hits have all expired every this many hits, so names and
    # addresses that are tried once and never again do not accumulate.
    SWEEP_EVERY = 1000
    shared_across_processes = False

    def __init__(self):
        self._hits = {}  # key -> [(time, member)], oldest first
        self._windows = {}
        self._since_sweep = 0
        self._lock = threading.Lock()

    def _live(self, key, now, window):
        return [h for h in self._hits.get(key, []) if h[0] > now - window]

    def add(self, key, window):
        """Record one event; (member, events in the window including it, seconds until the oldest leaves)."""
        now = time.time()
        member = _member()
        with self._lock:
            hits = self._live(key, now, window)
            hits.append((now, member))
            self._hits[key] = hits
            self._windows[key] = window
            self._since_sweep += 1
            if self._since_sweep >= self.SWEEP_EVERY:
                self._sweep(now)
            return member, len(hits), hits[0][0] + window - now

    def hit(self, key, window):
        return self.add(key, window)[1]

    def remove(self, key, member):
        with self._lock:
            hits = [h for h in self._hits.get(key, []) if h[1] != member]
            if hits:
                self._hits[key] = hits
            else:
                self._forget(key)

    def count(self, key, window):
        now = time.time()
        with self._lock:
            hits = self._live(key, now, window)
            if hits:
                self._hits[key] = hits
            else:
                self._forget(key)
            return len(hits), (hits[0][0] + window - now if hits else 0)

    def reset(self, key):
        with self._lock:
            self._forget(key)

    def clear(self):
        with self._lock:
            self._hits.clear()
            self._windows.clear()

    def _forget(self, key):
        self._hits.pop(key, None)
        self._windows.pop(key, None)

    def _sweep(self, now):
        self._since_sweep = 0
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1][0] <= now - self._windows[k]]:
            self._forget(key)


class RedisBackend:
    shared_across_processes = True

    def __init__(self, url, prefix="sh:rl:"):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def add(self, key, window):
        now = time.time()
        k = self._prefix + key
        member = _member()
        pipe = self._redis.pipeline(transaction=True)  # MULTI/EXEC: no other client's command in between
        pipe.zremrangebyscore(k, 0, now - window)
        pipe.zadd(k, {member: now})
        pipe.zcard(k)
        pipe.zrange(k, 0, 0, withscores=True)
        pipe.expire(k, int(window) + 1)
        _, _, n, oldest, _ = pipe.execute()
        return member, n, max(0, oldest[0][1] + window - now) if oldest else 0

    def hit(self, key, window):
        return self.add(key, window)[1]

    def remove(self, key, member):
        self._redis.zrem(self._prefix + key, member)

    def count(self, key, window):
        now = time.time()
        k = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(k, 0, now - window)
        pipe.zcard(k)
        pipe.zrange(k, 0, 0, withscores=True)
        _, n, oldest = pipe.execute()
        retry = (oldest[0][1] + window - now) if oldest else 0
        return n, max(0, retry)

    def reset(self, key):
        self._redis.delete(self._prefix + key)

    def clear(self):
        for k in self._redis.scan_iter(self._prefix + "*"):
            self._redis.delete(k)


def _key_lock_id(key):
    # A signed 64-bit number for pg_advisory_xact_lock, stable across processes.
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


class DatabaseBackend:
    """Events in `rate_limit_events`, each step one short transaction on the store's own engine.

    Exactness: on PostgreSQL each step first takes a transaction-scoped advisory lock on the
    key, so the steps of one key run one after the other and each COUNT sees every event
    committed before it (READ COMMITTED takes a fresh snapshot per statement). On SQLite every
    step starts with BEGIN IMMEDIATE, which takes the file's write lock at once: one writer at
    a time, in every process.
    """

    shared_across_processes = True
    # Every this many events (per process), delete every key's events older than the longest
    # window this process has used, so keys that are never used again do not accumulate.
    SWEEP_EVERY = 1000

    def __init__(self, url):
        self.url = url
        self._engine = None
        self._lock = threading.Lock()
        self._longest_window = 0
        self._since_sweep = 0

    @property
    def engine(self):
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._make_engine()
        return self._engine

    def _make_engine(self):
        url = sa.engine.make_url(self.url)
        if url.get_backend_name() != "sqlite":
            return sa.create_engine(url, pool_pre_ping=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _own_transactions(dbapi_connection, connection_record):
            dbapi_connection.isolation_level = None  # pysqlite emits no BEGIN of its own

        @sa.event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        # The sibling file gets the table on first use (the main database has it from the migration).
        try:
            rate_limit_events.create(engine, checkfirst=True)
        except sa.exc.OperationalError:
            if not sa.inspect(engine).has_table(rate_limit_events.name):
                raise  # not another worker creating it at the same moment
        return engine

    def _serialise(self, conn, key):
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _key_lock_id(key)})

    def add(self, key, window):
        t = rate_limit_events
        now = time.time()
        member = _member()
        with self.engine.begin() as conn:
            self._serialise(conn, key)
            conn.execute(t.delete().where(t.c.key == key, t.c.at <= now - window))
            conn.execute(t.insert().values(key=key, member=member, at=now))
            n, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.min(t.c.at)).where(t.c.key == key, t.c.at > now - window)
            ).one()
        with self._lock:
            self._longest_window = max(self._longest_window, window)
            self._since_sweep += 1
            due = self._since_sweep >= self.SWEEP_EVERY
            if due:
                self._since_sweep = 0
        if due:
            self.sweep(self._longest_window)
        return member, n, max(0, oldest + window - now)

    def hit(self, key, window):
        return self.add(key, window)[1]

    def remove(self, key, member):
        t = rate_limit_events
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.key == key, t.c.member == member))

    def count(self, key, window):
        t = rate_limit_events
        now = time.time()
        with self.engine.connect() as conn:
            n, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.min(t.c.at)).where(t.c.key == key, t.c.at > now - window)
            ).one()
        return n, (max(0, oldest + window - now) if n else 0)

    def reset(self, key):
        t = rate_limit_events
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.key == key))

    def clear(self):
        with self.engine.begin() as conn:
            conn.execute(rate_limit_events.delete())

    def sweep(self, older_than):
        """Delete events older than `older_than` seconds, whatever their key."""
        t = rate_limit_events
        with self.engine.begin() as conn:
            return conn.execute(t.delete().where(t.c.at <= time.time() - older_than)).rowcount

    def dispose(self):
        if self._engine is not None:
            self._engine.dispose()


def database_store_url(database_url):
    """Where the database store keeps its events: the app's database, except on SQLite a
    sibling file (None for an in-memory SQLite database: no other process can share it)."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return database_url
    if not url.database or url.database == ":memory:":
        return None
    root, ext = os.path.splitext(url.database)
    return str(url.set(database=f"{root}-ratelimit{ext or '.db'}"))


@dataclass
class Attempt:
    """One recorded attempt: `allowed` when the count with it included is within the limit."""

    key: str
    member: str
    count: int
    limit: int
    retry_after: float
    _backend: object = field(repr=False)
    released: bool = False

    @property
    def allowed(self):
        return self.count <= self.limit

    def release(self):
        """Give the attempt back: it did not count (a success, a refusal, an invalid request)."""
        if not self.released:
            self.released = True
            self._backend.remove(self.key, self.member)


def workers_configured(environ=None, argv=None):
    """How many server worker processes the environment says will run this app (1 if it says
    nothing): gunicorn's `-w/--workers` in GUNICORN_CMD_ARGS or on its command line (a worker
    is a fork of the master, so sys.argv is the master's), or WEB_CONCURRENCY (which gunicorn
    and most platforms read). uWSGI and other servers are not recognised."""
    environ = os.environ if environ is None else environ
    argv = sys.argv if argv is None else argv
    found = [1]
    if environ.get("WEB_CONCURRENCY", "").strip().isdigit():
        found.append(int(environ["WEB_CONCURRENCY"]))
    args = shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    if argv and os.path.basename(argv[0]).startswith("gunicorn"):
        args += list(argv[1:])
    for i, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and arg[2:].isdigit():
            value = arg[2:]
        if value and value.isdigit():
            found.append(int(value))
    return max(found)


def make_backend(config):
    store = (config.get("RATELIMIT_STORE") or "auto").strip().lower()
    url = config.get("REDIS_URL")
    if store == "auto":
        store = "redis" if url else "database"
    if store == "redis":
        return RedisBackend(url, config.get("RATELIMIT_PREFIX", "sh:rl:"))
    if store == "database":
        db_url = config.get("RATELIMIT_DATABASE_URL") or database_store_url(config["SQLALCHEMY_DATABASE_URI"])
        if db_url:
            return DatabaseBackend(db_url)
    elif store != "memory":
        raise ValueError(f"RATELIMIT_STORE must be auto, redis, database or memory, not {store!r}")
    return MemoryBackend()


def init_app(app):
    backend = app.extensions["ratelimit"] = make_backend(app.config)
    workers = workers_configured()
    if not backend.shared_across_processes and workers > 1:
        app.logger.warning(
            "rate limits use a per-process memory store but %d worker processes are configured: "
            "each worker counts on its own, so every limit is multiplied by %d. Leave RATELIMIT_STORE "
            "unset (database store) or set REDIS_URL.", workers, workers)


def backend():
    return current_app.extensions["ratelimit"]


def acquire(key, limit, window):
    """Record an attempt at once and return it as an `Attempt` (see the module's docstring)."""
    store = backend()
    member, n, retry = store.add(key, window)
    return Attempt(key, member, n, limit, retry, store)


def hit(key, window):
    """Record one event; return how many happened in the window (this one included)."""
    return backend().hit(key, window)


def is_limited(key, limit, window):
    """Return (limited, seconds_until_a_slot_frees). A check only: to decide on an attempt, use
    `acquire`, which cannot race with concurrent attempts."""
    n, retry = backend().count(key, window)
    return n >= limit, retry


def reset(key):
    backend().reset(key)
