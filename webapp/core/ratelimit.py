"""Sliding-window counters for throttling (login failures, posting rates).

Backed by Redis when REDIS_URL is set (shared by all gunicorn workers), otherwise by
an in-process store, which is right for the single-process embedded default.
"""
import threading
import time
import uuid

from flask import current_app


class MemoryBackend:
    # Sweep keys whose hits have all expired every this many hits, so names and
    # addresses that are tried once and never again do not accumulate.
    SWEEP_EVERY = 1000

    def __init__(self):
        self._hits = {}
        self._windows = {}
        self._since_sweep = 0
        self._lock = threading.Lock()

    def hit(self, key, window):
        now = time.time()
        with self._lock:
            hits = [t for t in self._hits.get(key, []) if t > now - window]
            hits.append(now)
            self._hits[key] = hits
            self._windows[key] = window
            self._since_sweep += 1
            if self._since_sweep >= self.SWEEP_EVERY:
                self._sweep(now)
            return len(hits)

    def count(self, key, window):
        now = time.time()
        with self._lock:
            hits = [t for t in self._hits.get(key, []) if t > now - window]
            if hits:
                self._hits[key] = hits
            else:
                self._forget(key)
            return len(hits), (min(hits) + window - now if hits else 0)

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
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self._windows[k]]:
            self._forget(key)


class RedisBackend:
    def __init__(self, url, prefix="sh:rl:"):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def hit(self, key, window):
        now = time.time()
        k = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(k, 0, now - window)
        pipe.zadd(k, {f"{now}:{uuid.uuid4().hex[:8]}": now})
        pipe.zcard(k)
        pipe.expire(k, int(window) + 1)
        return pipe.execute()[2]

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


def init_app(app):
    url = app.config.get("REDIS_URL")
    prefix = app.config.get("RATELIMIT_PREFIX", "sh:rl:")
    app.extensions["ratelimit"] = RedisBackend(url, prefix) if url else MemoryBackend()


def backend():
    return current_app.extensions["ratelimit"]


def hit(key, window):
    """Record one event; return how many happened in the window (this one included)."""
    return backend().hit(key, window)


def is_limited(key, limit, window):
    """Return (limited, seconds_until_a_slot_frees)."""
    n, retry = backend().count(key, window)
    return n >= limit, retry


def reset(key):
    backend().reset(key)
