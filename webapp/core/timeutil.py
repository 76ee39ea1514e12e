"""Time zone helpers: timestamps are stored in naive UTC and shown in Asia/Shanghai.

`clock_at(moment)` makes `core.db.utcnow()` answer `moment` inside a `with` block (this
thread/context only). The demo seeder uses it to drive the real services through a
history — time-machine is a test dependency and not installed in production.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

_clock = ContextVar("clock", default=None)


def local_zone():
    name = current_app.config.get("TIMEZONE", "Asia/Shanghai") if has_app_context() else "Asia/Shanghai"
    return _zone(name)


@lru_cache(maxsize=16)
def _zone(name):
    return ZoneInfo(name)


def to_local(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_zone())


def clock_override():
    """The naive UTC moment `clock_at` set, or None (the real clock)."""
    return _clock.get()


@contextmanager
def clock_at(moment):
    """Within the block, `utcnow()` is `moment` (naive UTC, or aware: converted)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    token = _clock.set(moment)
    try:
        yield moment
    finally:
        _clock.reset(token)
