"""The forum (科技社区): boards by discipline, threads, posts and their revisions, likes,
subscriptions, bookmarks, read marks, reports, forum suspensions and image attachments."""
from webapp.core.db import utcnow
from webapp.core.enums import TitledEnum
from webapp.extensions import db

# Limits of what a person types, declared once: columns, services, API schemas and forms read them.
TITLE_MIN, TITLE_MAX = 4, 120
BODY_MIN, BODY_MAX = 2, 20000
TAG_MAX_LEN, TAGS_MAX = 20, 4
REASON_MIN, REASON_MAX = 2, 500
BOARD_NAME_MAX, BOARD_DESCRIPTION_MAX = 64, 300
POSTS_PER_PAGE = 20


class ThreadKind(TitledEnum):
    discussion = ("discussion", "讨论")
    question = ("question", "问题")


class ReportState(TitledEnum):
    open = ("open", "待处理")
    upheld = ("upheld", "已处理（违规）")
    dismissed = ("dismissed", "未发现违规")


class ForumAction(TitledEnum):
    """What the audit log records of the forum."""

    hide_post = ("forum.hide_post", "隐藏帖子")
    restore_post = ("forum.restore_post", "恢复帖子")
    lock_thread = ("forum.lock_thread", "锁定主题")
    unlock_thread = ("forum.unlock_thread", "解除锁定")
    pin_thread = ("forum.pin_thread", "置顶主题")
    unpin_thread = ("forum.unpin_thread", "取消置顶")
    move_thread = ("forum.move_thread", "移动主题")
    suspend_user = ("forum.suspend_user", "禁言用户")
    lift_suspension = ("forum.lift_suspension", "解除禁言")
    dismiss_report = ("forum.dismiss_report", "驳回举报")
    create_board = ("forum.create_board", "新建版块")
    update_board = ("forum.update_board", "修改版块")


class Board(db.Model):
    __tablename__ = "forum_boards"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(64), nullable=False, unique=True)
    name = db.Column(db.String(BOARD_NAME_MAX), nullable=False)
    description = db.Column(db.String(BOARD_DESCRIPTION_MAX), nullable=False, default="", server_default="")
    # The discipline group the board is listed under (数理, 化学, …) and its place in the index.
    group_name = db.Column(db.String(32), nullable=False, default="", server_default="")
    position = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    thread_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    post_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    last_post_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Thread(db.Model):
    __tablename__ = "forum_threads"
    __table_args__ = (
        # The board page: pinned first, then by last activity (keyset by id).
        db.Index("ix_forum_threads_board_order", "board_id", "pinned", "last_post_at", "id"),
    )

    id = db.Column(db.Integer, primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("forum_boards.id"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    kind = db.Column(db.String(16), nullable=False, default=ThreadKind.discussion.value,
                     server_default=ThreadKind.discussion.value)
    tags = db.Column(db.JSON, nullable=False, default=list)
    pinned = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    locked = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    lock_reason = db.Column(db.String(REASON_MAX))
    # The asker's accepted answer: a post of this thread (no foreign key: the two tables would
    # reference each other, and posts are never deleted, only marked).
    accepted_post_id = db.Column(db.Integer)
    # Posts in the thread, the first included (numbers run 0 … post_count - 1).
    post_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    view_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    last_post_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_poster_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    board = db.relationship("Board")
    author = db.relationship("User", foreign_keys=[author_id])
    last_poster = db.relationship("User", foreign_keys=[last_poster_id])

    @property
    def kind_enum(self):
        return ThreadKind(self.kind)

    @property
    def reply_count(self):
        return max(0, self.post_count - 1)


class Post(db.Model):
    __tablename__ = "forum_posts"
    __table_args__ = (
        # A thread's pages are ranges of numbers on this index: the last page costs what the first does.
        db.UniqueConstraint("thread_id", "number", name="uq_forum_posts_thread_id_number"),
        db.Index("ix_forum_posts_author", "author_id", "hidden_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("forum_threads.id", ondelete="CASCADE"), nullable=False)
    number = db.Column(db.Integer, nullable=False)  # 0: the first post
    author_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    body = db.Column(db.Text, nullable=False)
    # Rendered and sanitised once when written (core.text), not on every page view.
    body_html = db.Column(db.Text, nullable=False, default="", server_default="")
    quote_post_id = db.Column(db.Integer, db.ForeignKey("forum_posts.id", ondelete="SET NULL"))
    like_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    edited_at = db.Column(db.DateTime)
    deleted_at = db.Column(db.DateTime)
    hidden_at = db.Column(db.DateTime)
    hidden_reason = db.Column(db.String(REASON_MAX))

    thread = db.relationship("Thread", foreign_keys=[thread_id])
    author = db.relationship("User", foreign_keys=[author_id])

    @property
    def edited(self):
        return self.edited_at is not None

    @property
    def removed(self):
        return self.deleted_at is not None or self.hidden_at is not None


class PostRevision(db.Model):
    """The body a post had before an edit (every revision kept)."""

    __tablename__ = "forum_post_revisions"

    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False, index=True)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)  # when it was replaced
    editor_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))

    editor = db.relationship("User")


class PostLike(db.Model):
    __tablename__ = "forum_post_likes"
    __table_args__ = (db.UniqueConstraint("post_id", "user_id", name="uq_forum_post_likes_post_id_user_id"),)

    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Subscription(db.Model):
    """A user's relation to a thread: subscribed (notified of replies) or muted, bookmarked,
    and how far they have read."""

    __tablename__ = "forum_subscriptions"
    __table_args__ = (db.UniqueConstraint("thread_id", "user_id", name="uq_forum_subscriptions_thread_id_user_id"),)

    id = db.Column(db.Integer, primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("forum_threads.id", ondelete="CASCADE"), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    # Notified of replies when subscribed and not muted; muting wins over replying again.
    subscribed = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    muted = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    bookmarked = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # Read tracking: the highest post number the user has seen (written by a POST, never by a GET).
    last_read_number = db.Column(db.Integer)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Report(db.Model):
    __tablename__ = "forum_reports"
    __table_args__ = (db.Index("ix_forum_reports_state", "state", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False)
    reporter_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    reason = db.Column(db.String(REASON_MAX), nullable=False)
    state = db.Column(db.String(16), nullable=False, default=ReportState.open.value,
                      server_default=ReportState.open.value)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    resolved_at = db.Column(db.DateTime)
    resolved_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    outcome = db.Column(db.String(REASON_MAX))

    post = db.relationship("Post")
    reporter = db.relationship("User", foreign_keys=[reporter_id])

    @property
    def state_enum(self):
        return ReportState(self.state)


class ForumSuspension(db.Model):
    """The forum's own suspension: no posting until `until` (the account can still log in)."""

    __tablename__ = "forum_suspensions"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    until = db.Column(db.DateTime, nullable=False)
    reason = db.Column(db.String(REASON_MAX), nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    lifted_at = db.Column(db.DateTime)

    user = db.relationship("User", foreign_keys=[user_id])


class ForumImage(db.Model):
    """An image uploaded for a post, served from /forum/uploads/<key>."""

    __tablename__ = "forum_images"

    id = db.Column(db.Integer, primary_key=True)
    storage_key = db.Column(db.String(64), nullable=False, unique=True)
    uploader_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    mime = db.Column(db.String(32), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
