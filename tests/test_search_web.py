"""The search page, the nav box and the search API."""
from tests.search_helpers import corpus, make_note, search_backend  # noqa: F401  (fixtures)


def test_api_search_gives_the_list_envelope_of_hits(client, corpus):
    body = client.get("/api/v1/search?q=机场&per_page=1").get_json()
    assert set(body) == {"items", "page", "per_page", "total", "suggestions"}
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 1 and len(body["items"]) == 1
    hit = body["items"][0]
    assert {"type", "id", "title", "url", "snippet_html", "created_at"} <= set(hit)
    assert hit["type"] == "note" and hit["title"] == "新机场航站楼的节能设计"
    assert "<mark>机场</mark>" in hit["snippet_html"] and hit["created_at"].endswith("Z")
    assert client.get("/api/v1/search?q=机场&page=2&per_page=1").get_json()["items"][0]["title"] == "云计算机场调度系统"


def test_api_search_filters_and_corrections(client, corpus, search_backend):
    assert client.get("/api/v1/search?q=机场&type=suggestion").get_json()["total"] == 0
    assert client.get("/api/v1/search?q=机场&type=note,suggestion").get_json()["total"] == 2
    # Did-you-mean comes from Whoosh's lexicon; the PostgreSQL backend offers none.
    assert client.get("/api/v1/search?q=pyton").get_json()["suggestions"] == (
        ["python"] if search_backend.name == "whoosh" else [])
    dated = client.get("/api/v1/search?q=机场&date_from=2026-04-01&sort=date").get_json()
    assert [i["title"] for i in dated["items"]] == ["新机场航站楼的节能设计"]


def test_api_search_refuses_bad_input_with_422(client, corpus):
    for url, field in (("/api/v1/search", "q"), ("/api/v1/search?q=", "q"), ("/api/v1/search?q=机场&type=nope", "type"),
                       ("/api/v1/search?q=机场&date_from=2026-05-01&date_to=2026-04-01", "date_to"),
                       ("/api/v1/search?q=机场&sort=best", "sort"), ("/api/v1/search?q=" + "长" * 101, "q"),
                       ("/api/v1/search?q=机场&date_from=yesterday", "date_from")):
        response = client.get(url)
        assert response.status_code == 422, url
        assert field in response.get_json()["error"]["fields"], url


def test_api_suggest_completes_titles(client, corpus):
    body = client.get("/api/v1/search/suggest?q=人工").get_json()
    assert [i["title"] for i in body["items"]] == ["人工智能赋能科研"]
    assert body["items"][0]["url"].startswith("/notes/") and body["items"][0]["type_label"] == "测试笔记"
    assert client.get("/api/v1/search/suggest").status_code == 422


def test_the_results_page_shows_highlighted_hits(client, corpus):
    html = client.get("/search/?q=机场").get_data(as_text=True)
    assert "找到约 2 条" in html and "<mark>机场</mark>" in html and "测试笔记" in html
    assert 'href="/notes/' in html


def test_the_results_page_filters_and_paginates(client, corpus, make_note):
    from webapp.search import indexer

    for i in range(12):
        make_note(f"翻页样例{i:02d}", "翻页样例的正文")
    indexer.drain()
    html = client.get("/search/?q=翻页样例").get_data(as_text=True)
    assert "第 1 / 2 页" in html and "page=2" in html
    html = client.get("/search/?q=机场&discipline=能源").get_data(as_text=True).replace("<mark>", "").replace("</mark>", "")
    assert "新机场航站楼" in html and "云计算机场" not in html


def test_the_results_page_empty_states_and_errors(client, corpus, search_backend):
    html = client.get("/search/").get_data(as_text=True)
    assert "输入关键词" in html
    html = client.get("/search/?q=不存在的词语组合").get_data(as_text=True)
    assert "没有找到" in html
    response = client.get("/search/?q=机场&date_from=2026-05-01&date_to=2026-04-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in html and "结束日期不能早于开始日期" in html
    html = client.get("/search/?q=机场&date_from=not-a-date").get_data(as_text=True)
    assert "error-summary" in html
    if search_backend.name == "whoosh":
        html = client.get("/search/?q=pyton").get_data(as_text=True)
        assert "您是不是要找" in html and "q=python" in html


def test_every_page_has_the_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert 'id="nav-search-q"' in html and 'role="combobox"' in html and "/api/v1/search/suggest" in html
    assert '<form id="site-search-form" method="get" action="/search/"' in html
    assert "js/search.js" in html
