"""Load benchmark of the forum (issue 11), on the shared harness (bench/harness.py).

Run:  .venv/bin/python bench/forum_load.py [--posts 100000] [--threads 2000] [--seconds 20] [--rounds 1] [--write]
      (SQLite in /tmp; DATABASE_URL=postgresql+psycopg://…/<a test database> for PostgreSQL — its
      tables are dropped first)

Generates --posts posts (Chinese, 100–300 characters) in --threads threads over 10 boards, one
thread holding 5,000 of them, by bulk INSERTs (bodies rendered once by the forum's own
renderer, as a post stores them); serves the app with gunicorn -w 2 -k sync; runs wrk -c16 on
the board page, a thread page (20 posts) and the last page of the 5,000-post thread, each in
turn with the bare Flask baseline (20-item Jinja loop); prints requests/s, p50/p99, the ratio,
SQL per page, and each worker's resident memory afterwards.
"""
import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import BENCH_PASSWORD, chinese_text  # noqa: E402
from bench.harness import Page, Server, add_query_counts, markdown_table, write_section  # noqa: E402

BIG = 5000
CHUNK = 5000
TOPICS = ["超导量子比特的退相干", "钙钛矿电池的稳定性", "小麦条锈病的早期识别", "深度学习模型的可解释性",
          "黄土高原的水土保持", "CRISPR 脱靶效应评估", "桥梁健康监测的传感器布设", "高温合金的蠕变寿命",
          "基层科普活动的组织经验", "学会换届工作的程序"]


def generate(db, n_posts, n_threads, seed=11, log=print):
    """Boards, users, threads and posts by bulk INSERTs; returns ids the pages need."""
    from werkzeug.security import generate_password_hash

    from webapp.accounts.models import User, UserRole
    from webapp.core.db import utcnow
    from webapp.forum.models import Board, Post, Thread
    from webapp.forum.services import render_body

    rnd = random.Random(seed)
    now = utcnow()
    password = generate_password_hash(BENCH_PASSWORD, method="pbkdf2:sha256:1000")
    users = [{"username": f"fb_user{i}", "email": f"fb{i}@bench.example", "password_hash": password,
              "display_name": f"科研人员{i}", "institution": "某研究所", "discipline_tags": [], "bio": "",
              "created_at": now - timedelta(days=400), "session_version": 1,
              "verified_at": now if i % 5 == 0 else None, "real_name": f"实名{i}" if i % 5 == 0 else None}
             for i in range(300)]
    db.session.execute(User.__table__.insert(), users)
    user_ids = list(db.session.scalars(db.select(User.id).order_by(User.id)))
    db.session.execute(UserRole.__table__.insert(), [{"user_id": u, "role": "member", "granted_at": now} for u in user_ids])
    boards = [{"slug": f"b{i}", "name": f"版块 {i}", "description": TOPICS[i], "group_name": "数理", "position": i,
               "thread_count": 0, "post_count": 0, "created_at": now} for i in range(10)]
    db.session.execute(Board.__table__.insert(), boards)
    board_ids = list(db.session.scalars(db.select(Board.id).order_by(Board.id)))
    # One thread of BIG posts, the rest spread over the others.
    sizes = [BIG] + [1] * (n_threads - 1)
    for _ in range(n_posts - sum(sizes)):
        sizes[rnd.randrange(1, n_threads)] += 1
    threads = []
    for t, size in enumerate(sizes):
        start = now - timedelta(days=rnd.randint(1, 365), minutes=rnd.randint(0, 1440))
        threads.append({"board_id": board_ids[t % 10], "author_id": rnd.choice(user_ids),
                        "title": f"{TOPICS[t % 10]}：讨论 {t}", "kind": "discussion", "tags": [TOPICS[t % 10][:6]],
                        "pinned": t < 3, "locked": False, "post_count": size, "view_count": rnd.randint(0, 5000),
                        "last_post_at": start + timedelta(minutes=size), "created_at": start,
                        "last_poster_id": rnd.choice(user_ids)})
    for i in range(0, len(threads), CHUNK):
        db.session.execute(Thread.__table__.insert(), threads[i:i + CHUNK])
    thread_ids = list(db.session.scalars(db.select(Thread.id).order_by(Thread.id)))
    bodies = [chinese_text(rnd, 100, 300) for _ in range(400)]
    rendered = [str(render_body(b)) for b in bodies]
    batch, made = [], 0
    for thread_id, row, size in zip(thread_ids, threads, sizes, strict=True):
        for number in range(size):
            k = rnd.randrange(len(bodies))
            batch.append({"thread_id": thread_id, "number": number, "author_id": rnd.choice(user_ids),
                          "body": bodies[k], "body_html": rendered[k], "like_count": rnd.randint(0, 6),
                          "created_at": row["created_at"] + timedelta(minutes=number)})
            if len(batch) >= CHUNK:
                db.session.execute(Post.__table__.insert(), batch)
                made += len(batch)
                batch = []
    if batch:
        db.session.execute(Post.__table__.insert(), batch)
        made += len(batch)
    for board_id in board_ids:
        n = sum(1 for r in threads if r["board_id"] == board_id)
        p = sum(s for r, s in zip(threads, sizes, strict=True) if r["board_id"] == board_id)
        db.session.execute(Board.__table__.update().where(Board.id == board_id)
                           .values(thread_count=n, post_count=p, last_post_at=now))
    db.session.commit()
    log(f"generated {len(user_ids)} users, {len(thread_ids)} threads, {made} posts")
    return {"big": thread_ids[0], "typical": thread_ids[len(thread_ids) // 2], "board": board_ids[1]}


def worker_rss_mb(master_pid):
    """Resident memory (MB) of each gunicorn worker (children of the master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            found.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(found)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=20, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=1, help="baseline/page alternations per page")
    parser.add_argument("--port", type=int, default=5101)
    parser.add_argument("--write", action="store_true", help="put the table into bench/README.md")
    args = parser.parse_args()
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="sh-bench-forum-"))
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
        ids = generate(db, args.posts, args.threads)
        gen_s = time.perf_counter() - t0
        db.session.remove()
    last = (BIG - 1) // 20 + 1
    pages = [Page("版块页（主题列表）", f"/forum/boards/{ids['board']}"),
             Page("主题页（20 帖）", f"/forum/threads/{ids['typical']}"),
             Page("5,000 帖主题 第 1 页", f"/forum/threads/{ids['big']}"),
             Page(f"5,000 帖主题 最后一页（第 {last} 页）", f"/forum/threads/{ids['big']}?page={last}")]
    load = os.getloadavg()
    with Server(env, port=args.port) as server:
        rows = server.measure(pages, seconds=args.seconds, rounds=args.rounds, password=BENCH_PASSWORD)
        rss = worker_rss_mb(server.proc.pid)
    add_query_counts(app, rows, BENCH_PASSWORD)
    load_after = os.getloadavg()
    table = markdown_table(rows)
    header = (f"{args.posts} posts in {args.threads} threads (one of {BIG}), {url.split(':')[0]}, "
              f"gunicorn -w 2 -k sync, wrk -c16, {args.seconds} s × {args.rounds} round(s) per page, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load[0]:.1f} before / "
              f"{load_after[0]:.1f} after (shared machine), generated in {gen_s:.0f} s, whole run "
              f"{time.perf_counter() - started:.0f} s. Worker RSS after the runs: "
              + ", ".join(f"{m:.0f} MB" for m in rss) + ".")
    print(header)
    print(table)
    if args.write:
        write_section(Path(__file__).with_name("README.md"), f"forum_load {url.split(':')[0]}",
                      header + "\n\n" + table)


if __name__ == "__main__":
    main()
