"""Atom feeds of the published articles (all, and per category) and the site's /sitemap.xml.

Both are built with ElementTree, so what they carry is always well-formed XML; only public
content is in them (the same `public_filter` as the pages).
"""
import xml.etree.ElementTree as ET
from datetime import UTC

from flask import Blueprint, Response, current_app, request, url_for

from webapp.core.db import utcnow
from webapp.science import services
from webapp.science.models import Article, ScienceBase, Video

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 30
SITEMAP_MAX = 50000

sitemap_bp = Blueprint("sitemap", __name__)


def _iso(moment):
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _absolute(path):
    return request.url_root.rstrip("/") + path


def atom_feed(title, self_path, page_path, articles):
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = _absolute(self_path)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=_absolute(self_path))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=_absolute(page_path))
    updated = max((a.published_at for a in articles), default=utcnow())
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(updated)
    for article in articles:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = _absolute(url_for("science.article", article_id=article.id))
        ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _iso(article.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(max(article.published_at, article.updated_at))
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = article.author.display_name
        ET.SubElement(entry, f"{{{ATOM}}}category", term=article.category.slug, label=article.category.name)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = article.summary or article.title
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def feed_response(category=None):
    articles = services.public_articles(category=category).limit(FEED_SIZE).all()
    if category is None:
        return atom_feed("科技工作者之家 · 科普", url_for("science.feed"), url_for("science.index"), articles)
    return atom_feed(f"科技工作者之家 · {category.name}", url_for("science.category_feed", slug=category.slug),
                     url_for("science.category", slug=category.slug), articles)


# ---------------------------------------------------------------- sitemap

def register_sitemap(app, source):
    """`source()` yields (path, last-modified naive UTC or None) of a capability's public pages."""
    app.extensions.setdefault("sitemap_sources", []).append(source)


def site_pages():
    yield url_for("main.index"), None
    for name in ("about", "contact", "privacy", "terms"):
        yield url_for("main.site_page", name=name), None
    if "suggestions.index" in current_app.view_functions:
        yield url_for("suggestions.index"), None


def science_pages():
    now = utcnow()
    yield url_for("science.index"), None
    yield url_for("science.videos"), None
    yield url_for("science.map"), None
    for category in services.categories():
        yield url_for("science.category", slug=category.slug), None
    rows = (Article.query.with_entities(Article.id, Article.updated_at, Article.published_at)
            .filter(Article.public_filter(now)).order_by(Article.id).yield_per(2000))
    for article_id, updated, published in rows:
        yield url_for("science.article", article_id=article_id), max(updated, published)
    for video_id, updated in (Video.query.with_entities(Video.id, Video.updated_at)
                              .filter(Video.public_filter(now)).order_by(Video.id)):
        yield url_for("science.video", video_id=video_id), updated
    for base_id, updated in ScienceBase.query.with_entities(ScienceBase.id, ScienceBase.updated_at).order_by(ScienceBase.id):
        yield url_for("science.base", base_id=base_id), updated


@sitemap_bp.route("/sitemap.xml")
def sitemap():
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    count = 0
    for source in current_app.extensions.get("sitemap_sources", []):
        for path, modified in source():
            if count >= SITEMAP_MAX:
                break
            url = ET.SubElement(root, f"{{{SITEMAP}}}url")
            ET.SubElement(url, f"{{{SITEMAP}}}loc").text = _absolute(path)
            if modified is not None:
                ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = modified.date().isoformat()
            count += 1
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), mimetype="application/xml")
