"""TeX math in user text is typeset by the vendored KaTeX in the browser, and pages without a
formula never download KaTeX."""
import pytest


@pytest.mark.browser
def test_formula_is_typeset_and_katex_loads_only_where_needed(live_server, page, make_suggestion):
    with_math = make_suggestion(state="accepted", title="关于在科普文章中规范公式排版的建议",
                                body="质能关系 $E=mc^2$ 常被误写。\n\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$")
    without_math = make_suggestion(state="accepted", title="关于延长学术沙龙报备时限的建议")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))

    page.goto(f"{live_server}/suggestions/{without_math.id}")
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "katex" in url]

    page.goto(f"{live_server}/suggestions/{with_math.id}")
    page.wait_for_selector(".math-display.math-typeset .katex-display")
    inline = page.locator(".math-inline.math-typeset .katex")
    assert inline.count() == 1
    # KaTeX's MathML copy carries the source for screen readers; the visible glyphs are typeset.
    assert page.locator(".math-inline annotation[encoding='application/x-tex']").text_content() == "E=mc^2"
    assert page.locator(".math-display .katex-html .mfrac").count() == 1
    assert any("katex.min.js" in url for url in fetched)
    # The fonts came from our own server (no CDN).
    assert all(url.startswith(live_server) for url in fetched if "katex" in url.lower())
