"""User text → safe HTML: Markdown rendered then sanitised, and plain text escaped."""
import re

import pytest
from markupsafe import Markup

from webapp.core.text import plain_text, render_markdown, sanitize_html


def tags_in(html):
    return set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", str(html)))


def hrefs_in(html):
    return re.findall(r'href="([^"]*)"', str(html))


def test_returns_markup():
    assert isinstance(render_markdown("x"), Markup)
    assert isinstance(plain_text("x"), Markup)
    assert render_markdown(None) == "" and plain_text(None) == ""


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "前言\n\n<script src=\"https://evil.example/x.js\"></script>\n\n后记",
    "<SCRIPT>alert(1)</SCRIPT>",
])
def test_script_tags_are_neutralised(source):
    html = str(render_markdown(source))
    assert "<script" not in html.lower()
    # Shown as text instead, so the author sees what happened.
    assert "&lt;script" in html.lower()


@pytest.mark.parametrize("source", [
    "hi <img src=x onerror=alert(1)>",
    '<div onclick="steal()">x</div>',
    "<svg onload=alert(1)>",
    "![ok](https://example.org/a.png)",   # a real <img>: must carry no event handler either
])
def test_no_event_handler_attributes(source):
    html = str(render_markdown(source))
    assert not re.search(r"<[^>]+\son\w+\s*=", html), html


def test_onerror_on_real_html_is_removed_by_the_sanitiser():
    html = str(sanitize_html('<img src="/a.png" onerror="alert(1)"><p onmouseover="x()">t</p>'))
    assert "onerror" not in html and "onmouseover" not in html
    assert '<img src="/a.png">' in html


@pytest.mark.parametrize("source", [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "![i](javascript:alert(1))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[v](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
])
def test_dangerous_link_protocols_never_become_hrefs(source):
    html = str(render_markdown(source))
    for href in hrefs_in(html):
        assert not href.lower().startswith(("javascript", "data", "vbscript")), html
    assert not re.search(r'src="\s*javascript', html, re.I)


def test_javascript_href_in_raw_html_is_dropped_by_the_sanitiser():
    html = str(sanitize_html('<a href="javascript:alert(1)">x</a> <a href="jav&#x09;ascript:alert(1)">y</a>'))
    assert "javascript" not in html.lower()
    assert ">x</a>" in html  # the link text survives


def test_raw_html_blocks_are_shown_as_text():
    source = '<div class="x" style="position:fixed">\n\n**b**\n\n</div>\n\n<iframe src="https://evil.example"></iframe>'
    html = str(render_markdown(source))
    assert not tags_in(html) & {"div", "iframe", "style"}
    assert not re.search(r"<[^>]*\sstyle=", html)  # only as escaped text
    assert "&lt;iframe" in html
    assert "<strong>b</strong>" in html


def test_markdown_formatting_is_kept():
    html = str(render_markdown("**粗体** 和 *斜体*\n\n- 一\n- 二\n\n> 引用\n\n~~删除~~"))
    assert "<strong>粗体</strong>" in html
    assert "<em>斜体</em>" in html
    assert "<li>一</li>" in html and "<blockquote>" in html
    assert "<s>删除</s>" in html or "<del>删除</del>" in html


def test_tables_are_kept():
    html = str(render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |"))
    assert "<table>" in html and "<td>1</td>" in html


def test_external_links_get_nofollow_noopener():
    html = str(render_markdown("见 [论文](https://example.org/paper?id=1&v=2)"))
    link = re.search(r"<a [^>]*>", html).group(0)
    rel = re.search(r'rel="([^"]*)"', link).group(1).split()
    assert {"nofollow", "noopener"} <= set(rel)
    assert 'href="https://example.org/paper?id=1&amp;v=2"' in link


def test_bare_urls_are_linked_with_nofollow():
    html = str(render_markdown("访问 https://example.org 了解更多"))
    assert re.search(r'<a href="https://example.org"[^>]*rel="[^"]*nofollow', html)


def test_protocol_relative_links_count_as_external():
    html = str(render_markdown("[x](//evil.example/path)"))
    assert "nofollow" in html


def test_internal_links_stay_plain():
    html = str(render_markdown("[主页](/u/zhang)"))
    assert '<a href="/u/zhang">主页</a>' in html


def test_code_is_escaped_exactly_once():
    # A regression: linkifying in a second pass double-escaped code, so `a < b` showed
    # to readers as `a &lt; b`.
    html = str(render_markdown("`<b>` and\n\n```\nif a < b && c:\n    pass\n```"))
    assert "<code>&lt;b&gt;</code>" in html
    assert "if a &lt; b &amp;&amp; c:" in html
    assert "&amp;lt;" not in html


def test_urls_inside_code_are_not_linked():
    html = str(render_markdown("`https://example.org/x`"))
    assert "<a " not in html


def test_plain_text_escapes_html_instead_of_interpreting_it():
    html = str(plain_text('<script>alert(1)</script> <b>粗</b> a & "b"'))
    assert "<script" not in html and "<b>" not in html
    # Escaped, not stripped: the reader sees exactly what was typed.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;粗&lt;/b&gt;" in html
    assert "a &amp; " in html


def test_plain_text_paragraphs_and_line_breaks():
    html = str(plain_text("第一段\n第二行\r\n\r\n第二段\n\n\n"))
    assert html == "<p>第一段<br>第二行</p><p>第二段</p>"


def test_markdown_source_is_not_interpreted_by_plain_text():
    assert str(plain_text("**不是粗体**")) == "<p>**不是粗体**</p>"


# --- TeX math: escaped source in math containers, typeset by static/js/math.js -------------

def test_inline_and_display_math_keep_their_escaped_source():
    html = str(render_markdown("能量 $E=mc^2$。\n\n$$\\frac{a}{b} < c$$\n\n行内 $$x_1$$ 也行"))
    assert '<span class="math-inline">E=mc^2</span>' in html
    assert '<div class="math-display">\\frac{a}{b} &lt; c</div>' in html
    assert '<div class="math-display">x_1</div>' in html


@pytest.mark.parametrize("source", [
    "价格 $5 和 $10",        # money, not math
    "`$x$` 在代码里",
    "```\n$$y$$\n```",
    "转义 \\$x\\$",
])
def test_dollars_that_are_not_math_stay_text(source):
    assert "math-" not in str(render_markdown(source))


@pytest.mark.parametrize("source", [
    "$<script>alert(1)</script>$",
    "$$</div><img src=x onerror=alert(1)>$$",
    "$\\href{javascript:alert(1)}{x}$",
])
def test_math_source_cannot_inject_markup(source):
    html = str(render_markdown(source))
    assert tags_in(html) <= {"p", "span", "div"}  # the TeX source is text, never markup
    assert "<script" not in html and "<img" not in html and "href=" not in html


def test_span_and_div_pass_only_as_math_containers():
    html = str(sanitize_html('<span class="math-inline" onclick="x">a</span><div class="evil" style="x">b</div>'
                             '<span class="math-display math-inline">c</span>'))
    assert html == '<span class="math-inline">a</span><div>b</div><span>c</span>'
