"""The forum's demo content: `flask seed-demo` (and `flask forum load DIR`) replays the files of
content/forum/ (format: boards.yaml, users.yaml, threads/<board>/<nn>-<slug>.md) through the
real services — boards, threads, replies with quotes and mentions, likes, accepted answers,
pins and locks — each step under `core.timeutil.clock_at` at its moment relative to now, so
notifications and the audit log agree with the posts. A thread already present (same title
on the same board) is skipped: a second run adds nothing.

The anti-spam limits are for people: the replay lifts them while it runs (and only then).
"""
import re
import zlib
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import func, select

from webapp.config import BASE_DIR
from webapp.core import ratelimit
from webapp.core.db import utcnow
from webapp.core.timeutil import clock_at, local_zone, to_local
from webapp.extensions import db
from webapp.forum import services
from webapp.forum.models import Board, Post, Thread

CONTENT = BASE_DIR / "content" / "forum"
DEMO_PASSWORD = "demo-password-2026"
_REPLY = re.compile(r"^\+\+\+ reply (?P<author>[A-Za-z0-9_]+) \+(?P<n>\d+)(?P<unit>[mhd])(?P<opts>.*)$")
_STARTED = re.compile(r"^-(?P<days>\d+)d(?: (?P<h>\d{1,2}):(?P<m>\d{2}))?$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class ContentError(ValueError):
    pass


# ---------------------------------------------------------------- parsing

def parse_thread_file(path):
    """(front matter dict, first post Markdown, [reply dicts]) of one thread file."""
    text = Path(path).read_text(encoding="utf-8").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise ContentError(f"{path}: no front matter")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front) or {}
    first, replies, current = [], [], None
    lines = body.split("\n")
    for i, line in enumerate(lines):
        match = _REPLY.match(line)
        if match and (i == 0 or not lines[i - 1].strip()):
            opts = dict(o.split("=", 1) for o in match.group("opts").split() if "=" in o)
            current = {"author": match.group("author"),
                       "after": timedelta(**{_UNITS[match.group("unit")]: int(match.group("n"))}),
                       "quote": int(opts["quote"]) if opts.get("quote", "").isdigit() else None,
                       "likes": [u for u in opts.get("likes", "").split(",") if u], "lines": []}
            replies.append(current)
            continue
        (current["lines"] if current is not None else first).append(line)
    for reply in replies:
        reply["body"] = "\n".join(reply.pop("lines")).strip()
    return meta, "\n".join(first).strip(), replies


def started_moment(spec, now):
    """Naive UTC of `-42d 09:30` (days before now's local date, local wall-clock time)."""
    match = _STARTED.match(str(spec).strip())
    if not match:
        raise ContentError(f"bad started: {spec!r}")
    day = to_local(now).date() - timedelta(days=int(match.group("days")))
    hour, minute = int(match.group("h") or 9), int(match.group("m") or 0)
    local = datetime.combine(day, time(hour, minute), tzinfo=local_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------- replay

@contextmanager
def _limits_lifted():
    cfg = current_app.config
    saved = {k: cfg[k] for k in ("FORUM_NEW_POST_LIMIT", "FORUM_IP_POST_LIMIT", "FORUM_LINK_MIN_POSTS")}
    cfg.update(FORUM_NEW_POST_LIMIT=10**6, FORUM_IP_POST_LIMIT=10**6, FORUM_LINK_MIN_POSTS=0)
    try:
        yield
    finally:
        cfg.update(saved)


def _users():
    from webapp.accounts.models import User

    return {u.username.lower(): u for u in db.session.scalars(select(User))}


def _ensure_users(specs):
    from webapp.accounts.models import Role, User, UserRole

    created = []
    existing = _users()
    for spec in specs or []:
        if spec["username"].lower() in existing:
            continue
        user = User(username=spec["username"], email=f"{spec['username']}@demo.example.org",
                    display_name=spec["display_name"], institution=spec.get("institution", ""),
                    discipline_tags=spec.get("discipline_tags", []), bio=spec.get("bio", ""))
        user.set_password(DEMO_PASSWORD)
        # Joined before any post of theirs (the corpus reaches 120 days back).
        user.created_at = utcnow() - timedelta(days=int(spec.get("joined_days_ago", 180)))
        user.role_grants.append(UserRole(role=Role.member.value))
        if spec.get("verified"):
            user.verified_at = min(utcnow() - timedelta(days=150), user.created_at + timedelta(days=1))
            user.real_name = spec.get("real_name") or spec["display_name"]
            user.organisation = spec.get("institution", "")
            user.position = spec.get("position", "")
        db.session.add(user)
        created.append(spec["username"])
    db.session.flush()
    return created


def _staff(users):
    for name in ("staff", "admin"):
        if name in users:
            return users[name]
    from webapp.core.permissions import is_staff

    return next((u for u in users.values() if is_staff(u)), None)


def _ensure_boards(groups, staff):
    made = 0
    position = 0
    by_slug = {b.slug: b for b in db.session.scalars(select(Board))}
    for group in groups or []:
        for spec in group.get("boards", []):
            position += 1
            if spec["slug"] in by_slug:
                continue
            board = services.save_board(staff, None, spec["slug"], spec["name"], spec.get("description", ""),
                                        group["group"], position)
            by_slug[board.slug] = board
            made += 1
    return by_slug, made


def _replay(meta, first_body, replies, board, users, staff, now):
    author = users.get(str(meta["author"]).lower())
    if author is None:
        raise ContentError(f"unknown author {meta['author']!r} in {meta.get('title')!r}")
    moment = started_moment(meta["started"], now)
    if moment >= now:
        return None
    with clock_at(moment):
        thread = services.start_thread(author, board, str(meta["title"]), first_body,
                                       [str(t) for t in meta.get("tags") or []], meta.get("kind") or "discussion")
    posts = [services.first_post(thread)]
    _likes(posts[0], meta.get("likes") or [], users, moment)
    for spec in replies:
        moment = moment + spec["after"]
        if moment >= now:
            break
        replier = users.get(spec["author"].lower())
        if replier is None:
            raise ContentError(f"unknown author {spec['author']!r} in {meta['title']!r}")
        quote = posts[spec["quote"]] if spec["quote"] is not None and spec["quote"] < len(posts) else None
        with clock_at(moment):
            posts.append(services.reply(replier, thread, spec["body"] or "（空）", getattr(quote, "id", None)))
        _likes(posts[-1], spec["likes"], users, moment)
    last = moment
    accepted = meta.get("accepted")
    if accepted and isinstance(accepted, int) and accepted < len(posts):
        with clock_at(min(posts[accepted].created_at + timedelta(hours=3), now - timedelta(minutes=1))):
            services.accept(author, posts[accepted])
    if staff is not None and meta.get("pinned"):
        with clock_at(min(thread.created_at + timedelta(minutes=10), now - timedelta(minutes=1))):
            services.pin(staff, thread, "版规与公告置顶")
    if staff is not None and meta.get("locked"):
        with clock_at(min(last + timedelta(hours=2), now - timedelta(minutes=1))):
            services.lock(staff, thread, meta.get("lock_reason") or None)
    # Views: a stable number in proportion to the discussion (counted views need real readers).
    thread.view_count = 12 * thread.post_count + zlib.crc32(thread.title.encode()) % 90
    return thread


def _likes(post, names, users, moment):
    for i, name in enumerate(names):
        user = users.get(str(name).lower())
        if user is None or user.id == post.author_id:
            continue
        with clock_at(moment + timedelta(minutes=20 + 7 * i)):
            services.like(user, post)


def load_directory(directory):
    """Load a content directory; returns a line saying what was created."""
    root = Path(directory)
    if not (root / "boards.yaml").exists():
        return f"forum: no {root / 'boards.yaml'}; nothing to do."
    now = utcnow()
    groups = yaml.safe_load((root / "boards.yaml").read_text(encoding="utf-8"))
    users_file = root / "users.yaml"
    created_users = _ensure_users(yaml.safe_load(users_file.read_text(encoding="utf-8")) if users_file.exists() else [])
    users = _users()
    staff = _staff(users)
    if staff is None:
        raise ContentError("the forum demo needs a staff user (run the accounts demo first)")
    boards, made_boards = _ensure_boards(groups, staff)
    threads = posts = 0
    with _limits_lifted():
        for board_dir in sorted(p for p in (root / "threads").iterdir() if p.is_dir()) if (root / "threads").exists() else []:
            board = boards.get(board_dir.name)
            if board is None:
                raise ContentError(f"threads/{board_dir.name}: no such board in boards.yaml")
            present = set(db.session.scalars(select(Thread.title).where(Thread.board_id == board.id)))
            for path in sorted(board_dir.glob("*.md")):
                meta, first_body, replies = parse_thread_file(path)
                if str(meta["title"]) in present:
                    continue
                thread = _replay(meta, first_body, replies, board, users, staff, now)
                if thread is not None:
                    threads += 1
                    posts += thread.post_count
    # The replay's posts do not count against the demo people's own limits afterwards.
    for user in users.values():
        ratelimit.reset(f"forum-post:{user.id}")
    db.session.flush()
    return (f"forum: {made_boards} boards, {threads} threads, {posts} posts"
            + (f", users {', '.join(created_users)}" if created_users else "") + " created.")


def seed_demo():
    return load_directory(CONTENT)


def corpus_figures():
    """(threads, posts) in the database (for the CLI and tests)."""
    return (db.session.scalar(select(func.count(Thread.id))), db.session.scalar(select(func.count(Post.id))))
