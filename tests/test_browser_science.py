"""The science hub in headless Chromium, with every request off this server refused (no
network): the map shows its markers on the offline outline and a click opens a popup; a
video plays (its currentTime advances); an article shows its cover and typeset formula.
Screenshots go to test-artifacts/ (gitignored)."""
from pathlib import Path

import pytest

from tests.science_helpers import SAMPLE, science  # noqa: F401  (the fixture)

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def content(app, science):
    from webapp.extensions import db
    from webapp.science import importer
    from webapp.science.models import Article, Video

    report = importer.import_dir(SAMPLE)
    db.session.commit()
    assert report.created["bases"] == 3
    return {"article": Article.query.filter_by(slug="black-holes").one(),
            "video": Video.query.filter_by(slug="test-pattern").one()}


def _offline(page, live_server):
    """Refuse every request to another host; returns the list of refused URLs."""
    refused = []

    def handle(route):
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return refused


def _errors(page):
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


@pytest.mark.browser
def test_map_offline_markers_and_popup(live_server, page, content):
    ARTIFACTS.mkdir(exist_ok=True)
    refused = _offline(page, live_server)
    problems = _errors(page)
    page.goto(f"{live_server}/science/map")
    page.wait_for_selector("#science-map[data-markers='3']")
    # Three bases, two of them in Beijing: markers or clusters are on the map.
    page.wait_for_selector(".leaflet-marker-icon")
    icons = page.locator(".leaflet-marker-icon")
    assert icons.count() >= 2
    marker = page.locator(".leaflet-marker-icon[title='上海科技馆']")
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "上海科技馆" in popup.inner_text() and "世纪大道2000号" in popup.inner_text()
    page.screenshot(path=str(ARTIFACTS / "science-map.png"))
    assert refused == [] and problems == []


@pytest.mark.browser
def test_video_plays(live_server, page, content):
    problems = _errors(page)
    _offline(page, live_server)
    page.goto(f"{live_server}/science/videos/{content['video'].id}")
    page.evaluate("() => { const v = document.getElementById('science-video'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.getElementById('science-video').currentTime > 0.5", timeout=10000)
    # Seeking asks for a byte range, which the server answers (206).
    page.evaluate("() => { document.getElementById('science-video').currentTime = 3; }")
    page.wait_for_function("() => document.getElementById('science-video').currentTime >= 3", timeout=10000)
    assert problems == []


@pytest.mark.browser
def test_article_renders_cover_and_formula(live_server, page, content):
    ARTIFACTS.mkdir(exist_ok=True)
    problems = _errors(page)
    refused = _offline(page, live_server)
    page.goto(f"{live_server}/science/articles/{content['article'].id}")
    cover = page.locator(".science-cover img")
    cover.wait_for()
    page.wait_for_function("() => document.querySelector('.science-cover img').naturalWidth > 0")
    assert page.evaluate("() => document.querySelector('.science-cover img').currentSrc").endswith(".webp")
    page.wait_for_selector(".science-body .katex")
    assert page.locator(".science-body .math-display .katex-display, .science-body .math-display .katex").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "science-article.png"), full_page=True)
    assert refused == [] and problems == []
