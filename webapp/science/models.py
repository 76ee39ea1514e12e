"""The popular-science hub (互联网+科普): articles and videos under one editorial workflow,
their categories and tags, the science-education bases of the map, and reading history."""
from sqlalchemy.ext.declarative import declared_attr

from webapp.core.db import utcnow
from webapp.core.enums import TitledEnum
from webapp.extensions import db

TITLE_MIN, TITLE_MAX = 4, 120
SUMMARY_MAX = 500
BODY_MIN, BODY_MAX = 20, 60000
COMMENT_MAX = 2000
TAGS_MAX = 8
TAG_MAX = 24
SLUG_MAX = 80


class ContentState(TitledEnum):
    draft = ("draft", "草稿")
    submitted = ("submitted", "待审核")
    changes_requested = ("changes_requested", "需修改")
    rejected = ("rejected", "未通过")
    approved = ("approved", "已通过")
    published = ("published", "已发布")


# Approved content is public once its publication time has come (approved with a future
# time is "scheduled"); `flask science publish-due` then marks it published. `published_at`
# is set by the approval only, and no transition leaves approved or published: so "public"
# is `published_at <= now`, one indexed range (the lists' index is (published_at, id)).
PUBLIC_STATES = (ContentState.approved.value, ContentState.published.value)
EDITABLE_STATES = (ContentState.draft.value, ContentState.changes_requested.value)


class BaseType(TitledEnum):
    science_museum = ("science_museum", "科技馆")
    museum = ("museum", "博物馆")
    botanical_garden = ("botanical_garden", "植物园")
    observatory = ("observatory", "天文台")
    institute = ("institute", "科研院所")
    zoo = ("zoo", "动物园")
    nature_reserve = ("nature_reserve", "自然保护区")
    education_base = ("education_base", "科普基地")

    @classmethod
    def from_title(cls, title):
        for member in cls:
            if member.title == title or member.value == title:
                return member
        return None


class ScienceAction(TitledEnum):
    """What the audit log records of the science hub."""

    submit = ("science.submit", "提交科普内容")
    approve = ("science.approve", "通过科普内容")
    request_changes = ("science.request_changes", "退回修改科普内容")
    reject = ("science.reject", "拒绝科普内容")
    publish = ("science.publish", "发布科普内容")
    base_save = ("science.base.save", "保存科普基地")
    imported = ("science.import", "导入科普内容")


class ScienceCategory(db.Model):
    __tablename__ = "science_categories"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(40), nullable=False, unique=True)
    name = db.Column(db.String(40), nullable=False, unique=True)
    position = db.Column(db.Integer, nullable=False, default=0, server_default="0")


class ScienceTag(db.Model):
    __tablename__ = "science_tags"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(TAG_MAX), nullable=False, unique=True)


article_tags = db.Table(
    "science_article_tags",
    db.Column("article_id", db.Integer, db.ForeignKey("science_articles.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("science_tags.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)
video_tags = db.Table(
    "science_video_tags",
    db.Column("video_id", db.Integer, db.ForeignKey("science_videos.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("science_tags.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class Reviewed:
    """The editorial workflow's columns, shared by articles and videos."""

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(SLUG_MAX), nullable=False, unique=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    state = db.Column(db.String(20), nullable=False, default=ContentState.draft.value, index=True)
    # The author was a verified expert when submitting (专家).
    expert = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    featured = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    review_comment = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    submitted_at = db.Column(db.DateTime)
    # When it becomes (or became) public; set on approval only (see PUBLIC_STATES).
    published_at = db.Column(db.DateTime)

    @declared_attr
    def category_id(cls):
        return db.Column(db.Integer, db.ForeignKey("science_categories.id"), nullable=False, index=True)

    @declared_attr
    def author_id(cls):
        return db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)

    @declared_attr
    def reviewer_id(cls):
        return db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def category(cls):
        return db.relationship(ScienceCategory, lazy="joined")

    @declared_attr
    def author(cls):
        return db.relationship("User", foreign_keys=[cls.author_id], lazy="joined")

    @property
    def state_enum(self):
        return ContentState(self.state)

    @classmethod
    def public_filter(cls, now):
        """The SQL form of `is_public` (NULL, before approval, compares false)."""
        return cls.published_at <= now

    def is_public(self, now):
        return self.published_at is not None and self.published_at <= now

    def is_scheduled(self, now):
        return self.state == ContentState.approved.value and self.published_at is not None and self.published_at > now


class Article(Reviewed, db.Model):
    __tablename__ = "science_articles"
    __table_args__ = (
        db.Index("ix_science_articles_published_id", "published_at", "id"),
        db.Index("ix_science_articles_category_published", "category_id", "published_at", "id"),
    )

    summary = db.Column(db.String(SUMMARY_MAX), nullable=False, default="", server_default="")
    body = db.Column(db.Text, nullable=False)
    cover_key = db.Column(db.String(64))
    read_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    tags = db.relationship(ScienceTag, secondary=article_tags, lazy="select", order_by=ScienceTag.name)

    kind = "article"


class Video(Reviewed, db.Model):
    __tablename__ = "science_videos"
    __table_args__ = (db.Index("ix_science_videos_published_id", "published_at", "id"),)

    description = db.Column(db.Text, nullable=False, default="", server_default="")
    transcript = db.Column(db.Text, nullable=False, default="", server_default="")
    duration = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    file_key = db.Column(db.String(64))
    mime = db.Column(db.String(32))
    size = db.Column(db.BigInteger, nullable=False, default=0, server_default="0")
    poster_key = db.Column(db.String(64))

    tags = db.relationship(ScienceTag, secondary=video_tags, lazy="select", order_by=ScienceTag.name)

    kind = "video"


class ArticleRead(db.Model):
    """A logged-in reader opened an article (reading history, for recommendations)."""

    __tablename__ = "science_article_reads"
    __table_args__ = (db.UniqueConstraint("user_id", "article_id", name="uq_science_article_reads_user_article"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    article_id = db.Column(db.Integer, db.ForeignKey("science_articles.id", ondelete="CASCADE"), nullable=False)
    read_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class ScienceBase(db.Model):
    """A science-education base on the map (科普教育基地)."""

    __tablename__ = "science_bases"
    __table_args__ = (db.Index("ix_science_bases_lon_lat", "lon", "lat"),)

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False, unique=True)
    type = db.Column(db.String(32), nullable=False, index=True)
    city = db.Column(db.String(40), nullable=False, default="", server_default="", index=True)
    province = db.Column(db.String(40), nullable=False, default="", server_default="")
    address = db.Column(db.String(200), nullable=False, default="", server_default="")
    lon = db.Column(db.Float, nullable=False)
    lat = db.Column(db.Float, nullable=False)
    opening_hours = db.Column(db.String(200), nullable=False, default="", server_default="")
    phone = db.Column(db.String(60), nullable=False, default="", server_default="")
    website = db.Column(db.String(200), nullable=False, default="", server_default="")
    description = db.Column(db.Text, nullable=False, default="", server_default="")
    photo_key = db.Column(db.String(64))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    @property
    def type_enum(self):
        return BaseType(self.type)


def tag_filter(model, tag_name):
    table = article_tags if model is Article else video_tags
    column = table.c.article_id if model is Article else table.c.video_id
    return model.id.in_(db.select(column).join(ScienceTag, ScienceTag.id == table.c.tag_id)
                        .where(ScienceTag.name == tag_name))

