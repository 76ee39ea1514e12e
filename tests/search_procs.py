"""Processes of the concurrency test (tests/test_search_concurrency.py): producers change
notes in their own transactions; one writer drains the outbox meanwhile."""
import sys
import time
from pathlib import Path


def _app(db_url, index_dir):
    from tests.search_helpers import note_source
    from webapp import create_app
    from webapp.search.registry import register_source

    root = Path(index_dir).parent
    app = create_app({"TESTING": True, "SECRET_KEY": "search-procs", "SQLALCHEMY_DATABASE_URI": db_url,
                      "INDEX_DIR": index_dir, "UPLOAD_DIR": str(root / "u"), "MAIL_OUTBOX_DIR": str(root / "o"),
                      "REDIS_URL": "", "SEARCH_WORKER": "off"})
    with app.app_context():
        register_source(app, note_source())
    return app


def produce(db_url, index_dir, proc, changes, user_id):
    """`changes` notes, one transaction each, every one with its own token (zqPxC)."""
    from tests.search_helpers import NOTE_KIND
    from webapp.extensions import db
    from webapp.notifications.models import Notification

    app = _app(db_url, index_dir)
    with app.app_context():
        for change in range(changes):
            note = Notification(user_id=user_id, kind=NOTE_KIND, title=f"并发写入 zq{proc}x{change}",
                                body="多个进程同时修改内容")
            db.session.add(note)
            db.session.commit()


def write(db_url, index_dir, stop_file):
    """The one writer, as `flask search worker` runs it (indexer.run_worker), until the stop
    file appears; then one last drain."""
    import threading

    from webapp.search import indexer

    app = _app(db_url, index_dir)
    stop = threading.Event()

    def watch():
        while not Path(stop_file).exists():
            time.sleep(0.05)
        stop.set()
        indexer.wake()

    threading.Thread(target=watch, daemon=True).start()
    indexer.run_worker(app, stop=stop, poll=0.05)
    with app.app_context():
        indexer.drain()


if __name__ == "__main__":
    role, *args = sys.argv[1:]
    if role == "produce":
        produce(args[0], args[1], int(args[2]), int(args[3]), int(args[4]))
    else:
        write(*args)
