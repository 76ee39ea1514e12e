"""Time zone helpers: timestamps are stored in naive UTC and shown in Asia/Shanghai."""
from datetime import UTC
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


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
