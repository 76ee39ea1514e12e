"""Page benchmark of the salons capability on the shared harness (bench/harness.py).

Run:  .venv/bin/python bench/bench_salons.py [N] [--seconds S] [--write]
      (SQLite in /tmp; DATABASE_URL=postgresql+psycopg://…/<a test database> for PostgreSQL — its
      tables are dropped first)

Loads the demo accounts and salons (`flask seed-demo`), then N more approved salons (default 400)
over a year around today through the services, each with up to 12 registrations, and runs wrk on
the salon pages next to the bare Flask baseline.
"""
import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Page, Server, add_query_counts, markdown_table, write_section  # noqa: E402

PASSWORD = "demo-password-2026"


def generate(db, n, seed=13):
    from webapp.accounts.models import User
    from webapp.core.db import utcnow
    from webapp.core.timeutil import clock_at
    from webapp.salons import services
    from webapp.salons.models import DISCIPLINES

    rnd = random.Random(seed)
    people = User.query.filter(User.username.like("member%")).all()
    staff = User.query.filter_by(username="staff").one()
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    registrations = 0
    for i in range(n):
        start = now + timedelta(days=rnd.randint(-180, 180), hours=rnd.randint(0, 10))
        host = rnd.choice(people)
        with clock_at(start - timedelta(days=20)):
            salon = services.propose(host, f"基准沙龙 {i}：{rnd.choice(DISCIPLINES)}前沿", rnd.choice(DISCIPLINES),
                                     "基准测试生成的沙龙简介，介绍研究进展与讨论议题。", "offline", rnd.randint(5, 40),
                                     start, start + timedelta(hours=2), start - timedelta(hours=6),
                                     address="科技馆报告厅", speakers=[{"name": "嘉宾", "affiliation": "某大学"}])
            services.file_salon(host, salon)
            services.approve(staff, salon)
            for person in rnd.sample(people, k=min(len(people), rnd.randint(0, 12))):
                if person.id != host.id:
                    services.register(person, salon)
                    registrations += 1
        if i % 50 == 49:
            db.session.commit()
    db.session.commit()
    return registrations


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=5105)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f"sh-bench-salons-{args.n}-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-0123456789", "INSTANCE_DIR": str(tmp),
           "UPLOAD_DIR": str(tmp / "uploads"), "INDEX_DIR": str(tmp / "index"), "MAIL_OUTBOX_DIR": str(tmp / "mail"),
           "APP_ENV": "development", "REDIS_URL": ""}
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
        for _name, seed in app.extensions["demo_seeders"]:
            seed()
        db.session.commit()
        t0 = time.perf_counter()
        regs = generate(db, args.n)
        gen_s = time.perf_counter() - t0
        from webapp.salons import services

        upcoming = services.upcoming()
        detail = max(upcoming, key=lambda s: s.registered_count)
        db.session.remove()
    pages = [Page("沙龙列表", "/salons/"), Page("月历", "/salons/calendar"), Page("学科筛选", "/salons/?discipline=" + quote("物理学")),
             Page("沙龙详情", f"/salons/{detail.id}"), Page("沙龙详情（报名者）", f"/salons/{detail.id}", who="member"),
             Page("我的沙龙", "/salons/mine", who="member"), Page("发起沙龙", "/salons/new", who="member"),
             Page("工作人员：报备审核", "/admin/salons/", who="staff"),
             Page("工作人员：统计报表", "/admin/salons/report", who="staff"),
             Page("API 列表", "/api/v1/salons"), Page("iCalendar", f"/api/v1/salons/{detail.id}/ics")]
    load = os.getloadavg()
    with Server(env, port=args.port) as server:
        rows = server.measure(pages, seconds=args.seconds, rounds=args.rounds, password=PASSWORD)
    add_query_counts(app, rows, PASSWORD)
    table = markdown_table(rows)
    header = (f"n = {args.n} generated salons + the demo season ({regs} registrations), {url.split(':')[0]}, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load[0]:.1f} "
              f"(machine shared with other jobs), generated in {gen_s:.0f} s, whole run "
              f"{time.perf_counter() - started:.0f} s.")
    print(header)
    print(table)
    if args.write:
        write_section(Path(__file__).with_name("README.md"), f"bench_salons n={args.n} {url.split(':')[0]}",
                      header + "\n\n" + table)


if __name__ == "__main__":
    main()
