"""Small per-process caches of what many readers ask for and few changes touch: the tag
cloud, related articles, the map's GeoJSON and rendered article bodies.

Each entry lives `SCIENCE_CACHE_SECONDS` (default 60; 0 turns caching off); a change made
by this process clears its cache at once, other workers catch up within that time.
"""
import threading
import time
from collections import OrderedDict

from flask import current_app

MAX_ENTRIES = 2048
_lock = threading.Lock()
_caches = {}


def _seconds():
    return current_app.config.get("SCIENCE_CACHE_SECONDS", 60)


def cached(name, key, compute):
    """The cached value of `compute()` under (name, key), recomputed once it is too old."""
    ttl = _seconds()
    if ttl <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        entries = _caches.setdefault(name, OrderedDict())
        hit = entries.get(key)
        if hit is not None and now - hit[0] < ttl:
            entries.move_to_end(key)
            return hit[1]
    value = compute()
    with _lock:
        entries[key] = (now, value)
        while len(entries) > MAX_ENTRIES:
            entries.popitem(last=False)
    return value


def clear(*names):
    """Forget what this process cached (all of it, or the caches `names`)."""
    with _lock:
        for name in names or list(_caches):
            _caches.pop(name, None)
