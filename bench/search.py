"""Search benchmark: N realistic Chinese documents, indexing rate, index size, query latency
(p50/p95 for 1-, 2- and 3-word queries) and resident memory, on each backend.

    .venv/bin/python bench/search.py --docs 100000                 # Whoosh (the default backend)
    .venv/bin/python bench/search.py --docs 100000 --backend postgresql \
        --database postgresql+psycopg://postgres@127.0.0.1:5432/bench_search

Documents are made of sentences of realistic length (8–24 words) drawn from jieba's own
dictionary with its frequencies (the 60,000 most frequent words: a Zipf distribution over
a real vocabulary, not a few hundred frequent words), and a few domain terms. Queries draw
their words from the same distribution among words of two characters or more, as people
type them. A query is what the site runs: the backend's search for the first page of 10,
with the total count. Deterministic (seeded).
"""
import argparse
import bisect
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCABULARY = 60_000
PUNCT = "，，，。；、"


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Words:
    """Words of jieba's dictionary, drawn with its frequencies."""

    def __init__(self, rng, size=VOCABULARY):
        import jieba

        path = Path(jieba.__file__).parent / "dict.txt"
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                rows.append((int(parts[1]), parts[0]))
        rows.sort(reverse=True)
        rows = rows[:size]
        self.words = [w for _f, w in rows]
        self.cumulative = list(accumulate(f for f, _w in rows))
        self.rng = rng
        long_rows = [(f, w) for f, w in rows if len(w) >= 2]
        self.query_words = [w for _f, w in long_rows]
        self.query_cumulative = list(accumulate(f for f, _w in long_rows))

    def word(self):
        return self.words[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]

    def query_word(self):
        i = bisect.bisect(self.query_cumulative, self.rng.random() * self.query_cumulative[-1])
        return self.query_words[i]

    def sentence(self, low=8, high=24):
        return "".join(self.word() for _ in range(self.rng.randint(low, high))) + self.rng.choice(PUNCT)

    def document(self, i, start):
        title = "".join(self.word() for _ in range(self.rng.randint(4, 9)))
        body = "".join(self.sentence() for _ in range(self.rng.randint(3, 8)))
        return ("bench", i, {"title": title, "body": body, "url": f"/bench/{i}",
                             "created_at": start + timedelta(minutes=i), "discipline": None,
                             "category": self.rng.choice(["政策", "科普", "讨论", "活动"]), "tags": []})


def make_app(backend, database, index_dir):
    from webapp import create_app

    url = database or f"sqlite:///{index_dir}/bench.db"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-search", "SQLALCHEMY_DATABASE_URI": url,
                      "INDEX_DIR": str(index_dir / "index"), "UPLOAD_DIR": str(index_dir / "u"),
                      "MAIL_OUTBOX_DIR": str(index_dir / "o"), "SEARCH_BACKEND": backend, "SEARCH_WORKER": "off",
                      "REDIS_URL": ""})
    return app


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--backend", choices=["whoosh", "postgresql"], default="whoosh")
    parser.add_argument("--database", default="", help="PostgreSQL URL for --backend postgresql")
    parser.add_argument("--queries", type=int, default=334, help="queries per word count (3 × 334 ≈ 1,000)")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--query-only", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.query_only:
        return run_queries(args)

    from flask_migrate import upgrade

    from webapp.extensions import db
    from webapp.search.analyzer import segmenter
    from webapp.search.backends import get_backend

    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    app = make_app(args.backend, args.database, work)
    rng = random.Random(2026)
    with app.app_context():
        upgrade()
        backend = get_backend()
        backend.clear()
        db.session.commit()
        segmenter()  # jieba's dictionary, loaded once (not counted in the indexing rate)
        words = Words(rng)
        start = datetime(2025, 1, 1)
        print(f"backend {backend.name}, {args.docs} documents, RSS {rss_mb():.0f} MB before indexing", flush=True)
        t0 = time.perf_counter()
        chars = 0
        samples = []
        for first in range(0, args.docs, args.batch):
            docs = [words.document(i, start) for i in range(first, min(args.docs, first + args.batch))]
            samples.extend(d[2]["body"] for d in docs[::50])
            chars += sum(len(d[2]["title"]) + len(d[2]["body"]) for d in docs)
            last = first + args.batch >= args.docs
            backend.add_many(docs, optimize=last)
            db.session.commit()
            done = min(args.docs, first + args.batch)
            print(f"  {done} indexed, {done / (time.perf_counter() - t0):.0f} docs/s", flush=True)
        elapsed = time.perf_counter() - t0
        if args.backend == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE search_documents")
        size = backend.size_bytes()
        print(f"indexing: {args.docs / elapsed:.0f} docs/s ({elapsed:.0f} s, {chars / args.docs:.0f} characters a "
              f"document), index {size / 2**20:.0f} MB", flush=True)

        db.session.remove()
    # The queries run in a fresh process, as a search worker would: its memory is the figure.
    import json
    import subprocess

    (work / "samples.json").write_text(json.dumps(samples, ensure_ascii=False))
    subprocess.run([sys.executable, __file__, "--query-only", str(work), "--backend", args.backend,
                    "--database", args.database, "--queries", str(args.queries)], check=True)


def run_queries(args):
    """Open the index built before and run 1-, 2- and 3-word queries: words of a random
    document (what people look for exists) in half of them, words drawn from the
    vocabulary in the other half."""
    import json

    from webapp.extensions import db
    from webapp.search.analyzer import words as cut
    from webapp.search.backends import Clause, Query, get_backend

    work = Path(args.query_only)
    samples = json.loads((work / "samples.json").read_text())
    app = make_app(args.backend, args.database, work)
    rng = random.Random(7)
    with app.app_context():
        backend = get_backend()
        vocabulary = Words(rng)
        for n in (1, 2, 3):
            latencies, totals = [], []
            for q in range(args.queries):
                if q % 2:
                    chosen = [vocabulary.query_word() for _ in range(n)]
                else:
                    found = [w for w in cut(rng.choice(samples)) if len(w) >= 2]
                    start = rng.randrange(max(1, len(found) - n))
                    chosen = found[start:start + n]
                clauses = [Clause("word", w, [w]) for w in chosen]
                t = time.perf_counter()
                _hits, total = backend.search(Query(clauses), 0, 10)
                latencies.append((time.perf_counter() - t) * 1000)
                totals.append(total)
            print(f"{n}-word queries: p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
                  f"median hits {statistics.median(totals):.0f}", flush=True)
        print(f"search process RSS after {3 * args.queries} queries: {rss_mb():.0f} MB", flush=True)
        db.session.remove()
    import shutil

    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
