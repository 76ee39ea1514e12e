"""Discovery: the front page's featured and latest content, and 为你推荐 — articles for a
logged-in reader from their discipline tags and reading history, each with its reason."""
from dataclasses import dataclass

from sqlalchemy import func

from webapp.core.db import utcnow
from webapp.core.permissions import is_authenticated
from webapp.extensions import db
from webapp.science.models import Article, ArticleRead, ScienceTag, Video, article_tags
from webapp.science.services.articles import cards


@dataclass
class Recommendation:
    article: Article
    reason: str


def front_page(latest=8, featured=3, videos=4):
    now = utcnow()
    public = cards(Article.query.filter(Article.public_filter(now)))
    featured_rows = (public.filter(Article.featured.is_(True))
                     .order_by(Article.published_at.desc(), Article.id.desc()).limit(featured).all())
    shown = [a.id for a in featured_rows] or [0]
    latest_rows = (public.filter(Article.id.notin_(shown))
                   .order_by(Article.published_at.desc(), Article.id.desc()).limit(latest).all())
    video_rows = (cards(Video.query, Video).filter(Video.public_filter(now))
                  .order_by(Video.published_at.desc(), Video.id.desc()).limit(videos).all())
    return {"featured": featured_rows, "latest": latest_rows, "videos": video_rows}


def _tags_matching(names):
    """{tag id: the discipline it matches} for tags equal to, or a prefix/extension of, a name
    (a reader following 天文学 gets articles tagged 天文)."""
    if not names:
        return {}
    conditions = []
    for name in names:
        conditions.append(ScienceTag.name == name)
        conditions.append(ScienceTag.name.like(f"{name}%"))
        if len(name) > 2:
            conditions.append(ScienceTag.name == name[:-1])
    found = {}
    for tag in ScienceTag.query.filter(db.or_(*conditions)).all():
        for name in names:
            if tag.name == name or tag.name.startswith(name) or (len(name) > 2 and tag.name == name[:-1]):
                found.setdefault(tag.id, name)
                break
    return found


def recommendations(user, limit=6):
    """Public articles the reader has not read, from their disciplines, then from the tags of
    what they read lately, then the most read; each with why it was picked."""
    if not is_authenticated(user):
        return []
    now = utcnow()
    reads = (db.session.query(ArticleRead.article_id).filter(ArticleRead.user_id == user.id)
             .order_by(ArticleRead.read_at.desc()).all())
    read_ids = [a for (a,) in reads]
    picked, seen = [], set(read_ids)

    def take(tag_reasons):
        if not tag_reasons or len(picked) >= limit:
            return
        rows = (cards(db.session.query(Article, article_tags.c.tag_id))
                .join(article_tags, article_tags.c.article_id == Article.id)
                .filter(Article.public_filter(now), article_tags.c.tag_id.in_(list(tag_reasons)),
                        Article.id.notin_(list(seen) or [0]))
                .order_by(Article.published_at.desc(), Article.id.desc()).limit(limit * 4).all())
        for article, tag_id in rows:
            if article.id in seen or len(picked) >= limit:
                continue
            seen.add(article.id)
            picked.append(Recommendation(article, tag_reasons[tag_id]))

    disciplines = [t for t in (user.discipline_tags or []) if t]
    take({tag_id: f"因为你关注 {name}" for tag_id, name in _tags_matching(disciplines).items()})
    if read_ids and len(picked) < limit:
        recent = read_ids[:5]
        rows = (db.session.query(article_tags.c.article_id, article_tags.c.tag_id, Article.title)
                .join(Article, Article.id == article_tags.c.article_id)
                .filter(article_tags.c.article_id.in_(recent)).all())
        rows.sort(key=lambda row: recent.index(row[0]))
        reasons = {}
        for _article_id, tag_id, title in rows:
            reasons.setdefault(tag_id, f"因为你读过《{title}》")
        take(reasons)
    if len(picked) < limit:
        popular = (cards(Article.query).filter(Article.public_filter(now), Article.id.notin_(list(seen) or [0]))
                   .order_by(Article.read_count.desc(), Article.published_at.desc()).limit(limit - len(picked)).all())
        picked += [Recommendation(a, "热门科普") for a in popular]
    return picked


def tag_cloud(limit=30):
    """The most used tags of public articles, with their counts (cached: a whole-table count)."""
    from webapp.science.services.cache import cached

    return cached("tag_cloud", limit, lambda: _tag_cloud(limit))


def _tag_cloud(limit):
    now = utcnow()
    rows = (db.session.query(ScienceTag.name, func.count(Article.id).label("n"))
            .join(article_tags, article_tags.c.tag_id == ScienceTag.id)
            .join(Article, Article.id == article_tags.c.article_id)
            .filter(Article.public_filter(now)).group_by(ScienceTag.name)
            .order_by(func.count(Article.id).desc(), ScienceTag.name).limit(limit).all())
    return [(name, n) for name, n in rows]


def load_tags(articles):
    """Load the tags of many articles in one query (for API lists that show them)."""
    from sqlalchemy.orm import selectinload

    ids = [a.id for a in articles]
    if ids:
        Article.query.options(selectinload(Article.tags)).filter(Article.id.in_(ids)).all()
