"""The one index writer: drains the outbox, rebuilds, checks.

A change writes a job (`search_outbox`) in its own transaction; `drain()` reads a batch of
jobs, re-reads each object and asks its source for the document (None: not public, so it
leaves the index), writes the index, then deletes exactly the jobs it read and commits.
A crash in between leaves the jobs, which are done again (writing a document twice is
harmless); jobs written meanwhile stay for the next batch. The writer is a background
thread of the web process (SEARCH_WORKER=thread, the default; woken after each commit
that wrote jobs, else every SEARCH_POLL_SECONDS) or `flask search worker`
(SEARCH_WORKER=off in the web processes, one worker process).
"""
import logging
import threading
import time

from flask import current_app, has_request_context
from sqlalchemy import delete, select

from webapp.extensions import db
from webapp.search.backends import get_backend
from webapp.search.models import SearchJob
from webapp.search.registry import sources

log = logging.getLogger(__name__)
BATCH = 200

_wake = threading.Event()


def wake():
    """Tell this process's writer thread that jobs were committed."""
    _wake.set()


def in_request_context(fn):
    """Documents build URLs with url_for: give them a request context for SITE_URL."""
    if has_request_context():
        return fn()
    with current_app.test_request_context(base_url=current_app.config.get("SITE_URL") or None):
        return fn()


def document_for(doc_type, doc_id):
    """The current public document of (doc_type, doc_id), or None (gone, not public, unknown type)."""
    source = sources().get(doc_type)
    if source is None:
        return None
    obj = db.session.get(source["model"], doc_id)
    if obj is None:
        return None
    return in_request_context(lambda: source["document"](obj))


def _documents(keys):
    upserts, deletes = [], []
    for doc_type, doc_id in keys:
        doc = document_for(doc_type, doc_id)
        if doc is None:
            deletes.append((doc_type, doc_id))
        else:
            upserts.append((doc_type, doc_id, doc))
    return upserts, deletes


def drain_once(batch=BATCH):
    """Index one batch of jobs and commit; the number of jobs done (0: the outbox is empty)."""
    stmt = select(SearchJob.id, SearchJob.doc_type, SearchJob.doc_id).order_by(SearchJob.id).limit(batch)
    if db.session.get_bind().dialect.name == "postgresql":
        # Two writers (a thread in each of several web processes) take different jobs.
        stmt = stmt.with_for_update(skip_locked=True)
    jobs = db.session.execute(stmt).all()
    if not jobs:
        db.session.rollback()
        return 0
    keys = list(dict.fromkeys((j.doc_type, j.doc_id) for j in jobs))
    upserts, deletes = _documents(keys)
    get_backend().apply(upserts, deletes)
    db.session.execute(delete(SearchJob).where(SearchJob.id.in_([j.id for j in jobs])))
    db.session.commit()
    return len(jobs)


def drain(batch=BATCH):
    """Drain the outbox until it is empty; the number of jobs done."""
    done = 0
    while True:
        n = drain_once(batch)
        if not n:
            return done
        done += n


def pending():
    return db.session.execute(select(db.func.count()).select_from(SearchJob)).scalar()


def all_documents(progress=None):
    """Yield (doc_type, doc_id, document) of every public object of every source."""
    for doc_type, source in sources().items():
        for obj in source["all"]():
            doc = in_request_context(lambda o=obj, s=source: s["document"](o))
            if progress:
                progress(1)
            if doc is not None:
                yield doc_type, obj.id, doc


def rebuild(progress=None, chunk=1000):
    """Empty the index and index every public document again; the number indexed.
    Jobs already in the outbox are kept (their changes are in the rebuilt index, and
    doing them again is harmless)."""
    backend = get_backend()
    backend.clear()
    count = 0
    batch = []
    for item in all_documents(progress):
        batch.append(item)
        if len(batch) >= chunk:
            backend.add_many(batch, optimize=False)
            count += len(batch)
            batch = []
    if batch:
        backend.add_many(batch, optimize=True)
        count += len(batch)
    else:
        backend.optimize()
    db.session.commit()
    return count


def check():
    """Compare the index with the database: {"missing": [...], "stale": [...], "extra": [...],
    "indexed": n, "expected": n}. missing: public but not indexed; extra: indexed but no
    longer public (or gone); stale: indexed under another title."""
    indexed = get_backend().keys()
    expected = {(t, i): doc["title"] for t, i, doc in all_documents()}
    missing = sorted(set(expected) - set(indexed))
    extra = sorted(set(indexed) - set(expected))
    stale = sorted(k for k in set(expected) & set(indexed) if expected[k] != indexed[k])
    db.session.rollback()
    return {"missing": missing, "extra": extra, "stale": stale, "indexed": len(indexed), "expected": len(expected)}


# ------------------------------------------------------------ the writer loop

def run_worker(app, stop=None, poll=None, once=False):
    """Drain the outbox whenever woken (or every `poll` seconds) until `stop` is set."""
    stop = stop or threading.Event()
    poll = poll or app.config.get("SEARCH_POLL_SECONDS", 5)
    while not stop.is_set():
        try:
            with app.app_context():
                drain()
                db.session.remove()
        except Exception:
            log.exception("search writer: draining the outbox failed; retrying in %s s", poll)
            time.sleep(min(poll, 5))
        if once:
            return
        _wake.wait(poll)
        _wake.clear()


_thread = None
_thread_lock = threading.Lock()


def start_thread(app):
    """Start this process's writer thread once (SEARCH_WORKER=thread)."""
    global _thread
    with _thread_lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=run_worker, args=(app,), name="search-writer", daemon=True)
            _thread.start()
    return _thread
