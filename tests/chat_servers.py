"""Real server processes for the chat's cross-process tests and bench/chat_fanout.py:
gunicorn with the gevent worker (one per process, as in production), on free local ports."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = r"""
import json, sys
from flask_migrate import upgrade
from webapp import create_app
from webapp.extensions import db

app = create_app()
with app.app_context():
    upgrade()
    from webapp.accounts import services
    from webapp.accounts.models import Role, User
    people = {}
    for name in sys.argv[1].split(","):
        user = User.query.filter_by(username=name).first() or services.register_user(
            name, f"{name}@example.org", "Correct-Horse-42", "用户" + name, roles=[Role.member])
        db.session.flush()
        _, secret = services.create_token(user, "chat-test")
        people[name] = {"id": user.id, "token": secret}
    db.session.commit()
    print(json.dumps(people))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(tmp_path, database_url, redis_url="", **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "APP_ENV": "development",
        "SECRET_KEY": "chat-processes-test-key", "INSTANCE_DIR": str(tmp_path / "instance"),
        "UPLOAD_DIR": str(tmp_path / "uploads"), "INDEX_DIR": str(tmp_path / "index"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "SOCKETIO_ASYNC_MODE": "gevent",
        "SOCKETIO_CHANNEL": f"sh-chat-test-{os.getpid()}-{time.monotonic_ns()}",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", "RATELIMIT_STORE": "redis" if redis_url else "database",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def setup_people(env, *names):
    """Migrate the database and make members with bearer tokens: {name: {id, token}}."""
    out = subprocess.run([sys.executable, "-c", SETUP, ",".join(names)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    """`gunicorn -k gevent -w 1 --no-control-socket wsgi:app` on a free port."""

    def __init__(self, env, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(env["INSTANCE_DIR"]).parent / f"gunicorn-{self.port}.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1", "--worker-connections", "5000",
             "--no-control-socket",
             "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server on {self.port} exited: see {self.log.name}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server on {self.port} did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # quick shutdown: no connections to drain
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def fresh_pg_database(base_url, suffix="_procs"):
    """A database of its own next to `base_url`'s (`<name><suffix>`), emptied."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"{url.database}{suffix}"
    assert "test" in name
    params = dict(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                  password=url.password, connect_timeout=3)
    with psycopg.connect(dbname=url.database, autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(dbname=name, autocommit=True, **params) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url.set(database=name).render_as_string(hide_password=False)
