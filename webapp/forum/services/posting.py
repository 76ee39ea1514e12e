"""Boards, threads and posts: start a thread, reply (with a quote), edit (every revision
kept), delete (soft, by the author), @mentions and subscriptions' notifications, images."""
import re

from flask import current_app
from sqlalchemy import func, select, update

from webapp.core import uploads
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard, is_staff
from webapp.core.text import quoted, render_user_markdown
from webapp.core.urls import path_for
from webapp.extensions import db
from webapp.forum.models import (
    BODY_MAX,
    BODY_MIN,
    POSTS_PER_PAGE,
    TAG_MAX_LEN,
    TAGS_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Board,
    ForumImage,
    Post,
    PostRevision,
    Subscription,
    Thread,
    ThreadKind,
)
from webapp.forum.services import antispam, counters, rules
from webapp.notifications.services import notify

IMAGE_KIND = "forum"
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]{3,32})")
MENTIONS_MAX = 10
QUOTE_MAX = 400


def render_body(body):
    return str(render_user_markdown(body, image_prefixes=(antispam.IMAGE_PREFIX,)))


# ---------------------------------------------------------------- look-ups

def get_board(board_id):
    board = get_by_id(Board, board_id)
    if board is None:
        raise NotFound("找不到该版块")
    return board


def get_thread(thread_id):
    thread = get_by_id(Thread, thread_id)
    if thread is None:
        raise NotFound("找不到该主题")
    return thread


def get_post(post_id):
    post = get_by_id(Post, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("找不到该帖子")
    return post


def first_post(thread):
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 0))


def page_of_number(number):
    return number // POSTS_PER_PAGE + 1


def post_path(post):
    """The thread page showing `post`, at its anchor."""
    page = page_of_number(post.number)
    return path_for("forum.thread", thread_id=post.thread_id, **({"page": page} if page > 1 else {})) + f"#p{post.number}"


# ---------------------------------------------------------------- validation

def clean_tags(tags):
    seen = []
    for tag in tags or []:
        tag = " ".join(str(tag).split()).lstrip("#")
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def thread_problems(title, body, tags, kind):
    problems = {}
    title = (title or "").strip()
    if len(title) < TITLE_MIN:
        problems["title"] = f"标题至少 {TITLE_MIN} 个字"
    elif len(title) > TITLE_MAX:
        problems["title"] = f"标题不能超过 {TITLE_MAX} 个字"
    problem = body_problem(body)
    if problem:
        problems["body"] = problem
    cleaned = clean_tags(tags)
    if len(cleaned) > TAGS_MAX:
        problems["tags"] = f"最多 {TAGS_MAX} 个标签"
    elif any(len(t) > TAG_MAX_LEN for t in cleaned):
        problems["tags"] = f"每个标签不能超过 {TAG_MAX_LEN} 个字"
    if kind not in {k.value for k in ThreadKind}:
        problems["kind"] = "可选 discussion、question"
    return problems


def body_problem(body):
    length = len((body or "").strip())
    if length < BODY_MIN:
        return f"内容至少 {BODY_MIN} 个字"
    if length > BODY_MAX:
        return f"内容不能超过 {BODY_MAX} 个字"
    return None


def _raise(problems):
    if problems:
        raise ValidationError(fields=problems)


# ---------------------------------------------------------------- writing

def _new_post(thread, author, body, number, quote=None):
    post = Post(thread=thread, thread_id=thread.id, number=number, author_id=author.id, body=body,
                body_html=render_body(body), quote_post_id=getattr(quote, "id", None), created_at=utcnow())
    db.session.add(post)
    return post


def start_thread(user, board, title, body, tags=(), kind=ThreadKind.discussion.value):
    guard(rules.why_not_start_thread(user, board))
    kind = kind or ThreadKind.discussion.value
    _raise(thread_problems(title, body, tags, kind))
    antispam.check_links(user, body)
    antispam.acquire_post_slot(user)
    counters.flush_views()
    now = utcnow()
    thread = Thread(board_id=board.id, author_id=user.id, title=title.strip(), kind=kind, tags=clean_tags(tags),
                    post_count=1, last_post_at=now, last_poster_id=user.id, created_at=now)
    db.session.add(thread)
    db.session.flush()
    post = _new_post(thread, user, body.strip(), 0)
    board.thread_count += 1
    board.post_count += 1
    board.last_post_at = now
    _subscribe(user, thread, read=0)
    db.session.flush()
    _notify_mentions(user, post, thread, body)
    return thread


def quote_block(post):
    """The Markdown a quote of `post` starts a reply with: who, a link back, the text (its own
    quotes left out), shortened."""
    lines = [line for line in post.body.splitlines() if not line.lstrip().startswith(">")]
    text = "\n".join(lines).strip()
    if len(text) > QUOTE_MAX:
        text = text[:QUOTE_MAX].rstrip() + "……"
    name = post.author.display_name if post.author else "已注销用户"
    head = f"> **{name}** 在 [#{post.number}]({path_for('forum.post', post_id=post.id)}) 中写道："
    body = "\n".join("> " + line if line.strip() else ">" for line in text.splitlines())
    return f"{head}\n>\n{body}\n\n"


def reply(user, thread, body, quote_post_id=None):
    guard(rules.why_not_reply(user, thread))
    problem = body_problem(body)
    quote = None
    if quote_post_id:
        quote = get_by_id(Post, quote_post_id)
        if quote is None or quote.thread_id != thread.id or not rules.can_read_post(user, quote):
            raise ValidationError(fields={"quote_post_id": "引用的帖子不在本主题中"})
    if problem:
        raise ValidationError(fields={"body": problem})
    antispam.check_links(user, body)
    antispam.acquire_post_slot(user)
    counters.flush_views()
    full = (quote_block(quote) if quote else "") + body.strip()
    # The next number, taken under the thread's row lock (PostgreSQL) or SQLite's write lock.
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(post_count=Thread.post_count + 1))
    db.session.refresh(thread, ["post_count"])
    number = thread.post_count - 1
    post = _new_post(thread, user, full, number, quote)
    now = post.created_at
    thread.last_post_at = now
    thread.last_poster_id = user.id
    board = thread.board
    board.post_count += 1
    board.last_post_at = now
    db.session.flush()
    mentioned = _notify_mentions(user, post, thread, body)
    if quote is not None and quote.author_id not in (None, user.id) and quote.author_id not in mentioned:
        notify(quote.author_id, "forum.quoted", f"{user.display_name} 引用了您在{quoted(thread.title)}中的帖子",
               link=post_path(post), actor=user)
        mentioned.add(quote.author_id)
    _notify_subscribers(user, thread, post, skip=mentioned)
    _subscribe(user, thread, read=number)
    db.session.flush()
    return post


def _subscribe(user, thread, read=None):
    """Replying or starting a thread subscribes (unless muted) and marks it read up to `read`."""
    sub = subscription_of(user, thread)
    if sub is None:
        sub = Subscription(thread_id=thread.id, user_id=user.id, muted=False)
        db.session.add(sub)
    if not sub.muted:
        sub.subscribed = True
    if read is not None and (sub.last_read_number or -1) < read:
        sub.last_read_number = read
    return sub


def subscription_of(user, thread):
    return db.session.scalar(select(Subscription).where(Subscription.thread_id == thread.id,
                                                        Subscription.user_id == user.id))


def mentioned_users(body, author):
    from webapp.accounts.models import User

    names = []
    for match in MENTION.finditer(body or ""):
        name = match.group(1)
        if name.lower() not in [n.lower() for n in names]:
            names.append(name)
    names = names[:MENTIONS_MAX]
    if not names:
        return []
    users = db.session.scalars(select(User).where(func.lower(User.username).in_([n.lower() for n in names]))).all()
    return [u for u in users if u.id != author.id and u.suspended_at is None]


def _notify_mentions(author, post, thread, text):
    """Notify the users `text` (the author's own words, not a quote) mentions; their ids."""
    done = set()
    for user in mentioned_users(text, author):
        notify(user, "forum.mention", f"{author.display_name} 在{quoted(thread.title)}中提到了您",
               link=post_path(post), actor=author)
        done.add(user.id)
    return done


def _notify_subscribers(author, thread, post, skip=()):
    rows = db.session.scalars(select(Subscription.user_id).where(
        Subscription.thread_id == thread.id, Subscription.subscribed.is_(True), Subscription.muted.is_(False),
        Subscription.user_id != author.id)).all()
    for user_id in rows:
        if user_id in skip:
            continue
        notify(user_id, "forum.reply", f"{author.display_name} 回复了{quoted(thread.title)}",
               link=post_path(post), actor=author)


def edit_post(user, post, body, title=None, tags=None):
    """The author edits a post; the previous body is kept as a revision. The first post's
    author may also change the thread's title and tags."""
    guard(rules.why_not_edit(user, post))
    problems = {}
    problem = body_problem(body)
    if problem:
        problems["body"] = problem
    thread = post.thread
    if post.number == 0 and (title is not None or tags is not None):
        more = thread_problems(title if title is not None else thread.title, body,
                               tags if tags is not None else thread.tags, thread.kind)
        problems.update({k: v for k, v in more.items() if k in ("title", "tags")})
    _raise(problems)
    antispam.check_links(user, body)
    counters.flush_views()
    body = body.strip()
    if body != post.body:
        db.session.add(PostRevision(post_id=post.id, body=post.body, editor_id=user.id, created_at=utcnow()))
        post.body = body
        post.body_html = render_body(body)
        post.edited_at = utcnow()
    if post.number == 0:
        if title is not None:
            thread.title = title.strip()
        if tags is not None:
            thread.tags = clean_tags(tags)
    db.session.flush()
    return post


def delete_post(user, post):
    guard(rules.why_not_delete(user, post))
    post.deleted_at = utcnow()
    db.session.flush()
    return post


def revisions(user, post):
    guard(rules.why_not_view_history(user, post))
    return db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                              .order_by(PostRevision.id.desc())).all()


# ---------------------------------------------------------------- images

def save_image(user, stream):
    """Check an uploaded image as avatars are checked (Pillow), re-encode it and return its
    Markdown path under /forum/uploads/."""
    guard(rules.why_not_start_thread(user, None))
    cfg = current_app.config
    data = uploads._read_limited(stream, cfg["FORUM_IMAGE_MAX_BYTES"])
    image, fmt = uploads.open_image(data, cfg["IMAGE_MAX_PIXELS"])
    ext, mime, payload = uploads._encode_image(image, fmt)
    import secrets

    key = f"{secrets.token_hex(16)}.{ext}"
    uploads.store(uploads._upload_dir(IMAGE_KIND) / key, payload)
    db.session.add(ForumImage(storage_key=key, uploader_id=user.id, mime=mime))
    db.session.flush()
    return antispam.IMAGE_PREFIX + key


def image_file(key):
    row = db.session.scalar(select(ForumImage).where(ForumImage.storage_key == key))
    path = uploads.stored_file(uploads.private_document_path(key, IMAGE_KIND)) if row else None
    if path is None:
        raise NotFound("找不到该图片")
    return row, path


def referenced_images(names):
    rows = db.session.query(ForumImage.storage_key).filter(ForumImage.storage_key.in_(names))
    return {key for (key,) in rows}


def staff_view(user):
    return is_staff(user)
