"""The shared page benchmark harness: serve the app under gunicorn next to a bare Flask
baseline, drive both with wrk in turns, count each page's SQL, and write the table.

Every capability's page benchmark reuses it (see bench/bench_pages.py):

    pages = [Page("列表第 1 页", "/suggestions/"), Page("写建议", "/suggestions/new", who="bench_member"), …]
    with Server(env) as server:
        rows = server.measure(pages, seconds=2, rounds=3)
    rows = add_query_counts(app, pages, rows)
    print(markdown_table(rows))

- gunicorn `-w 2 -k sync --no-control-socket` serves `bench.serve:app`: the app, and under
  /__baseline/ a bare Flask app rendering a 20-item Jinja loop (`baseline_app`), in the same
  workers, so both see the same machine at the same moment;
- each page is run with `wrk -t1 -c16 --timeout 30s --latency` in a few short rounds, each
  right after a baseline run of the same length; the ratio is the page's requests over the
  baseline's in those rounds. On a shared machine absolute numbers move with the load; the
  interleaved ratio much less;
- signed-in pages carry the session cookie of a real login through the login form;
- SQL per page is counted in-process (Flask test client, same database), after the runs.
"""
import http.cookiejar
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_PREFIX = "/__baseline"
WRK = ["wrk", "-t1", "-c16", "--timeout", "30s", "--latency"]


@dataclass
class Page:
    label: str
    path: str
    who: str | None = None          # username to sign in as (None: anonymous)
    expect: int = 200


@dataclass
class Row:
    page: Page
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    baseline_rps: float = 0.0
    errors: int = 0
    queries: int | None = None
    app_ms: float | None = None     # best of 10 in-process requests: the app's own cost, little noise
    notes: list = field(default_factory=list)

    sum_ratio: float | None = None

    @property
    def ratio(self):
        if self.sum_ratio is not None:
            return self.sum_ratio
        return self.rps / self.baseline_rps if self.baseline_rps else 0.0


def baseline_app():
    """The bare Flask app every ratio is relative to: one route rendering a 20-item loop."""
    from flask import Flask, render_template
    from jinja2 import DictLoader

    app = Flask("baseline")
    items = [{"id": i, "title": f"第 {i} 条建议的标题", "state": "已答复"} for i in range(20)]
    template = ("<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>基准</title></head><body><ul>"
                "{% for item in items %}<li><a href=\"/s/{{ item.id }}\">{{ item.title }}</a> {{ item.state }}</li>"
                "{% endfor %}</ul></body></html>")

    # From a loader, so compiled once and cached, as any app's templates are.
    app.jinja_loader = DictLoader({"index.html": template})

    @app.route("/")
    def index():
        return render_template("index.html", items=items)

    return app


def _parse_ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url, seconds, cookie=None, attempts=3):
    """(requests/s, p50 ms, p99 ms, non-2xx/3xx + socket errors) of one wrk run."""
    cmd = [*WRK, f"-d{seconds}s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    for attempt in range(attempts):
        # wrk now and then dies before its summary on a loaded machine: run it again.
        proc = subprocess.run([*cmd, url], capture_output=True, text=True)
        out = proc.stdout
        try:
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            p50 = _parse_ms(re.search(r"50%\s+(\S+)", out).group(1))
            p99 = _parse_ms(re.search(r"99%\s+(\S+)", out).group(1))
            break
        except AttributeError:
            if attempt == attempts - 1:
                raise RuntimeError(f"unexpected wrk output for {url} ({proc.returncode}):\n{out}{proc.stderr}") \
                    from None
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    return rps, p50, p99, errors


def login(base, username, password):
    """The Cookie header of a session signed in through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password}).encode()
    opener.open(f"{base}/login", data=data).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise RuntimeError(f"login as {username} failed")
    return cookie


class Server:
    """gunicorn serving bench.serve:app (the app + the baseline) with `env`, on `port`."""

    def __init__(self, env, port=5108, workers=2):
        self.env, self.port, self.workers = env, port, workers
        self.base = f"http://127.0.0.1:{port}"
        self.proc = None
        self.cookies = {}

    def __enter__(self):
        if not shutil.which("wrk"):
            raise SystemExit("wrk is missing: apt-get install -y wrk")
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.proc = subprocess.Popen(
            [gunicorn, "-w", str(self.workers), "-k", "sync", "--no-control-socket", "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "bench.serve:app"],
            cwd=ROOT, env={**os.environ, **self.env})
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2).read()
                urllib.request.urlopen(f"{self.base}{BASELINE_PREFIX}/", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def cookie(self, who, password):
        if who and who not in self.cookies:
            self.cookies[who] = login(self.base, who, password)
        return self.cookies.get(who)

    def check(self, page, password):
        req = urllib.request.Request(f"{self.base}{page.path}")
        if page.who:
            req.add_header("Cookie", self.cookie(page.who, password))
        try:
            status = urllib.request.urlopen(req, timeout=30).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != page.expect:
            raise RuntimeError(f"{page.path} as {page.who or 'anonymous'}: {status}, expected {page.expect}")

    def measure(self, pages, seconds=2, rounds=3, password=None, log=print):
        """For each page, `rounds` alternations of a baseline run and a page run of `seconds`
        each; the page's figures are the medians of its runs, the ratio is the sum of its
        requests over the sum of the baseline's (so a burst of load elsewhere on the machine
        weighs on both)."""
        for page in pages:
            self.check(page, password)
        wrk(f"{self.base}{BASELINE_PREFIX}/", 2)   # warm both workers
        rows = []
        for page in pages:
            cookie = self.cookie(page.who, password)
            wrk(f"{self.base}{page.path}", 1, cookie)  # warm the page's caches
            base, runs = [], []
            for _ in range(rounds):
                base.append(wrk(f"{self.base}{BASELINE_PREFIX}/", seconds)[0])
                runs.append(wrk(f"{self.base}{page.path}", seconds, cookie))
                # Sync workers finish the requests wrk left queued; let them before the next run.
                time.sleep(max(0.3, runs[-1][2] / 1000))
            rps = statistics.median(r[0] for r in runs)
            p50 = statistics.median(r[1] for r in runs)
            p99 = statistics.median(r[2] for r in runs)
            row = Row(page, rps, p50, p99, statistics.median(base), sum(r[3] for r in runs))
            row.sum_ratio = sum(r[0] for r in runs) / sum(base) if sum(base) else 0.0
            rows.append(row)
            log(f"  {page.label:28} {rps:8.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
                f"baseline {row.baseline_rps:7.1f}  ratio {row.ratio:.3f}" + (f"  ERRORS {row.errors}" if row.errors else ""))
        return rows


def add_query_counts(app, rows, password):
    """SQL statements each page runs, counted in-process on the same database, and the best
    time of ten in-process requests (Flask test client: no HTTP, no gunicorn)."""
    from sqlalchemy import event

    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    clients = {}
    # No app context held around the requests: each gets its own, as under a server.
    for row in rows:
        who = row.page.who
        if who not in clients:
            client = app.test_client()
            if who:
                client.post("/login", data={"username": who, "password": password})
            clients[who] = client
        clients[who].get(row.page.path)   # warm: what a worker has after its first request
        statements = []

        def listener(conn, cursor, statement, *args, statements=statements):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            resp = clients[who].get(row.page.path)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        row.queries = len(statements) if resp.status_code == row.page.expect else None
        times = []
        for _ in range(10):
            start = time.perf_counter()
            clients[who].get(row.page.path)
            times.append((time.perf_counter() - start) * 1000)
        row.app_ms = min(times)
    return rows


def markdown_table(rows):
    lines = ["| page | viewer | req/s | p50 ms | p99 ms | baseline req/s | ratio | SQL | app ms |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r.page.label} (`{r.page.path}`) | {r.page.who or '—'} | {r.rps:.0f} | {r.p50_ms:.1f} | "
                     f"{r.p99_ms:.1f} | {r.baseline_rps:.0f} | {r.ratio:.3f} | "
                     f"{'—' if r.queries is None else r.queries} | "
                     f"{'—' if r.app_ms is None else f'{r.app_ms:.1f}'} |")
    return "\n".join(lines)


def write_section(readme, key, text):
    """Replace (or append) the block between `<!-- key -->` and `<!-- /key -->` in readme."""
    readme = Path(readme)
    content = readme.read_text(encoding="utf-8") if readme.exists() else ""
    start, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    block = f"{start}\n{text}\n{end}"
    if start in content and end in content:
        before, rest = content.split(start, 1)
        content = before + block + rest.split(end, 1)[1]
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(content, encoding="utf-8")
