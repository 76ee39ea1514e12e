"""The default backend: a Whoosh index on local disk (INDEX_DIR).

Fields: `title`/`body` hold jieba words (our analyzer, positions by word), `title_grams`/
`body_grams` character bigrams. A query word must match the bigrams (a substring match:
what segmentation misses is found) and is scored higher when it is also a whole word
(`AndMaybe`); titles weigh more than bodies. One writer at a time: `writer(timeout=…)`
waits for the lock instead of failing (never AsyncWriter: it drops writes when a process
exits). A searcher is kept per thread and refreshed when the index changed.
"""
import os
import threading
from pathlib import Path

from whoosh import index
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, AndMaybe, DateRange, Or, Phrase, Prefix, Term

from webapp.search.analyzer import gram_analyzer, grams, is_cjk, word_analyzer
from webapp.search.backends import Backend, Hit

TITLE_BOOST = 3.0
WORD_BOOST = 2.0


def make_schema():
    words, bigrams = word_analyzer(), gram_analyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        type=ID(stored=True),
        obj_id=NUMERIC(int, bits=32, stored=True),
        title=TEXT(analyzer=words, stored=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=words),
        title_grams=TEXT(analyzer=bigrams, field_boost=TITLE_BOOST),
        body_grams=TEXT(analyzer=bigrams),
        discipline=ID,
        category=ID,
        tags=KEYWORD(commas=True, lowercase=True),
        created_at=DATETIME(sortable=True),
        title_text=STORED,
    )


def _gram_query(field, word, boost=1.0):
    """Documents whose `field` contains `word` as a substring (CJK) or token (others)."""
    if not is_cjk(word):
        return Term(field, word, boost=boost)
    if len(word) == 1:
        return Prefix(field, word, boost=boost)
    parts = grams(word)
    return Term(field, parts[0], boost=boost) if len(parts) == 1 else Phrase(field, parts, boost=boost)


def _phrase_grams(text):
    """The bigram tokens a quoted phrase must show in a row (single CJK characters inside a
    longer phrase are left out: the word field's phrase covers them)."""
    from webapp.search.analyzer import _RUNS

    out = []
    for run in _RUNS.findall(text):
        if not is_cjk(run[0]):
            out.append(run)
        elif len(run) >= 2:
            out.extend(grams(run))
        else:
            out.append(run)
    return out


def _word_clause(word):
    must = Or([_gram_query("title_grams", word), _gram_query("body_grams", word)])
    should = Or([Term("title", word, boost=WORD_BOOST), Term("body", word, boost=WORD_BOOST)])
    return AndMaybe(must, should)


def _phrase_clause(clause):
    words = clause.words
    if not words:
        return None
    grams_ = _phrase_grams(clause.text)
    if len(words) == 1 and len(grams_) <= 1:
        return _word_clause(words[0])

    def seq(field, tokens, boost=1.0):
        return Term(field, tokens[0], boost=boost) if len(tokens) == 1 else Phrase(field, tokens, boost=boost)

    must = Or([seq("title_grams", grams_), seq("body_grams", grams_)])
    should = Or([seq("title", words, WORD_BOOST), seq("body", words, WORD_BOOST)])
    return AndMaybe(must, should)


def build_query(query):
    parts = []
    for clause in query.clauses:
        q = _word_clause(clause.text) if clause.kind == "word" else _phrase_clause(clause)
        if q is not None:
            parts.append(q)
    return And(parts) if parts else None


def build_filter(query):
    parts = []
    if query.types:
        parts.append(Or([Term("type", t) for t in query.types]))
    if query.discipline:
        parts.append(Term("discipline", query.discipline))
    if query.category:
        parts.append(Term("category", query.category))
    if query.date_from or query.date_to:
        parts.append(DateRange("created_at", query.date_from, query.date_to))
    return And(parts) if parts else None


class WhooshBackend(Backend):
    name = "whoosh"

    def __init__(self, path, writer_timeout=30):
        self.path = Path(path)
        self.writer_timeout = writer_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._ix = None

    # ------------------------------------------------------------ index and writer

    def _index(self):
        if self._ix is None:
            with self._lock:
                if self._ix is None:
                    self.path.mkdir(parents=True, exist_ok=True)
                    if index.exists_in(str(self.path)):
                        self._ix = index.open_dir(str(self.path))
                    else:
                        self._ix = index.create_in(str(self.path), make_schema())
        return self._ix

    def _writer(self):
        return self._index().writer(timeout=self.writer_timeout, delay=0.02)

    def apply(self, upserts, deletes, optimize=False):
        if not upserts and not deletes:
            return
        writer = self._writer()
        try:
            for doc_type, doc_id in deletes:
                writer.delete_by_term("key", f"{doc_type}:{doc_id}")
            for doc_type, doc_id, doc in upserts:
                writer.update_document(**self._fields(doc_type, doc_id, doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=optimize)

    def add_many(self, docs, optimize=True):
        """Add documents known to be new (a rebuild): no delete look-ups, a large buffer, and
        no merging of segments until the last batch (`optimize`) merges them all once."""
        writer = self._index().writer(timeout=self.writer_timeout, delay=0.02, limitmb=256)
        try:
            for doc_type, doc_id, doc in docs:
                writer.add_document(**self._fields(doc_type, doc_id, doc))
        except BaseException:
            writer.cancel()
            raise
        if optimize:
            writer.commit(optimize=True)
        else:
            writer.commit(merge=False)

    @staticmethod
    def _fields(doc_type, doc_id, doc):
        title, body = doc.get("title") or "", doc.get("body") or ""
        return {
            "key": f"{doc_type}:{doc_id}", "type": doc_type, "obj_id": doc_id,
            "title": title, "body": body, "title_grams": title, "body_grams": body,
            "discipline": doc.get("discipline") or None, "category": doc.get("category") or None,
            "tags": ",".join(doc.get("tags") or ()) or None,
            "created_at": doc["created_at"], "title_text": title,
        }

    def clear(self):
        with self._lock:
            self.path.mkdir(parents=True, exist_ok=True)
            self._ix = index.create_in(str(self.path), make_schema())
            self._local = threading.local()

    def optimize(self):
        self._index().optimize()

    # ------------------------------------------------------------ reading

    def _searcher(self):
        old = getattr(self._local, "searcher", None)
        # refresh(): the same searcher while the index has not changed; a new one shares the
        # readers of unchanged segments with the old, so the old one is left to the garbage
        # collector rather than closed.
        searcher = self._index().searcher() if old is None else old.refresh()
        self._local.searcher = searcher
        return searcher

    def search(self, query, offset, limit):
        q = build_query(query)
        if q is None:
            return [], 0
        searcher = self._searcher()
        kwargs = {"filter": build_filter(query), "limit": offset + limit}
        if query.sort == "date":
            kwargs.update(sortedby="created_at", reverse=True)
        results = searcher.search(q, **kwargs)
        total = len(results)
        hits = [Hit(r["type"], r["obj_id"], r.score or 0.0, r.get("title_text", ""))
                for r in results[offset:offset + limit]]
        return hits, total

    def suggest(self, words, limit):
        if not words:
            return []
        parts = [_gram_query("title_grams", w) for w in words[:-1]]
        last = words[-1]
        parts.append(_gram_query("title_grams", last) if is_cjk(last) else Prefix("title_grams", last))
        searcher = self._searcher()
        results = searcher.search(And(parts), limit=limit)
        return [Hit(r["type"], r["obj_id"], r.score or 0.0, r.get("title_text", "")) for r in results]

    def correct(self, words):
        searcher = self._searcher()
        fixes = {}
        for word in words:
            if searcher.doc_frequency("body", word) or searcher.doc_frequency("title", word):
                continue
            if is_cjk(word) and len(word) < 2:
                continue
            for field in ("title", "body"):
                found = searcher.suggest(field, word, limit=1, maxdist=1 if len(word) <= 4 else 2)
                if found:
                    fixes[word] = found[0]
                    break
        return fixes

    def keys(self):
        searcher = self._searcher()
        return {(f["type"], f["obj_id"]): f.get("title_text", "") for f in searcher.all_stored_fields()}

    def count(self):
        return self._searcher().doc_count()

    def size_bytes(self):
        return sum(os.path.getsize(p) for p in self.path.glob("*") if p.is_file())

