"""Thread views counted without a database write on GET: each process keeps its counts (in
Redis when REDIS_URL is set, shared by every worker) and they are added to the threads'
`view_count` by the next forum write of the process, or `flask forum flush-views` (cron)."""
import threading

from flask import current_app
from sqlalchemy import update

from webapp.extensions import db
from webapp.forum.models import Thread

_lock = threading.Lock()
_pending = {}
_REDIS_KEY = "sh:forum:views"
_redis_clients = {}


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = _redis_clients.get(url)
    if client is None:
        import redis

        client = _redis_clients[url] = redis.Redis.from_url(url)
    return client


def _key():
    return current_app.config.get("RATELIMIT_PREFIX", "") + _REDIS_KEY


def count_view(thread_id):
    client = _redis()
    if client is not None:
        try:
            client.hincrby(_key(), str(thread_id), 1)
            return
        except Exception:  # a view is not worth an error page; fall back to this process
            pass
    with _lock:
        _pending[thread_id] = _pending.get(thread_id, 0) + 1


def pending(thread_id):
    """Views counted but not yet written (this process's, or Redis's)."""
    client = _redis()
    if client is not None:
        try:
            value = client.hget(_key(), str(thread_id))
            return int(value or 0) + _pending.get(thread_id, 0)
        except Exception:
            pass
    return _pending.get(thread_id, 0)


def _take():
    with _lock:
        taken = dict(_pending)
        _pending.clear()
    client = _redis()
    if client is not None:
        try:
            pipe = client.pipeline()
            pipe.hgetall(_key())
            pipe.delete(_key())
            stored, _ = pipe.execute()
            for k, v in stored.items():
                taken[int(k)] = taken.get(int(k), 0) + int(v)
        except Exception:
            pass
    return taken


def flush_views():
    """Add the pending views to the threads (in the caller's transaction). Returns how many."""
    taken = _take()
    for thread_id, n in taken.items():
        db.session.execute(update(Thread).where(Thread.id == thread_id)
                           .values(view_count=Thread.view_count + n).execution_options(synchronize_session=False))
    if taken:
        # If the action rolls back, count them again.
        from webapp.core.db import after_rollback

        def restore():
            with _lock:
                for thread_id, n in taken.items():
                    _pending[thread_id] = _pending.get(thread_id, 0) + n

        after_rollback(db.session(), restore)
    return sum(taken.values())
