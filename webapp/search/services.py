"""Site search: analyse the query, ask the backend, re-check every hit, highlight.

The index holds only public documents, but it lags the database by the writer's delay, so
every hit is re-read through its source's `document()` before it is shown: a suggestion
made private a moment ago, a hidden post or an unpublished salon never reaches a result
page, a count of titles or the API, whatever the index still says. Snippets and titles are
highlighted on that fresh text, never on what the index stored.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from markupsafe import Markup, escape
from sqlalchemy import select

from webapp.core.errors import ValidationError
from webapp.core.timeutil import local_zone
from webapp.extensions import db
from webapp.search import indexer
from webapp.search.analyzer import normalise, split_query, words
from webapp.search.backends import Clause, Query, get_backend
from webapp.search.registry import sources

Q_MAX = 100
MAX_CLAUSES = 8
SNIPPET_CHARS = 120
SUGGEST_LIMIT = 8
SORTS = {"relevance": "相关度", "date": "最新"}


@dataclass
class SearchHit:
    type: str
    type_label: str
    id: int
    title: str
    url: str
    created_at: datetime
    title_html: Markup
    snippet_html: Markup
    discipline: str | None = None
    category: str | None = None
    tags: list = field(default_factory=list)


@dataclass
class SearchPage:
    """A `core.pagination.Page` of hits, plus the did-you-mean corrections."""

    items: list
    page: int
    per_page: int
    total: int
    query: str = ""
    suggestions: list = field(default_factory=list)

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def past_end(self):
        return self.total > 0 and self.page > self.pages


def type_labels():
    """{type: label} of every source, for the filters."""
    return {t: s["label"] for t, s in sources().items()}


def parse_query(q):
    """A query string → the clauses every hit must match: quoted parts are phrases, the
    rest is cut into jieba words."""
    clauses = []
    for is_phrase, text in split_query(q[:Q_MAX]):
        if is_phrase:
            ws = words(text)
            if ws:
                clauses.append(Clause("phrase", text, ws))
        else:
            for word in words(text):
                if all(c.kind != "word" or c.text != word for c in clauses):
                    clauses.append(Clause("word", word, [word]))
    return clauses[:MAX_CLAUSES]


def _local_day_bounds(day_from, day_to):
    """Local dates (inclusive) → naive UTC bounds, as the codebase stores times."""
    zone = local_zone()

    def utc(d):
        return datetime.combine(d, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)

    start = utc(day_from) if day_from else None
    end = utc(day_to) + timedelta(days=1) - timedelta(microseconds=1) if day_to else None
    return start, end


def validate_filters(types=(), date_from=None, date_to=None, sort="relevance"):
    """{field: message} of filters the search cannot use."""
    problems = {}
    known = type_labels()
    unknown = [t for t in types if t not in known]
    if unknown:
        problems["type"] = "没有这种内容类型：" + "、".join(unknown)
    if date_from and date_to and date_from > date_to:
        problems["date_to"] = "结束日期不能早于开始日期"
    if sort not in SORTS:
        problems["sort"] = "排序方式只能是相关度或最新"
    return problems


def search(viewer, q, types=(), discipline=None, category=None, date_from=None, date_to=None,
           sort="relevance", page=1, per_page=20):
    """One page of hits for `q` that `viewer` may see (public documents only), with the
    filters: `types` (source types), `discipline`, `category`, `date_from`/`date_to` (local
    dates, inclusive), `sort` ("relevance" or "date")."""
    del viewer  # the index and the re-check hold public documents only, for everyone
    types = list(dict.fromkeys(types or ()))
    problems = validate_filters(types, date_from, date_to, sort)
    if problems:
        raise ValidationError("筛选条件有误", fields=problems)
    q = (q or "").strip()
    clauses = parse_query(q)
    if not clauses:
        return SearchPage([], page, per_page, 0, q)
    start, end = _local_day_bounds(date_from, date_to)
    query = Query(clauses, types=types, discipline=normalise_filter(discipline),
                  category=normalise_filter(category), date_from=start, date_to=end, sort=sort)
    backend = get_backend()
    hits, total = backend.search(query, (page - 1) * per_page, per_page)
    items = _rechecked(hits, clauses)
    result = SearchPage(items, page, per_page, total, q)
    if total == 0:
        result.suggestions = did_you_mean(q, clauses, backend)
    return result


def normalise_filter(value):
    return (value or "").strip() or None


def did_you_mean(q, clauses, backend):
    """The query with its unknown words corrected, when the index can correct them."""
    fixes = backend.correct([w for c in clauses for w in c.words])
    if not fixes:
        return []
    corrected = normalise(q)
    for wrong, right in fixes.items():
        corrected = corrected.replace(wrong, right)
    return [corrected] if corrected != normalise(q) else []


def _load(hits):
    """{(type, id): object} of the hits, one query per type."""
    by_type = {}
    for hit in hits:
        by_type.setdefault(hit.doc_type, []).append(hit.doc_id)
    found = {}
    for doc_type, ids in by_type.items():
        source = sources().get(doc_type)
        if source is None:
            continue
        model = source["model"]
        stmt = select(model).where(model.id.in_(ids)).options(*source.get("eager", ()))
        for obj in db.session.execute(stmt).unique().scalars():
            found[(doc_type, obj.id)] = obj
    return found


def _rechecked(hits, clauses):
    objects = _load(hits)
    terms = highlight_terms(clauses)
    items = []
    for hit in hits:
        obj = objects.get((hit.doc_type, hit.doc_id))
        if obj is None:
            continue
        source = sources()[hit.doc_type]
        doc = indexer.in_request_context(lambda o=obj, s=source: s["document"](o))
        if doc is None:
            continue  # no longer public: the writer will drop it from the index
        items.append(SearchHit(
            type=hit.doc_type, type_label=source["label"], id=hit.doc_id, title=doc["title"], url=doc["url"],
            created_at=doc["created_at"], title_html=highlight(doc["title"], terms, whole=True),
            snippet_html=highlight(doc.get("body") or "", terms), discipline=doc.get("discipline"),
            category=doc.get("category"), tags=list(doc.get("tags") or ())))
    return items


def highlight_terms(clauses):
    terms = set()
    for clause in clauses:
        terms.add(clause.text.replace(" ", "") if clause.kind == "phrase" and not re.search("[a-z0-9] [a-z0-9]", clause.text)
                  else clause.text)
        terms.update(clause.words)
    return sorted((t for t in terms if t), key=len, reverse=True)


def _folded(text):
    """`text` normalised character by character (NFKC + casefold, as the index sees it), and
    for each folded character the index of the original one it came from."""
    folded, origin = [], []
    for i, char in enumerate(text):
        for f in unicodedata.normalize("NFKC", char).casefold():
            folded.append(f)
            origin.append(i)
    return "".join(folded), origin


def highlight(text, terms, whole=False):
    """`text` as HTML with `terms` in <mark>, found as the index finds them (full-width and
    half-width, any case) but shown as written; a snippet of about SNIPPET_CHARS around the
    first match unless `whole`."""
    text = " ".join((text or "").split())
    folded, origin = _folded(text)
    spans = []
    if terms:
        pattern = re.compile("|".join(re.escape(t) for t in terms))
        spans = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    begin, end = 0, len(text)
    if not whole:
        begin = max(0, (spans[0][0] if spans else 0) - 30)
        end = min(len(text), begin + SNIPPET_CHARS)
    out, last = ["…" if begin else ""], begin
    for start, stop in spans:
        if stop <= begin or start >= end or start < last:
            continue
        stop = min(stop, end)
        out.append(str(escape(text[last:start])))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        last = stop
    out.append(str(escape(text[last:end])))
    out.append("…" if end < len(text) else "")
    # Words found side by side read as one match: 脚本注入, not 脚本|注入.
    return Markup("".join(out).replace("</mark><mark>", ""))


def suggest(viewer, q, limit=SUGGEST_LIMIT):
    """Titles of public documents matching what is being typed, re-checked like hits."""
    del viewer
    ws = words((q or "").strip()[:Q_MAX])[:MAX_CLAUSES]
    if not ws:
        return []
    hits = get_backend().suggest(ws, limit * 2)
    clauses = [Clause("word", w, [w]) for w in ws]
    return _rechecked(hits, clauses)[:limit]


def index_status():
    """What `flask search status` and the admin see: backend, documents, pending jobs."""
    backend = get_backend()
    return {"backend": backend.name, "documents": backend.count(), "pending": indexer.pending(),
            "size_bytes": backend.size_bytes()}
