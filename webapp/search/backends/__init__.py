"""Search backends behind one small interface (Whoosh and jieba are frozen projects: keep
them replaceable). `SEARCH_BACKEND` picks one: `whoosh` (default, files under INDEX_DIR)
or `postgresql` (tsvector 'simple' + GIN in the app's PostgreSQL database).

A query reaches a backend already analysed: `Query.clauses` is a list of
`Clause(kind, text, words)` — kind "word" (one jieba word) or "phrase" (quoted text) — all
of which a document must match (AND). Filters: `types`, `discipline`, `category`,
`date_from`/`date_to` (naive UTC datetimes), `sort` ("relevance" or "date").
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app


@dataclass
class Clause:
    kind: str  # "word" | "phrase"
    text: str  # normalised
    words: list = field(default_factory=list)


@dataclass
class Query:
    clauses: list
    types: list = field(default_factory=list)
    discipline: str | None = None
    category: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    sort: str = "relevance"


@dataclass
class Hit:
    doc_type: str
    doc_id: int
    score: float = 0.0
    title: str = ""


class Backend:
    """What a backend does. `apply` writes (upserts and deletes) at once; `search` returns
    (hits of the page, total matches)."""

    name = "?"

    def apply(self, upserts, deletes):  # upserts: [(doc_type, doc_id, document)]; deletes: [(doc_type, doc_id)]
        raise NotImplementedError

    def add_many(self, docs, optimize=False):
        """Add documents known to be new (a rebuild after `clear`)."""
        raise NotImplementedError

    def optimize(self):
        """Merge what a rebuild wrote (Whoosh: one segment); nothing elsewhere."""

    def clear(self):
        raise NotImplementedError

    def search(self, query, offset, limit):
        raise NotImplementedError

    def suggest(self, words, limit):
        """Titles matching every word (the last one being typed), best first."""
        raise NotImplementedError

    def correct(self, words):
        """{word: correction} for words the index lacks and can correct."""
        return {}

    def keys(self):
        """{(doc_type, doc_id): title} of every indexed document (for `flask search check`)."""
        raise NotImplementedError

    def size_bytes(self):
        return 0


def get_backend(app=None):
    app = app or current_app
    state = app.extensions.setdefault("search", {})
    if "backend" not in state:
        state["backend"] = make_backend(app.config.get("SEARCH_BACKEND", "whoosh"), app)
    return state["backend"]


def make_backend(name, app):
    if name == "whoosh":
        from webapp.search.backends.whoosh_backend import WhooshBackend

        return WhooshBackend(app.config["INDEX_DIR"], writer_timeout=app.config.get("SEARCH_WRITER_TIMEOUT", 30))
    if name == "postgresql":
        from webapp.search.backends.postgres_backend import PostgresBackend

        return PostgresBackend()
    raise ValueError(f"SEARCH_BACKEND must be whoosh or postgresql, not {name!r}")


def set_backend(app, backend):
    """Use `backend` (tests swap in a fresh index)."""
    app.extensions.setdefault("search", {})["backend"] = backend
