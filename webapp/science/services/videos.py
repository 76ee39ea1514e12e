"""Science videos (科普微视): uploading a draft with its poster, reading, lists."""
import secrets

from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.science.models import TITLE_MAX, TITLE_MIN, ContentState, Video, tag_filter
from webapp.science.services import media
from webapp.science.services.articles import categories, clean_tags, tags_named
from webapp.science.services.rules import why_not_review_queue, why_not_view, why_not_write

DESCRIPTION_MAX = 5000
TRANSCRIPT_MAX = 100000
DURATION_MAX = 4 * 3600


def create_video(user, title, description, category_id, file, poster=None, tags=(), duration=0, transcript="",
                 slug=None):
    """A new video draft. `file` and `poster` are binary streams."""
    guard(why_not_write(user))
    title, description, transcript = (title or "").strip(), (description or "").strip(), (transcript or "").strip()
    problems = {}
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        problems["title"] = f"标题应为 {TITLE_MIN}–{TITLE_MAX} 字"
    if len(description) > DESCRIPTION_MAX:
        problems["description"] = f"简介不能超过 {DESCRIPTION_MAX} 字"
    if len(transcript) > TRANSCRIPT_MAX:
        problems["transcript"] = f"文字稿不能超过 {TRANSCRIPT_MAX} 字"
    if category_id not in {c.id for c in categories()}:
        problems["category_id"] = "请选择栏目"
    try:
        duration = int(duration or 0)
        if not 0 <= duration <= DURATION_MAX:
            raise ValueError
    except (TypeError, ValueError):
        problems["duration"] = "时长应为 0–14400 秒"
        duration = 0
    try:
        names = clean_tags(tags)
    except ValidationError as exc:
        problems.update(exc.fields)
        names = []
    if file is None:
        problems["file"] = "请上传 MP4 或 WebM 视频"
    if problems:
        raise ValidationError(fields=problems)
    poster_key = None
    if poster is not None:
        try:
            poster_key = media.save_cover(poster)
        except ValidationError as exc:
            raise ValidationError(fields={"poster": exc.message}) from None
    try:
        key, mime, size = media.save_video(file)
    except ValidationError as exc:
        raise ValidationError(fields=exc.fields or {"file": exc.message}) from None
    video = Video(slug=slug or f"v-{secrets.token_hex(6)}", title=title, description=description,
                  transcript=transcript, duration=duration, category_id=category_id, author_id=user.id,
                  tags=tags_named(names), file_key=key, mime=mime, size=size, poster_key=poster_key)
    db.session.add(video)
    db.session.flush()
    return video


def get_video(video_id, user):
    video = get_by_id(Video, video_id)
    if video is None:
        raise NotFound("找不到该视频")
    guard(why_not_view(user, video))
    return video


def public_videos(category=None, tag=None):
    query = Video.query.filter(Video.public_filter(utcnow()))
    if category is not None:
        query = query.filter(Video.category_id == category.id)
    if tag:
        query = query.filter(tag_filter(Video, tag))
    return query.order_by(Video.published_at.desc(), Video.id.desc())


def video_queue(user):
    guard(why_not_review_queue(user))
    return Video.query.filter(Video.state == ContentState.submitted.value).order_by(Video.submitted_at)


def related_articles_for_video(video, limit=4):
    """Public articles sharing the video's tags, else its category."""
    from webapp.science.models import Article, article_tags

    now = utcnow()
    tag_ids = [t.id for t in video.tags]
    rows = []
    if tag_ids:
        ids = db.select(article_tags.c.article_id).where(article_tags.c.tag_id.in_(tag_ids))
        rows = (Article.query.filter(Article.public_filter(now), Article.id.in_(ids))
                .order_by(Article.published_at.desc()).limit(limit).all())
    if len(rows) < limit:
        rows += (Article.query.filter(Article.public_filter(now), Article.category_id == video.category_id,
                                      Article.id.notin_([a.id for a in rows] or [0]))
                 .order_by(Article.published_at.desc()).limit(limit - len(rows)).all())
    return rows
