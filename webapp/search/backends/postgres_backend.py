"""The PostgreSQL backend: the analyzer's tokens as text, matched as a `tsvector` with the
'simple' configuration (no stemming, no stop words: jieba did the language work) through
GIN expression indexes (see the migration), for deployments that outgrow one machine's
Whoosh index. Documents live in `search_documents`, written in the writer's transaction.

Words weigh 'A', bigrams 'D'; a title match adds to the rank. A word clause matches the
bigram phrase (substring) or the word; a quoted phrase the bigram phrase or the word phrase.
"""
from sqlalchemy import and_, delete, func, insert, select, tuple_

from webapp.extensions import db
from webapp.search.analyzer import _RUNS, grams, is_cjk, normalise, word_tokens
from webapp.search.backends import Backend, Hit
from webapp.search.models import SearchDocument as D


def document_vector():
    # Must be the very expression of the migration's GIN index for the planner to use it.
    return func.setweight(func.to_tsvector(db.text("'simple'::regconfig"), D.words), db.text("'A'")).op("||")(
        func.setweight(func.to_tsvector(db.text("'simple'::regconfig"), D.grams), db.text("'D'")))


def title_vector():
    return func.to_tsvector(db.text("'simple'::regconfig"), D.title_grams)


def _gram_string(text):
    """Bigrams in a row per run (phrase positions), Latin runs whole, then each longer
    run's last character (so a single-character query finds it): space-separated tokens."""
    text = normalise(text)
    row, tails = [], []
    for run in _RUNS.findall(text):
        if not is_cjk(run[0]) or len(run) == 1:
            row.append(run)
        else:
            row.extend(grams(run))
            tails.append(run[-1])
    return " ".join(row + tails)


def word_text(text):
    return " ".join(token for _pos, token, _s, _e in word_tokens(text, sub_words=False))


def _tsquery_phrase(tokens):
    return func.phraseto_tsquery(db.text("'simple'::regconfig"), " ".join(tokens))


def _tsquery_plain(token):
    return func.plainto_tsquery(db.text("'simple'::regconfig"), token)


def _tsquery_prefix(char):
    # A CJK character is no tsquery operator; quoted all the same.
    return func.to_tsquery(db.text("'simple'::regconfig"), "'" + char.replace("'", "") + "':*")


def _word_tsquery(word):
    if not is_cjk(word):
        return _tsquery_plain(word)
    if len(word) == 1:
        return _tsquery_prefix(word).op("||")(_tsquery_plain(word))
    return _tsquery_phrase(grams(word)).op("||")(_tsquery_plain(word))


def _phrase_tsquery(clause):
    from webapp.search.backends.whoosh_backend import _phrase_grams

    words = clause.words
    if not words:
        return None
    tokens = _phrase_grams(clause.text)
    if len(words) == 1 and len(tokens) <= 1:
        return _word_tsquery(words[0])
    return _tsquery_phrase(tokens).op("||")(_tsquery_phrase(words))


def build_tsquery(query):
    parts = []
    for clause in query.clauses:
        q = _word_tsquery(clause.text) if clause.kind == "word" else _phrase_tsquery(clause)
        if q is not None:
            parts.append(q)
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.op("&&")(part)
    return combined


class PostgresBackend(Backend):
    name = "postgresql"

    def apply(self, upserts, deletes):
        keys = list({(t, i) for t, i in deletes} | {(t, i) for t, i, _d in upserts})
        if keys:
            db.session.execute(delete(D).where(tuple_(D.doc_type, D.doc_id).in_(keys)))
        rows = [self._row(t, i, doc) for t, i, doc in upserts]
        if rows:
            db.session.execute(insert(D), rows)
        db.session.flush()

    def add_many(self, docs, optimize=False):
        rows = [self._row(t, i, doc) for t, i, doc in docs]
        if rows:
            db.session.execute(insert(D), rows)

    def optimize(self):
        pass

    @staticmethod
    def _row(doc_type, doc_id, doc):
        title, body = doc.get("title") or "", doc.get("body") or ""
        return {
            "doc_type": doc_type, "doc_id": doc_id, "title": title,
            "title_grams": _gram_string(title),
            "words": word_text(title + "\n" + body),
            "grams": _gram_string(title + "\n" + body),
            "discipline": doc.get("discipline") or None, "category": doc.get("category") or None,
            "tags": ",".join(doc.get("tags") or ()), "created_at": doc["created_at"],
        }

    def clear(self):
        db.session.execute(delete(D))
        db.session.flush()

    def _filters(self, query):
        conds = []
        if query.types:
            conds.append(D.doc_type.in_(query.types))
        if query.discipline:
            conds.append(D.discipline == query.discipline)
        if query.category:
            conds.append(D.category == query.category)
        if query.date_from:
            conds.append(D.created_at >= query.date_from)
        if query.date_to:
            conds.append(D.created_at <= query.date_to)
        return conds

    def search(self, query, offset, limit):
        tsq = build_tsquery(query)
        if tsq is None:
            return [], 0
        match = document_vector().op("@@")(tsq)
        conds = and_(match, *self._filters(query))
        total = db.session.execute(select(func.count()).select_from(D).where(conds)).scalar()
        rank = func.ts_rank(document_vector(), tsq) + func.ts_rank(title_vector(), tsq) * 2
        order = (D.created_at.desc(), D.id.desc()) if query.sort == "date" else (rank.desc(), D.created_at.desc())
        rows = db.session.execute(
            select(D.doc_type, D.doc_id, rank.label("rank"), D.title).where(conds).order_by(*order)
            .offset(offset).limit(limit)).all()
        return [Hit(r.doc_type, r.doc_id, float(r.rank or 0), r.title) for r in rows], total

    def suggest(self, words, limit):
        if not words:
            return []
        parts = []
        for i, word in enumerate(words):
            last = i == len(words) - 1
            if is_cjk(word):
                parts.append(_tsquery_prefix(word) if len(word) == 1 else _tsquery_phrase(grams(word)))
            elif last:
                parts.append(_tsquery_prefix(word))
            else:
                parts.append(_tsquery_plain(word))
        tsq = parts[0]
        for part in parts[1:]:
            tsq = tsq.op("&&")(part)
        rows = db.session.execute(
            select(D.doc_type, D.doc_id, D.title).where(title_vector().op("@@")(tsq))
            .order_by(func.ts_rank(title_vector(), tsq).desc(), D.created_at.desc()).limit(limit)).all()
        return [Hit(r.doc_type, r.doc_id, 0.0, r.title) for r in rows]

    def keys(self):
        return {(r.doc_type, r.doc_id): r.title for r in db.session.execute(select(D.doc_type, D.doc_id, D.title))}

    def count(self):
        return db.session.execute(select(func.count()).select_from(D)).scalar()

    def size_bytes(self):
        return db.session.execute(db.text("SELECT pg_total_relation_size('search_documents')")).scalar() or 0

