"""The search sources and change capture.

Sources come from the capabilities (`webapp/<capability>/search.py` with `search_sources()`,
the cross-capability contract) and, in tests, from `register_source`. Besides the contract's
keys a source may give `eager`: loader options (`joinedload(...)`) for what `document()`
reads, so a result page loads each type's hits in one query instead of one per hit. Each flush that
inserts, updates or deletes a row of a source's model (or of a model it `watch`es) writes
index jobs to the outbox (`search_outbox`) on the flush's own connection, so they commit or
roll back with the change; nothing touches the index inside the transaction or its commit.
"""
import importlib
import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from webapp.core.db import after_commit, after_rollback, utcnow

log = logging.getLogger(__name__)

REQUIRED = ("type", "label", "model", "document", "all")


def _state(app):
    return app.extensions.setdefault("search", {})


def _collect(app):
    from webapp import capabilities

    found = {}
    for capability in capabilities():
        name = f"{capability.__name__}.search"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for source in getattr(module, "search_sources", lambda: [])():
            found[source["type"]] = _checked(source)
    return found


def _checked(source):
    missing = [k for k in REQUIRED if k not in source]
    if missing:
        raise ValueError(f"search source {source.get('type')!r} lacks {missing}")
    source.setdefault("watch", {})
    return source


def sources(app=None):
    """{type: source} of every search source, in the order found."""
    app = app or current_app
    state = _state(app)
    if "sources" not in state:
        state["sources"] = _collect(app)
        state.pop("capture", None)
    return state["sources"]


def register_source(app, source):
    """Add a source (the capabilities' own are found by themselves; tests add fakes)."""
    sources(app)[source["type"]] = _checked(source)
    _state(app).pop("capture", None)


def unregister_source(app, doc_type):
    sources(app).pop(doc_type, None)
    _state(app).pop("capture", None)


def _capture_map(app):
    """{model class: [(doc_type, fn(obj) -> ids)]} for the flush hook."""
    state = _state(app)
    if "capture" not in state:
        mapping = {}
        for doc_type, source in sources(app).items():
            mapping.setdefault(source["model"], []).append((doc_type, lambda obj: [obj.id]))
            for model, fn in source["watch"].items():
                mapping.setdefault(model, []).append((doc_type, fn))
        state["capture"] = mapping
    return state["capture"]


def _wake_writer():
    from webapp.search import indexer

    indexer.wake()


@event.listens_for(Session, "after_flush")
def _capture_changes(session, flush_context):
    if not has_app_context() or not current_app.extensions.get("search", {}).get("enabled"):
        return
    mapping = _capture_map(current_app)
    if not mapping:
        return
    jobs = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        targets = mapping.get(type(obj))
        if not targets:
            continue
        if obj in session.dirty and obj not in session.deleted and not session.is_modified(obj):
            continue
        for doc_type, fn in targets:
            try:
                ids = fn(obj)
            except Exception:  # a watch function must not break the change it watches
                log.exception("search watch for %s failed on %r", doc_type, obj)
                continue
            jobs.update((doc_type, int(i)) for i in ids or () if i is not None)
    if not jobs:
        return
    from webapp.search.models import SearchJob

    now = utcnow()
    session.connection().execute(SearchJob.__table__.insert(), [
        {"doc_type": t, "doc_id": i, "created_at": now} for t, i in sorted(jobs)])
    if not session.info.get("search_wake"):
        session.info["search_wake"] = True
        after_commit(session, _wake_writer)
        after_commit(session, lambda: session.info.pop("search_wake", None))
        after_rollback(session, lambda: session.info.pop("search_wake", None))
