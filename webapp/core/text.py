"""User text to safe HTML: Markdown rendered by markdown-it-py, then sanitised by bleach.

This is the only place that sanitises. One allow-list; a later move to nh3 is one file.
Sanitise after rendering, never before.
"""
import bleach
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title"],
    "th": ["align"],
    "td": ["align"],
    "code": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# html=False: raw HTML in the source is shown as text, not passed through.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable("strikethrough")


def _link_attrs(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if href.startswith(("http://", "https://")):
        attrs[(None, "rel")] = "nofollow noopener noreferrer"
        attrs[(None, "target")] = "_blank"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[],
)


def sanitize_html(html):
    """Sanitise HTML against the one allow-list; returns Markup safe to render."""
    cleaned = _cleaner.clean(html or "")
    cleaned = bleach.linkify(cleaned, callbacks=[_link_attrs], skip_tags=["pre", "code"], parse_email=False)
    return Markup(cleaned)


def render_markdown(text):
    """Markdown source → sanitised HTML (Markup)."""
    return sanitize_html(_md.render(text or ""))


def plain_text(text):
    """Plain text with line breaks → safe HTML paragraphs (for bios and short notes)."""
    escaped = bleach.clean(text or "", tags=set(), strip=True)
    paragraphs = [p.replace("\n", "<br>") for p in escaped.split("\n\n") if p.strip()]
    return Markup("".join(f"<p>{p}</p>" for p in paragraphs))
