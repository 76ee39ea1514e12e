"""Hostile input in posts, titles and tags is rendered harmless (a corpus of filter-evasion
payloads), links in posts get rel="nofollow noopener ugc", images only from our uploads, and
TeX math leaves as escaped source in math containers."""
import re
from html.parser import HTMLParser

import pytest

from tests.forum_helpers import board, make_reply, make_thread  # noqa: F401  (fixtures)
from tests.web_helpers import html
from webapp.forum import services

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"/forum/uploads/a.png\" onerror=\"alert(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[点我](java\tscript:alert(1))",
    "[点我](&#106;avascript:alert(1))",
    "[点我](&#x6A;&#x61;vascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.png)",
    "![x](//evil.example/track.png)",
    "![x](/forum/uploads/../../etc/passwd\"onerror=\"alert(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<span class=\"math-inline\" onclick=\"alert(1)\">x</span>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img/src='x'/onerror=alert(1)>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<a href=\"http://example.org\" onmouseover=\"alert(1)\">x</a>",
    "$<img src=x onerror=alert(1)>$",
    "$$</div><script>alert(1)</script>$$",
    "`<script>alert(1)</script>`",
    "<style>body{display:none}</style>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
]

ALLOWED_IN_POSTS = {"p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
                    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody",
                    "tr", "th", "td", "sup", "sub", "span", "div"}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(fragment):
    parser = _Elements()
    parser.feed(fragment)
    return parser.elements


def _scheme_problem(value):
    cleaned = re.sub(r"[\x00-\x20]", "", value or "").lower()
    return cleaned.startswith(("javascript:", "vbscript:", "data:"))


def _dangerous(fragment, allowed=ALLOWED_IN_POSTS):
    """What in `fragment` could run or leak: a tag outside the allow-list, an event handler,
    a script URL, an image not from our uploads. (Escaped text is only text.)"""
    for tag, attrs in elements(fragment):
        if allowed is not None and tag not in allowed:
            return f"tag {tag}"
        if tag == "script":
            return "script"
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                return f"{tag} {name}"
            if name in ("href", "src", "action", "data") and _scheme_problem(value):
                return f"{tag} {name}={value}"
        if allowed is ALLOWED_IN_POSTS and tag == "img" and not (attrs.get("src") or "").startswith("/forum/uploads/"):
            if attrs.get("src"):
                return f"img {attrs.get('src')}"
        if allowed is ALLOWED_IN_POSTS and tag in ("span", "div") and set(attrs) - {"class"}:
            return f"{tag} {attrs}"
    return None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_post_is_harmless(payload):
    rendered = services.render_body(payload)
    assert _dangerous(rendered) is None, rendered


def test_at_least_thirty_payloads():
    assert len(PAYLOADS) >= 30


def test_payloads_in_titles_tags_and_bodies_on_the_pages(client, make_thread, make_user, board):
    author = make_user(verified=True)
    threads = []
    for i, payload in enumerate(PAYLOADS):
        title = f"标题{i} {payload}"[:120]
        tag = payload[:20]
        threads.append(make_thread(author, title=title, body=payload, tags=[tag]))
    pages = [html(client.get(f"/forum/boards/{board.id}")), html(client.get("/forum/"))]
    pages += [html(client.get(f"/forum/threads/{t.id}")) for t in threads]
    pages.append(client.get(f"/api/v1/boards/{board.id}/threads").get_data(as_text=True))
    for page in pages[:-1]:
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        problem = _dangerous(main, allowed=None)
        assert problem is None, problem
        assert not [t for t, _ in elements(main) if t in ("script", "svg", "iframe", "object", "embed", "style")]
    import json

    api = json.loads(pages[-1])
    for item in api["items"]:
        assert item["title"].startswith("标题")  # JSON carries the text as typed; clients escape it


def test_links_in_posts_are_nofollow_ugc_and_foreign_images_dropped():
    rendered = services.render_body("[论文](https://arxiv.org/abs/1234) 和 ![图](https://evil.example/x.png) "
                                    "和 ![我们的图](/forum/uploads/abc.png) 以及 https://example.org")
    assert rendered.count('rel="nofollow noopener ugc"') == 2
    assert "evil.example" not in rendered and 'src="/forum/uploads/abc.png"' in rendered


def test_math_leaves_as_escaped_source_in_math_containers():
    rendered = services.render_body("质能 $E = mc^2$ 和\n\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3} < 1$$")
    assert '<span class="math-inline">E = mc^2</span>' in rendered
    assert '<div class="math-display">\\int_0^1 x^2\\,dx = \\frac{1}{3} &lt; 1</div>' in rendered


def test_code_blocks_keep_their_language():
    rendered = services.render_body("```python\nprint(1 < 2)\n```")
    assert '<code class="language-python">print(1 &lt; 2)' in rendered
