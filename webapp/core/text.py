"""User text to safe HTML: Markdown rendered by markdown-it-py, then sanitised by bleach.

This is the only place that sanitises. One allow-list; a later move to nh3 is one file.
Sanitise after rendering, never before.

TeX math (`$…$` inline, `$$…$$` display) leaves here as its escaped source in
`<span class="math-inline">` / `<div class="math-display">`; static/js/math.js typesets those
elements with the vendored KaTeX in the browser (only on pages that have any), so the server
never interprets TeX and a reader without JavaScript still sees the formula's source.
"""
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup, escape
from mdit_py_plugins.dollarmath import dollarmath_plugin

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "span", "div",
})
MATH_CLASSES = frozenset({"math-inline", "math-display"})


def _math_class_only(tag, name, value):
    """span/div exist in the allow-list only as math containers: their one attribute is that class."""
    return name == "class" and value in MATH_CLASSES


ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title"],
    "th": ["align"],
    "td": ["align"],
    "code": ["class"],
    "span": _math_class_only,
    "div": _math_class_only,
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# html=False: raw HTML in the source is shown as text, not passed through.
_md = (MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
       .enable("table").enable("strikethrough")
       # allow_digits=False: "$5 和 $10" stays text; labels ($$…$$ (eq1)) are not ours.
       .use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=False, double_inline=True))


def _math_rule(tag, css_class):
    def render(self, tokens, idx, options, env):
        source = escapeHtml(tokens[idx].content.strip())
        return f'<{tag} class="{css_class}">{source}</{tag}>' + ("\n" if tag == "div" else "")
    return render


_md.add_render_rule("math_inline", _math_rule("span", "math-inline"))
_md.add_render_rule("math_inline_double", _math_rule("div", "math-display"))
_md.add_render_rule("math_block", _math_rule("div", "math-display"))


def _link_attrs(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if href.lower().startswith(("http://", "https://", "//")):
        attrs[(None, "rel")] = "nofollow noopener noreferrer"
        attrs[(None, "target")] = "_blank"
    return attrs


# Linkify as a filter of the same pass: a separate bleach.linkify() with skip_tags
# escapes the text inside <pre>/<code> a second time (`a < b` showed as `a &lt; b`).
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_attrs], skip_tags=["pre", "code"], parse_email=False)],
)


def sanitize_html(html):
    """Sanitise HTML against the one allow-list; returns Markup safe to render."""
    return Markup(_cleaner.clean(html or ""))


def render_markdown(text):
    """Markdown source → sanitised HTML (Markup)."""
    return sanitize_html(_md.render(text or ""))


def plain_text(text):
    """Plain text with line breaks → safe HTML paragraphs (for bios and short notes).

    Everything is escaped, so the reader sees exactly what was typed (`<b>` included).
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [str(escape(p.strip("\n"))).replace("\n", "<br>") for p in text.split("\n\n") if p.strip()]
    return Markup("".join(f"<p>{p}</p>" for p in paragraphs))


def quoted(text):
    """`text` in Chinese double quotes, its own double quotes turned single: “…‘…’…”.

    For names and titles quoted inside a message (a suggestion titled 关于“双一流”建设 reads
    “关于‘双一流’建设” in a notification), never for HTML: the result is plain text.
    """
    text = str(text or "").replace("“", "‘").replace("”", "’").replace('"', "'")
    return f"“{text}”"
