"""Foundation benchmarks: avatar processing, bomb refusal, password hashing, page and API latency.

Run: .venv/bin/python bench/bench_foundation.py   (SQLite in a temp dir; prints a table)
Set DATABASE_URL to a PostgreSQL test database to measure that instead.
"""
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402


def bomb_png(width, height):
    """A 1-bit PNG of width×height zeros, written chunk by chunk (never held decoded)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\0" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def timed(fn, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main():
    tmp = Path(tempfile.mkdtemp(prefix="sh-bench-"))
    from webapp import create_app
    from webapp.accounts import services
    from webapp.extensions import db

    app = create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", f"sqlite:///{tmp / 'b.db'}"),
        "UPLOAD_DIR": str(tmp / "u"), "INDEX_DIR": str(tmp / "i"), "MAIL_OUTBOX_DIR": str(tmp / "o"),
        "WTF_CSRF_ENABLED": False,
    })
    rows = []
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        user = services.register_user("benchuser", "bench@example.org", "Bench-Password-1", "压测用户")

        photo = io.BytesIO()
        Image.new("RGB", (4000, 3000), (120, 160, 200)).save(photo, "JPEG", quality=90)
        photo_bytes = photo.getvalue()
        from webapp.core import uploads

        rows.append(("avatar: 4000×3000 JPEG → 256+64 WebP", *timed(lambda: uploads.save_avatar(io.BytesIO(photo_bytes)), 10)))

        bomb_bytes = bomb_png(20000, 20000)

        def refuse_bomb():
            try:
                uploads.save_avatar(io.BytesIO(bomb_bytes))
            except uploads.UploadError:
                return
            raise AssertionError("bomb accepted")

        rows.append((f"avatar: refuse 20000×20000 PNG ({len(bomb_bytes) // 1024} KB)", *timed(refuse_bomb, 20)))
        rows.append(("password check (scrypt)", *timed(lambda: user.check_password("Bench-Password-1"), 10)))

        _, secret = services.create_token(user, "bench")
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        client.get("/")
        rows.append(("GET / (anonymous)", *timed(lambda: client.get("/"), 200)))
        rows.append(("GET /u/benchuser", *timed(lambda: client.get("/u/benchuser"), 200)))
        rows.append(("GET /api/v1/me (bearer)", *timed(lambda: client.get("/api/v1/me", headers=headers), 200)))
        rows.append(("GET /api/v1/openapi.json", *timed(lambda: client.get("/api/v1/openapi.json"), 50)))
        db.session.remove()

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # includes the 4000×3000 test photo
    print(f"{'what':45} {'p50 ms':>8} {'p95 ms':>8}")
    for name, p50, p95 in rows:
        print(f"{name:45} {p50:8.2f} {p95:8.2f}")
    print(f"peak RSS of the benchmark process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
