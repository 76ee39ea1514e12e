"""Benchmark of the science hub at 10,000 published articles and 1,000 bases, on the shared
harness, plus the video Range check: worker memory while 16 clients seek a 200 MB video.

Run:  .venv/bin/python bench/science_load.py [ARTICLES] [--bases N] [--seconds S] [--write]
      (SQLite in /tmp; DATABASE_URL=postgresql+psycopg://…/<a test database> for PostgreSQL)

Pages: the science front page, an article page, a category page, GET /api/v1/map/bases for
the whole country and for a city bbox (Beijing), each against the bare Flask baseline
(target: ratio ≥ 0.25). Then a 200 MB file is served as a published video and 16 threads
ask for random 1 MB ranges for a few seconds while the gunicorn workers' RSS is sampled:
streaming in chunks keeps it flat (reading the file whole would add ~200 MB per request).
"""
import argparse
import os
import random
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Page, Server, add_query_counts, markdown_table, write_section  # noqa: E402

BENCH_PASSWORD = "bench-password-2026"
VIDEO_MB = 200
TOPICS = ["天文", "物理", "化学", "生物", "医学", "地球科学", "材料", "人工智能", "能源", "农业", "气象", "海洋"]
TYPES = ["science_museum", "museum", "botanical_garden", "observatory", "institute", "zoo", "nature_reserve",
         "education_base"]
CITIES = [("北京", 116.40, 39.90), ("上海", 121.47, 31.23), ("广州", 113.26, 23.13), ("成都", 104.07, 30.67),
          ("武汉", 114.30, 30.59), ("西安", 108.94, 34.34), ("昆明", 102.83, 24.88), ("哈尔滨", 126.63, 45.75),
          ("乌鲁木齐", 87.62, 43.83), ("拉萨", 91.13, 29.65)]


def generate(db, n_articles, n_bases, video_path, seed=12):
    from werkzeug.security import generate_password_hash

    from webapp.accounts.models import User, UserRole
    from webapp.core.db import utcnow
    from webapp.science import services
    from webapp.science.models import Article, ScienceBase, ScienceTag, Video, article_tags

    rnd = random.Random(seed)
    now = utcnow()
    categories = [c.id for c in services.categories()]
    password = generate_password_hash(BENCH_PASSWORD, method="pbkdf2:sha256:1000")
    db.session.execute(User.__table__.insert(), [
        {"id": i, "username": f"sci_bench{i}", "email": f"sci_bench{i}@example.org", "password_hash": password,
         "display_name": f"科普作者{i}", "discipline_tags": [rnd.choice(TOPICS)], "created_at": now,
         "session_version": 1} for i in range(1, 51)])
    db.session.execute(UserRole.__table__.insert(), [{"user_id": i, "role": "member", "granted_at": now}
                                                      for i in range(1, 51)])
    db.session.execute(ScienceTag.__table__.insert(), [{"id": i + 1, "name": t} for i, t in enumerate(TOPICS)])
    body = ("## 背景\n\n" + "科学研究表明，" * 40 + "\n\n公式 $E = mc^2$ 说明质量与能量等价。\n\n"
            + "- 要点一\n- 要点二\n\n" + "进一步的观测与实验仍在进行中。" * 30)
    rows, links = [], []
    for i in range(1, n_articles + 1):
        rows.append({"id": i, "slug": f"bench-{i}", "title": f"科普文章第 {i} 篇：{rnd.choice(TOPICS)}的新进展",
                     "summary": "一段摘要。" * 8, "body": body, "category_id": rnd.choice(categories),
                     "author_id": rnd.randint(1, 50), "state": "published", "expert": i % 7 == 0,
                     "featured": i % 500 == 0, "created_at": now, "updated_at": now, "submitted_at": now,
                     "published_at": now - timedelta(minutes=i * 37), "read_count": rnd.randint(0, 5000)})
        for tag in rnd.sample(range(1, len(TOPICS) + 1), 3):
            links.append({"article_id": i, "tag_id": tag})
    for start in range(0, len(rows), 2000):
        db.session.execute(Article.__table__.insert(), rows[start:start + 2000])
    for start in range(0, len(links), 5000):
        db.session.execute(article_tags.insert(), links[start:start + 5000])
    bases = []
    for i in range(1, n_bases + 1):
        city, lon, lat = CITIES[i % len(CITIES)]
        bases.append({"id": i, "name": f"{city}科普基地 {i}", "type": rnd.choice(TYPES), "city": city, "province": "",
                      "address": f"{city}某区某路 {i} 号", "lon": lon + rnd.uniform(-0.6, 0.6),
                      "lat": lat + rnd.uniform(-0.5, 0.5), "opening_hours": "9:00-17:00", "phone": "",
                      "website": "", "description": "", "created_at": now, "updated_at": now})
    db.session.execute(ScienceBase.__table__.insert(), bases)
    key = "bench0000000000000000000000000000.webm"
    db.session.execute(Video.__table__.insert(), [{
        "id": 1, "slug": "bench-video", "title": "二百兆的测试视频", "state": "published", "category_id": categories[0],
        "author_id": 1, "created_at": now, "updated_at": now, "published_at": now - timedelta(days=1),
        "file_key": key, "mime": "video/webm", "size": VIDEO_MB * 1024 * 1024, "duration": 600}])
    db.session.commit()
    folder = video_path / "science-videos"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / key, "wb") as out:
        out.write(b"\x1a\x45\xdf\xa3" + b"\x00" * 60)
        chunk = os.urandom(1024 * 1024)
        for _ in range(VIDEO_MB):
            out.write(chunk)
        out.truncate(VIDEO_MB * 1024 * 1024)
    return {"article": n_articles // 2}


def rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def seek_storm(base, seconds=6, clients=16):
    size = VIDEO_MB * 1024 * 1024
    done, errors, stop = [0], [0], time.monotonic() + seconds

    def client():
        rnd = random.Random()
        while time.monotonic() < stop:
            start = rnd.randrange(0, size - 1024 * 1024)
            req = urllib.request.Request(f"{base}/science/videos/1/media",
                                         headers={"Range": f"bytes={start}-{start + 1024 * 1024 - 1}"})
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    data = resp.read()
                    if resp.status != 206 or len(data) != 1024 * 1024:
                        errors[0] += 1
                done[0] += 1
            except OSError:
                errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    return threads, done, errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10000)
    parser.add_argument("--bases", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=5103)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sh-bench-science-"))
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
        t0 = time.perf_counter()
        ids = generate(db, args.n, args.bases, tmp / "uploads")
        gen_s = time.perf_counter() - t0
        db.session.remove()
    print(f"{args.n} articles, {args.bases} bases, a {VIDEO_MB} MB video generated in {gen_s:.0f} s")
    pages = [
        Page("科普首页", "/science/"),
        Page("文章页", f"/science/articles/{ids['article']}"),
        Page("栏目页", "/science/categories/popular"),
        Page("地图 GeoJSON 全国", "/api/v1/map/bases"),
        Page("地图 GeoJSON 北京 bbox", "/api/v1/map/bases?bbox=115.4,39.4,117.5,41.1"),
    ]
    load = os.getloadavg()
    with Server(env, port=args.port) as server:
        rows = server.measure(pages, seconds=args.seconds, rounds=args.rounds, password=BENCH_PASSWORD)
        pids = worker_pids(server.proc.pid)
        before = rss_mb(pids)
        threads, done, errors = seek_storm(server.base)
        peak = before
        while any(t.is_alive() for t in threads):
            peak = max(peak, rss_mb(pids))
            time.sleep(0.1)
        after = rss_mb(pids)
    add_query_counts(app, rows, BENCH_PASSWORD)
    table = markdown_table(rows)
    video = (f"Range: 16 clients seeking a {VIDEO_MB} MB video for 6 s: {done[0]} 1 MB ranges served (206), "
             f"{errors[0]} errors; gunicorn workers' RSS {before:.0f} MB before, peak {peak:.0f} MB, "
             f"{after:.0f} MB after.")
    header = (f"{args.n} published articles, {args.bases} bases, {url.split(':')[0]}, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load[0]:.1f} before "
              f"(machine shared with other runs), wrk {args.rounds}×{args.seconds} s per page.")
    print(header)
    print(table)
    print(video)
    if args.write:
        write_section(Path(__file__).with_name("README.md"), f"science n={args.n} {url.split(':')[0]}",
                      header + "\n\n" + table + "\n\n" + video)


if __name__ == "__main__":
    main()
