"""What the science hub puts in the site search (collected by webapp.search): published
articles, published videos (with their transcripts) and the map's bases."""
from flask import url_for

from webapp.core.db import utcnow
from webapp.core.text import render_markdown
from webapp.science.models import Article, ScienceBase, Video


def _plain(markdown):
    """Markdown as the plain text a reader sees (no markup, no HTML)."""
    return render_markdown(markdown).striptags()


def _tag_names(item):
    return [t.name for t in item.tags]


def article_document(article):
    if not article.is_public(utcnow()):
        return None
    return {"title": article.title, "body": f"{article.summary}\n{_plain(article.body)}",
            "url": url_for("science.article", article_id=article.id), "created_at": article.published_at,
            "discipline": None, "category": article.category.name, "tags": _tag_names(article)}


def video_document(video):
    if not video.is_public(utcnow()):
        return None
    return {"title": video.title, "body": f"{video.description}\n{video.transcript}",
            "url": url_for("science.video", video_id=video.id), "created_at": video.published_at,
            "discipline": None, "category": video.category.name, "tags": _tag_names(video)}


def base_document(base):
    return {"title": base.name,
            "body": f"{base.type_enum.title} {base.province} {base.city} {base.address}\n{base.description}",
            "url": url_for("science.base", base_id=base.id), "created_at": base.created_at,
            "discipline": None, "category": base.type_enum.title, "tags": [base.city] if base.city else []}


def all_articles():
    return Article.query.filter(Article.public_filter(utcnow())).order_by(Article.id).yield_per(500)


def all_videos():
    return Video.query.filter(Video.public_filter(utcnow())).order_by(Video.id).yield_per(500)


def all_bases():
    return ScienceBase.query.order_by(ScienceBase.id).yield_per(500)


def search_sources():
    """What this capability puts in the site search (collected by webapp.search)."""
    return [
        {"type": "article", "label": "科普文章", "model": Article, "document": article_document, "all": all_articles},
        {"type": "video", "label": "科普视频", "model": Video, "document": video_document, "all": all_videos},
        {"type": "base", "label": "科普基地", "model": ScienceBase, "document": base_document, "all": all_bases},
    ]
