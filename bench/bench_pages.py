"""Page benchmark of the suggestions capability, the staff pages and the home page, at a scale.

Run:  .venv/bin/python bench/bench_pages.py [N] [--seconds S] [--write]
      (SQLite in /tmp; DATABASE_URL=postgresql+psycopg://…/<a test database> for PostgreSQL — its
      tables are dropped first)

Generates N suggestions (default 50,000) with bench/dataset.py, serves the app with gunicorn
(bench/harness.py) and runs wrk on every page in turn with the bare Flask baseline; prints the
table (and with --write puts it into bench/README.md under "n=N"). About 2 minutes of generation
at 50k plus ~14 s per page.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import BENCH_PASSWORD, generate  # noqa: E402
from bench.harness import Page, Server, add_query_counts, markdown_table, write_section  # noqa: E402


def pages_for(ids, deep_page, detail_id, submitted_id):
    lead, category = ids["leader_ids"][0], 2
    return [
        Page("首页", "/"),
        Page("建议列表 第 1 页", "/suggestions/"),
        Page(f"建议列表 深页（第 {deep_page} 页）", f"/suggestions/?page={deep_page}"),
        Page("筛选：分类 + 已答复", f"/suggestions/?category_id={category}&answered=yes"),
        Page("筛选：办理中", "/suggestions/?state=assigned"),
        Page("筛选：领导", f"/suggestions/?leader_id={lead}"),
        Page("排序：联名最多", "/suggestions/?sort=supported"),
        Page("排序：等待最久", "/suggestions/?sort=waiting"),
        Page("建议详情", f"/suggestions/{detail_id}"),
        Page("领导页", f"/leaders/{lead}"),
        Page("领导排行", "/leaders/"),
        Page("写建议", "/suggestions/new", who="bench_member"),
        Page("我的建议", "/suggestions/mine", who="bench_member"),
        Page("通知", "/notifications/", who="bench_member"),
        Page("领导信箱", "/leaders/inbox", who="bench_leader"),
        Page("工作人员：待受理队列", "/admin/suggestions/", who="bench_staff"),
        Page("工作人员：已逾期队列", "/admin/suggestions/?queue=overdue", who="bench_staff"),
        Page("工作人员：建议详情（受理表单）", f"/suggestions/{submitted_id}", who="bench_staff"),
        Page("工作人员：审计日志", "/admin/audit", who="bench_staff"),
        Page("API 列表", "/api/v1/suggestions"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=50000)
    parser.add_argument("--seconds", type=int, default=2, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/page alternations per page")
    parser.add_argument("--port", type=int, default=5108)
    parser.add_argument("--write", action="store_true", help="put the table into bench/README.md")
    args = parser.parse_args()
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f"sh-bench-pages-{args.n}-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-0123456789", "INSTANCE_DIR": str(tmp),
           "UPLOAD_DIR": str(tmp / "uploads"), "INDEX_DIR": str(tmp / "index"), "MAIL_OUTBOX_DIR": str(tmp / "mail"),
           "APP_ENV": "development", "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "")}
    os.environ.update(env)
    from webapp import create_app
    from webapp.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        if url.startswith("postgresql"):
            if "test" not in (db.engine.url.database or ""):
                raise SystemExit("refusing to wipe a database whose name does not contain 'test'")
            db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        t0 = time.perf_counter()
        ids = generate(db, args.n)
        gen_s = time.perf_counter() - t0
        from webapp.suggestions import services

        visible = services.list_suggestions(None).order_by(None).count()
        deep_page = max(1, visible // 20 // 2)
        detail = services.list_suggestions(None, state="closed").first()
        # Not published before screening: the staff's page of one waiting for it.
        from webapp.suggestions.models import Suggestion

        submitted = Suggestion.query.filter_by(state="submitted").order_by(Suggestion.id.desc()).first()
        pages = pages_for(ids, deep_page, detail.id, submitted.id)
        db.session.remove()
    print(f"{args.n} suggestions, {ids['supports']} co-signatures, {ids['events']} timeline events, "
          f"{ids['answers']} answers generated in {gen_s:.0f} s ({url.split(':')[0]})")
    load = os.getloadavg()
    with Server(env, port=args.port) as server:
        rows = server.measure(pages, seconds=args.seconds, rounds=args.rounds, password=BENCH_PASSWORD)
    add_query_counts(app, rows, BENCH_PASSWORD)
    load_after = os.getloadavg()
    table = markdown_table(rows)
    header = (f"n = {args.n} suggestions ({ids['supports']} co-signatures, {ids['events']} timeline events), "
              f"{url.split(':')[0]}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
              f"load average {load[0]:.1f} before / {load_after[0]:.1f} after, "
              f"generated in {gen_s:.0f} s, whole run {time.perf_counter() - started:.0f} s.")
    print(header)
    print(table)
    if args.write:
        write_section(Path(__file__).with_name("README.md"), f"bench_pages n={args.n} {url.split(':')[0]}",
                      header + "\n\n" + table)


if __name__ == "__main__":
    main()
