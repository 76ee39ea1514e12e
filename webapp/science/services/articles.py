"""Articles: categories, tags, writing and revising drafts, reading, lists and related articles."""
import secrets

from flask import has_request_context, request
from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload

from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard, is_authenticated
from webapp.extensions import db
from webapp.science.models import (
    BODY_MAX,
    BODY_MIN,
    SUMMARY_MAX,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Article,
    ArticleRead,
    ScienceCategory,
    ScienceTag,
    article_tags,
    tag_filter,
)
from webapp.science.services.rules import is_editor, why_not_edit, why_not_view, why_not_write

DEFAULT_CATEGORIES = (
    ("popular", "科普文章"),
    ("policy", "政策解读"),
    ("news", "科技资讯"),
    ("opinion", "专家观点"),
)


# ---------------------------------------------------------------- categories and tags

def categories():
    """The categories, in order (the defaults are created on first use); read once a request."""
    # Kept in the request's environ, not `g`: the app context (and `g`) may outlive a request.
    cache = request.environ if has_request_context() else {}
    if "science.categories" in cache:
        return cache["science.categories"]
    rows = ScienceCategory.query.order_by(ScienceCategory.position, ScienceCategory.id).all()
    if rows:
        cache["science.categories"] = rows
        return rows
    for position, (slug, name) in enumerate(DEFAULT_CATEGORIES):
        db.session.add(ScienceCategory(slug=slug, name=name, position=position))
    db.session.flush()
    return ScienceCategory.query.order_by(ScienceCategory.position, ScienceCategory.id).all()


def category_by_slug(slug):
    categories()
    category = ScienceCategory.query.filter_by(slug=slug).first()
    if category is None:
        raise NotFound("没有这个栏目")
    return category


def category_by_name(name):
    return next((c for c in categories() if c.name == name or c.slug == name), None)


def clean_tags(values):
    """Tag names from a list or a comma-separated string: trimmed, unique, bounded."""
    if isinstance(values, str):
        values = values.replace("，", ",").split(",")
    tags = []
    for value in values or ():
        name = str(value).strip().lstrip("#")
        if name and name not in tags:
            tags.append(name)
    if len(tags) > TAGS_MAX:
        raise ValidationError(fields={"tags": f"标签最多 {TAGS_MAX} 个"})
    if any(len(t) > TAG_MAX for t in tags):
        raise ValidationError(fields={"tags": f"每个标签不能超过 {TAG_MAX} 字"})
    return tags


def tags_named(names):
    if not names:
        return []
    existing = {t.name: t for t in ScienceTag.query.filter(ScienceTag.name.in_(names))}
    for name in names:
        if name not in existing:
            existing[name] = ScienceTag(name=name)
            db.session.add(existing[name])
    return [existing[n] for n in names]


# ---------------------------------------------------------------- writing

def _check(title, summary, body, category_id):
    title, summary, body = (title or "").strip(), (summary or "").strip(), (body or "").strip()
    problems = {}
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        problems["title"] = f"标题应为 {TITLE_MIN}–{TITLE_MAX} 字"
    if len(summary) > SUMMARY_MAX:
        problems["summary"] = f"摘要不能超过 {SUMMARY_MAX} 字"
    if not BODY_MIN <= len(body) <= BODY_MAX:
        problems["body"] = f"正文应为 {BODY_MIN}–{BODY_MAX} 字"
    ids = {c.id for c in categories()}
    if category_id not in ids:
        problems["category_id"] = "请选择栏目"
    return title, summary, body, problems


def create_article(user, title, summary, body, category_id, tags=(), cover=None, slug=None):
    """A new draft, seen only by its author and the editors."""
    guard(why_not_write(user))
    title, summary, body, problems = _check(title, summary, body, category_id)
    try:
        names = clean_tags(tags)
    except ValidationError as exc:
        problems.update(exc.fields)
        names = []
    cover_key = None
    if cover is not None:
        from webapp.science.services import media

        try:
            cover_key = media.save_cover(cover)
        except ValidationError as exc:
            problems["cover"] = exc.message
    if problems:
        raise ValidationError(fields=problems)
    article = Article(slug=slug or f"a-{secrets.token_hex(6)}", title=title, summary=summary, body=body,
                      category_id=category_id, author_id=user.id, tags=tags_named(names), cover_key=cover_key)
    db.session.add(article)
    db.session.flush()
    return article


def update_article(user, article, title, summary, body, category_id, tags=(), cover=None):
    guard(why_not_edit(user, article))
    title, summary, body, problems = _check(title, summary, body, category_id)
    try:
        names = clean_tags(tags)
    except ValidationError as exc:
        problems.update(exc.fields)
        names = []
    if cover is not None:
        from webapp.science.services import media

        try:
            article.cover_key = media.save_cover(cover)
        except ValidationError as exc:
            problems["cover"] = exc.message
    if problems:
        raise ValidationError(fields=problems)
    article.title, article.summary, article.body, article.category_id = title, summary, body, category_id
    article.tags = tags_named(names)
    db.session.flush()
    return article


# ---------------------------------------------------------------- reading

def get_article(article_id, user):
    """The article if `user` may see it; NotFound (as for a missing one) otherwise."""
    article = get_by_id(Article, article_id)
    if article is None:
        raise NotFound("找不到该文章")
    guard(why_not_view(user, article))
    return article


def record_read(user, article):
    """Count a reading of a public article; remember it in a logged-in reader's history."""
    if not article.is_public(utcnow()):
        return
    # A reading is no change of the article: its updated_at stays.
    db.session.execute(db.update(Article).where(Article.id == article.id)
                       .values(read_count=Article.read_count + 1, updated_at=Article.updated_at))
    if is_authenticated(user):
        existing = ArticleRead.query.filter_by(user_id=user.id, article_id=article.id).first()
        if existing is None:
            db.session.add(ArticleRead(user_id=user.id, article_id=article.id))
        else:
            existing.read_at = utcnow()
    db.session.flush()


def cards(query, model=Article):
    """`query` with what an article card shows: its author (without the author's roles)."""
    from webapp.accounts.models import User

    options = [joinedload(model.author).lazyload(User.role_grants)]
    if model is Article:
        options.append(defer(Article.body))  # a card shows the summary
    return query.options(*options)


def public_articles(category=None, tag=None):
    """A query of the public articles, newest first."""
    query = cards(Article.query.filter(Article.public_filter(utcnow())))
    if category is not None:
        query = query.filter(Article.category_id == category.id)
    if tag:
        query = query.filter(tag_filter(Article, tag))
    return query.order_by(Article.published_at.desc(), Article.id.desc())


def count_public(category=None, tag=None):
    query = db.session.query(func.count(Article.id)).filter(Article.public_filter(utcnow()))
    if category is not None:
        query = query.filter(Article.category_id == category.id)
    if tag:
        query = query.filter(tag_filter(Article, tag))
    return query.scalar()


def articles_by(user, author):
    """An author's own articles, every state (their drafts page)."""
    return Article.query.filter(Article.author_id == author.id).order_by(Article.updated_at.desc(), Article.id.desc())


def review_queue(user):
    from webapp.science.services.rules import why_not_review_queue

    guard(why_not_review_queue(user))
    from webapp.science.models import ContentState

    return Article.query.filter(Article.state == ContentState.submitted.value).order_by(Article.submitted_at)


def related_articles(article, limit=4):
    """Public articles sharing the most tags with `article`, then its category, newest first
    (which ones is cached a while: counting shared tags reads many rows)."""
    from webapp.science.services.cache import cached

    computed = []

    def compute():
        computed.extend(_related_articles(article, limit))
        return [a.id for a in computed]

    ids = cached("related", (article.id, limit), compute)
    if computed or not ids:  # computed just now: no second query
        return computed
    rows = {a.id: a for a in cards(Article.query).filter(Article.id.in_(ids), Article.public_filter(utcnow()))}
    return [rows[i] for i in ids if i in rows]


def rendered_body(article):
    """The article's body as sanitised HTML, rendered once per version (cached)."""
    from webapp.core.text import render_markdown
    from webapp.science.services.cache import cached

    return cached("body", (article.id, article.updated_at), lambda: render_markdown(article.body))


def _related_articles(article, limit):
    now = utcnow()
    tag_ids = [t.id for t in article.tags]
    picked = []
    if tag_ids:
        shared = (select(article_tags.c.article_id, func.count().label("n"))
                  .where(article_tags.c.tag_id.in_(tag_ids), article_tags.c.article_id != article.id)
                  .group_by(article_tags.c.article_id).order_by(func.count().desc(), article_tags.c.article_id.desc())
                  .limit(limit * 3).subquery())
        rows = (cards(Article.query).join(shared, shared.c.article_id == Article.id)
                .filter(Article.public_filter(now)).order_by(shared.c.n.desc(), Article.published_at.desc())
                .limit(limit).all())
        picked.extend(rows)
    if len(picked) < limit:
        more = (cards(Article.query).filter(Article.public_filter(now), Article.category_id == article.category_id,
                                     Article.id != article.id, Article.id.notin_([a.id for a in picked] or [0]))
                .order_by(Article.published_at.desc()).limit(limit - len(picked)).all())
        picked.extend(more)
    return picked


def visible_to(user):
    """SQL filter: what `user` may see (public, plus their own; editors everything)."""
    public = Article.public_filter(utcnow())
    if is_editor(user):
        return db.true()
    if is_authenticated(user):
        return db.or_(public, Article.author_id == user.id)
    return public
