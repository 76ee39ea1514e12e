"""Sliding-window counters: the in-process backend and the Redis backend.

Time is driven by a fake clock, so the windows are exercised without sleeping. The Redis
tests use the real server at redis://127.0.0.1:6379/15 under a unique key prefix.
"""
import os
import secrets

import pytest
from flask import Flask

from webapp.core import ratelimit
from webapp.core.ratelimit import DatabaseBackend, MemoryBackend, RedisBackend

REDIS_URL = "redis://127.0.0.1:6379/15"


class FakeClock:
    def __init__(self, start=1_700_000_000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(ratelimit.time, "time", fake)
    return fake


@pytest.fixture
def redis_backend():
    try:
        import redis

        conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        conn.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server to test against"
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({exc.__class__.__name__}): RedisBackend not tested")
    prefix = f"sh-test-rl-{secrets.token_hex(6)}:"
    backend = RedisBackend(REDIS_URL, prefix=prefix)
    yield backend
    for key in conn.scan_iter(prefix + "*"):
        conn.delete(key)
    assert not list(conn.scan_iter(prefix + "*"))
    conn.close()


@pytest.fixture
def database_backend(tmp_path):
    """The database store on a throwaway SQLite file, and on PostgreSQL when DATABASE_URL says so
    (the table there comes from the migration, which the session's app has run)."""
    url = os.environ.get("DATABASE_URL", "")
    backend = DatabaseBackend(url if url.startswith("postgresql") else f"sqlite:///{tmp_path / 'rl.db'}")
    backend.clear()
    yield backend
    backend.clear()
    backend.dispose()


@pytest.fixture(params=["memory", "redis", "database"])
def backend(request, clock):
    if request.param == "memory":
        return MemoryBackend()
    return request.getfixturevalue(f"{request.param}_backend")


def test_hit_counts_events_in_the_window(backend, clock):
    assert backend.hit("k", 60) == 1
    clock.advance(1)
    assert backend.hit("k", 60) == 2
    clock.advance(1)
    assert backend.hit("k", 60) == 3
    assert backend.count("k", 60)[0] == 3


def test_keys_are_independent(backend, clock):
    backend.hit("a", 60)
    backend.hit("a", 60)
    backend.hit("b", 60)
    assert backend.count("a", 60)[0] == 2
    assert backend.count("b", 60)[0] == 1
    assert backend.count("never", 60) == (0, 0)


def test_window_slides_instead_of_resetting(backend, clock):
    backend.hit("k", 100)            # t=0
    clock.advance(40)
    backend.hit("k", 100)            # t=40
    clock.advance(40)
    backend.hit("k", 100)            # t=80
    assert backend.count("k", 100)[0] == 3
    clock.advance(21)                # t=101: the first hit has left the window
    assert backend.count("k", 100)[0] == 2
    clock.advance(40)                # t=141: the second too
    assert backend.count("k", 100)[0] == 1
    assert backend.hit("k", 100) == 2
    clock.advance(100)               # t=241: all gone
    assert backend.count("k", 100)[0] == 0


def test_retry_after_is_when_the_oldest_hit_expires(backend, clock):
    backend.hit("k", 900)
    clock.advance(300)
    backend.hit("k", 900)
    n, retry = backend.count("k", 900)
    assert n == 2
    assert retry == pytest.approx(600, abs=0.01)
    clock.advance(599)
    assert backend.count("k", 900)[1] == pytest.approx(1, abs=0.01)


def test_reset_forgets_a_key(backend, clock):
    for _ in range(5):
        backend.hit("k", 60)
    backend.hit("other", 60)
    backend.reset("k")
    assert backend.count("k", 60) == (0, 0)
    assert backend.count("other", 60)[0] == 1


def test_clear_forgets_everything(backend, clock):
    backend.hit("a", 60)
    backend.hit("b", 60)
    backend.clear()
    assert backend.count("a", 60)[0] == 0
    assert backend.count("b", 60)[0] == 0


def test_many_hits_in_the_same_instant_all_count(backend, clock):
    # Redis sorted-set members must stay distinct even with identical timestamps.
    for i in range(1, 26):
        assert backend.hit("burst", 60) == i
    assert backend.count("burst", 60)[0] == 25


def test_memory_backend_drops_keys_whose_hits_have_expired(clock):
    backend = MemoryBackend()
    for i in range(50):
        backend.hit(f"login:ip:10.0.0.{i}", 60)
    clock.advance(61)
    for i in range(50):
        assert backend.count(f"login:ip:10.0.0.{i}", 60)[0] == 0
    # Attackers cycling through names must not grow the store forever.
    assert backend._hits == {}


def test_redis_keys_expire_after_the_window(redis_backend, clock):
    redis_backend.hit("ttl", 30)
    ttl = redis_backend._redis.ttl(redis_backend._prefix + "ttl")
    assert 0 < ttl <= 31


def test_redis_clear_only_touches_its_own_prefix(redis_backend, clock):
    neighbour = RedisBackend(REDIS_URL, prefix=redis_backend._prefix + "neighbour-")
    other = RedisBackend(REDIS_URL, prefix=f"sh-test-rl-{secrets.token_hex(6)}:")
    try:
        other.hit("k", 60)
        redis_backend.hit("k", 60)
        redis_backend.clear()
        assert redis_backend.count("k", 60)[0] == 0
        assert other.count("k", 60)[0] == 1
    finally:
        other.clear()
        neighbour.clear()


def test_redis_backends_share_counts_across_instances(redis_backend, clock):
    # What gunicorn workers rely on: two processes, one counter.
    twin = RedisBackend(REDIS_URL, prefix=redis_backend._prefix)
    redis_backend.hit("shared", 60)
    twin.hit("shared", 60)
    assert redis_backend.count("shared", 60)[0] == 2


def test_is_limited_and_helpers_use_the_app_backend(clock):
    app = Flask(__name__)
    app.config["REDIS_URL"] = ""
    app.config["RATELIMIT_STORE"] = "memory"
    ratelimit.init_app(app)
    assert isinstance(app.extensions["ratelimit"], MemoryBackend)
    with app.app_context():
        for i in range(1, 4):
            assert ratelimit.is_limited("k", 3, 60) == (False, pytest.approx(0 if i == 1 else 60, abs=0.01))
            assert ratelimit.hit("k", 60) == i
        limited, retry = ratelimit.is_limited("k", 3, 60)
        assert limited and retry == pytest.approx(60, abs=0.01)
        clock.advance(61)
        assert ratelimit.is_limited("k", 3, 60)[0] is False
        ratelimit.hit("k", 60)
        ratelimit.reset("k")
        assert ratelimit.is_limited("k", 1, 60)[0] is False


def test_init_app_picks_redis_when_configured(redis_backend):
    app = Flask(__name__)
    app.config["REDIS_URL"] = REDIS_URL
    app.config["RATELIMIT_PREFIX"] = redis_backend._prefix
    ratelimit.init_app(app)
    assert isinstance(app.extensions["ratelimit"], RedisBackend)
    with app.app_context():
        assert ratelimit.hit("via-app", 60) == 1
    assert redis_backend.count("via-app", 60)[0] == 1


def test_memory_backend_sweeps_keys_that_are_never_asked_about_again(clock, monkeypatch):
    monkeypatch.setattr(MemoryBackend, "SWEEP_EVERY", 10)
    backend = MemoryBackend()
    for i in range(9):
        backend.hit(f"login:acct:guess{i}", 60)
    clock.advance(61)
    backend.hit("fresh", 60)  # the 10th hit triggers a sweep
    assert set(backend._hits) == {"fresh"}
    assert backend.count("fresh", 60)[0] == 1


def test_acquire_records_first_and_release_gives_the_attempt_back(backend, clock):
    attempts = [backend.add("k", 60) for _ in range(3)]
    assert [n for _, n, _ in attempts] == [1, 2, 3]
    backend.remove("k", attempts[1][0])
    assert backend.count("k", 60)[0] == 2
    assert backend.add("k", 60)[1] == 3


def test_database_backends_share_counts_across_engines(database_backend, clock):
    # What gunicorn workers without Redis rely on: two engines (two processes), one counter.
    twin = DatabaseBackend(database_backend.url)
    try:
        database_backend.hit("shared", 60)
        twin.hit("shared", 60)
        assert database_backend.count("shared", 60)[0] == 2
    finally:
        twin.dispose()


def test_database_backend_sweep_removes_old_events_of_every_key(database_backend, clock):
    database_backend.hit("a", 60)
    database_backend.hit("b", 3600)
    clock.advance(120)
    database_backend.hit("c", 60)
    assert database_backend.sweep(older_than=100) == 2
    assert database_backend.count("c", 60)[0] == 1


def test_database_backend_sweeps_keys_that_are_never_used_again(database_backend, clock, monkeypatch):
    monkeypatch.setattr(DatabaseBackend, "SWEEP_EVERY", 10)
    for i in range(9):
        database_backend.hit(f"login:acct:guess{i}", 60)
    clock.advance(61)
    database_backend.hit("fresh", 30)  # the 10th event sweeps what is older than 60 s
    with database_backend.engine.connect() as conn:
        keys = conn.execute(ratelimit.sa.select(ratelimit.rate_limit_events.c.key)).scalars().all()
    assert keys == ["fresh"]


def test_without_redis_the_default_store_is_the_database(tmp_path):
    config = {"REDIS_URL": "", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}"}
    store = ratelimit.make_backend(config)
    assert isinstance(store, DatabaseBackend) and store.shared_across_processes
    # On SQLite in a sibling file, so the limiter never waits for a request's own write lock.
    assert store.url == f"sqlite:///{tmp_path / 'app-ratelimit.db'}"
    pg = "postgresql+psycopg://u@h/db"
    assert ratelimit.make_backend({"SQLALCHEMY_DATABASE_URI": pg}).url == pg
    assert isinstance(ratelimit.make_backend({**config, "RATELIMIT_STORE": "memory"}), MemoryBackend)
    # No other process can share an in-memory SQLite database: the memory store is as good.
    assert isinstance(ratelimit.make_backend({"SQLALCHEMY_DATABASE_URI": "sqlite://"}), MemoryBackend)
    with pytest.raises(ValueError):
        ratelimit.make_backend({**config, "RATELIMIT_STORE": "memcached"})


@pytest.mark.parametrize("environ, argv, workers", [
    ({}, ["wsgi.py"], 1),
    ({"WEB_CONCURRENCY": "4"}, ["wsgi.py"], 4),
    ({"GUNICORN_CMD_ARGS": "--bind 0:80 --workers=3"}, ["x"], 3),
    ({}, ["/srv/.venv/bin/gunicorn", "-w", "2", "wsgi:app"], 2),
    ({}, ["/srv/.venv/bin/gunicorn", "-w2", "wsgi:app"], 2),
    ({}, ["pytest", "-w", "5"], 1),
])
def test_workers_are_read_from_what_gunicorn_reads(environ, argv, workers):
    assert ratelimit.workers_configured(environ, argv) == workers


def test_memory_store_with_several_workers_warns_at_start(monkeypatch, caplog):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    app = Flask(__name__)
    app.config.update(REDIS_URL="", RATELIMIT_STORE="memory")
    with caplog.at_level("WARNING"):
        ratelimit.init_app(app)
    assert any("per-process memory store" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    caplog.clear()
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    with caplog.at_level("WARNING"):
        ratelimit.init_app(app)
    assert not caplog.records
