"""Suggestions benchmarks: browse, leader statistics and ranking on a realistic volume.

Run: .venv/bin/python bench/bench_suggestions.py [N]   (SQLite in a temp dir; N suggestions, default 20000)
Set DATABASE_URL to a PostgreSQL test database to measure that instead (its tables are dropped first).

Builds N suggestions by 2,000 authors addressed to 30 verified leaders, spread over two years with a
realistic mix of states (most answered and rated, some open, some overdue), then times the public pages,
the API and the statistics in-process (Flask test client: the app's own cost, no network).
"""
import os
import random
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_foundation import timed  # noqa: E402


def build(n, db):
    from webapp.accounts.models import User, UserRole
    from webapp.core.db import utcnow
    from webapp.core.workdays import add_working_days
    from webapp.suggestions import services
    from webapp.suggestions.models import LeaderAnswer, Suggestion, SuggestionRating

    rnd = random.Random(7)
    services.ensure_defaults()
    cats = [c.id for c in services.categories()]
    now = utcnow()

    def user(name, roles, verified=False):
        u = User(username=name, email=f"{name}@bench.org", display_name=name, password_hash="x")
        for r in roles:
            u.role_grants.append(UserRole(role=r))
        if verified:
            u.verified_at, u.real_name, u.position, u.organisation = now, f"领导{name}", "副主席", "科协"
        db.session.add(u)
        return u

    leaders = [user(f"lead{i}", ["leader"], True) for i in range(30)]
    authors = [user(f"auth{i}", ["member"]) for i in range(2000)]
    db.session.flush()
    cal = services.calendar()
    states = ["closed"] * 50 + ["answered"] * 15 + ["assigned"] * 15 + ["submitted"] * 8 + ["accepted"] * 4 \
        + ["not_accepted"] * 8
    batch = []
    for i in range(n):
        created = now - timedelta(days=rnd.uniform(0, 730))
        state = rnd.choice(states)
        leader = rnd.choice(leaders)
        s = Suggestion(author_id=rnd.choice(authors).id, title=f"关于第{i}项科研管理工作的建议",
                       body="建议进一步优化科研项目管理流程。" * 20, category_id=rnd.choice(cats),
                       addressee_id=leader.id if rnd.random() < 0.5 else None,
                       visibility="private" if rnd.random() < 0.15 else "public", state=state, created_at=created,
                       screen_due_date=add_working_days(created.date(), 3, cal),
                       support_count=int(rnd.paretovariate(1.5)) - 1)
        if state not in ("submitted", "not_accepted"):
            s.accepted_at = created + timedelta(days=1)
            s.due_date = add_working_days(s.accepted_at.date(), 15, cal)
            s.long_due_date = add_working_days(s.accepted_at.date(), 30, cal)
        if state in ("assigned", "answered", "closed"):
            s.assigned_leader_id = leader.id
            s.assigned_at = s.accepted_at
        if state in ("answered", "closed"):
            s.answered_at = min(now, s.accepted_at + timedelta(days=rnd.uniform(1, 40)))
            s.answer = LeaderAnswer(leader_id=leader.id, body="感谢您的建议。" * 30, created_at=s.answered_at,
                                    updated_at=s.answered_at, published_at=s.answered_at)
        if state == "closed":
            s.closed_at = s.answered_at
            s.rating = SuggestionRating(leader_id=leader.id, value=rnd.choice(["satisfied"] * 6 + ["basically"] * 3
                                                                               + ["unsatisfied"] * 2),
                                        created_at=s.answered_at)
        batch.append(s)
        if len(batch) == 2000:
            db.session.add_all(batch)
            db.session.flush()
            batch = []
    db.session.add_all(batch)
    db.session.commit()
    return leaders


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    tmp = Path(tempfile.mkdtemp(prefix="sh-bench-sg-"))
    from webapp import create_app
    from webapp.extensions import db

    url = os.environ.get("DATABASE_URL", f"sqlite:///{tmp / 'b.db'}")
    app = create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(tmp / "u"), "INDEX_DIR": str(tmp / "i"), "MAIL_OUTBOX_DIR": str(tmp / "o"),
        "WTF_CSRF_ENABLED": False,
    })
    rows = []
    with app.app_context():
        from flask_migrate import upgrade

        if url.startswith("postgresql"):
            db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        start = time.perf_counter()
        leaders = build(n, db)
        build_s = time.perf_counter() - start
        from webapp.suggestions import services

        client = app.test_client()
        lead = leaders[0]

        def get(path):
            def run():
                resp = client.get(path)
                assert resp.status_code == 200, (path, resp.status_code)
            return run

        rows.append(("services.leader_stats (one leader)", *timed(lambda: services.leader_stats(lead), 20)))
        rows.append(("services.ranking (30 leaders)", *timed(services.ranking, 10)))
        for label, path in (("GET /suggestions/ (newest)", "/suggestions/"),
                            ("GET /suggestions/?sort=supported", "/suggestions/?sort=supported"),
                            ("GET /suggestions/?sort=waiting", "/suggestions/?sort=waiting"),
                            ("GET /suggestions/?category_id=2&answered=yes", "/suggestions/?category_id=2&answered=yes"),
                            ("GET /suggestions/<id>", "/suggestions/1"),
                            ("GET /leaders/<id>", f"/leaders/{lead.id}"),
                            ("GET /leaders/ (ranking)", "/leaders/"),
                            ("GET /api/v1/suggestions", "/api/v1/suggestions"),
                            ("GET /api/v1/leaders", "/api/v1/leaders"),
                            (f"GET /api/v1/leaders/{lead.id}/stats", f"/api/v1/leaders/{lead.id}/stats")):
            if path == "/suggestions/1":
                first = services.list_suggestions(None).first()
                path = f"/suggestions/{first.id}"
            try:
                rows.append((label, *timed(get(path), 20)))
            except AssertionError as exc:
                rows.append((f"{label} — failed: {exc}", float("nan"), float("nan")))

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n} suggestions built in {build_s:.1f} s on {url.split(':')[0]}")
    print("| what | p50 ms | p95 ms |\n| --- | ---: | ---: |")
    for label, p50, p95 in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} |")
    print(f"Peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
