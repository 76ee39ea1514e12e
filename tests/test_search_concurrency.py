"""No lost updates: N producer processes × M changes each, one writer process draining the
outbox while they write (real processes, a shared SQLite file in WAL mode) → all N×M
documents searchable, and the outbox empty."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
N, M = 4, 15


@pytest.mark.real_commits
def test_several_processes_writing_at_once_lose_no_update(tmp_path):
    from flask_migrate import upgrade

    from tests.search_procs import _app
    from webapp.accounts.services import register_user
    from webapp.extensions import db

    db_url = f"sqlite:///{tmp_path / 'concurrent.db'}"
    index_dir = str(tmp_path / "index")
    app = _app(db_url, index_dir)
    with app.app_context():
        upgrade()
        user = register_user("concurrent_owner", "concurrent@example.org", "Correct-Horse-42-xyz", "并发测试")
        db.session.commit()
        user_id = user.id
    stop = tmp_path / "stop"
    script = [sys.executable, "-m", "tests.search_procs"]
    writer = subprocess.Popen([*script, "write", db_url, index_dir, str(stop)], cwd=ROOT)
    producers = [subprocess.Popen([*script, "produce", db_url, index_dir, str(p), str(M), str(user_id)], cwd=ROOT)
                 for p in range(N)]
    try:
        assert [p.wait(timeout=120) for p in producers] == [0] * N
    finally:
        stop.touch()
        assert writer.wait(timeout=120) == 0
    with app.app_context():
        from webapp.search import indexer, services

        assert indexer.pending() == 0
        missing = [f"zq{p}x{c}" for p in range(N) for c in range(M)
                   if [h.title for h in services.search(None, f"zq{p}x{c}").items] != [f"并发写入 zq{p}x{c}"]]
        assert missing == []
        assert services.search(None, "并发写入", per_page=100).total == N * M
        db.session.remove()
        db.engine.dispose()
