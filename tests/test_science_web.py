"""The science pages: writing a draft, the form's errors, submitting, the editor's review,
the front page, category, tag, video and review-queue pages, empty states."""
import re

from tests.science_helpers import BODY, science  # noqa: F401  (the fixture)
from tests.web_helpers import field_error, html


def test_empty_pages_say_so(client, science):
    for url in ("/science/", "/science/categories/popular", "/science/tags/天文", "/science/videos/", "/science/map"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "science-empty" in html(resp), url
    assert client.get("/science/categories/nope").status_code == 404
    assert client.get("/science/categories/popular?page=99999999999999999999").status_code == 200


def test_write_a_draft_with_errors_then_submit_and_review_in_pages(client, make_client, science, login, post_form):
    login(client, science.author)
    assert client.get("/science/articles/new").status_code == 200
    resp = post_form(client, "/science/articles/new", {"title": "短", "summary": "", "body": "太短",
                                                       "category_id": str(science.category().id), "tags": ""})
    assert resp.status_code == 422
    page = html(resp)
    assert "error-summary" in page and field_error(page, "标题应为") and field_error(page, "正文应为")
    resp = post_form(client, "/science/articles/new", {"title": "光合作用的两个阶段", "summary": "光反应与暗反应",
                                                       "body": BODY, "category_id": str(science.category().id),
                                                       "tags": "生物，植物"})
    assert resp.status_code == 302
    article_url = resp.headers["Location"]
    page = html(client.get(article_url))
    assert "草稿" in page and "提交审核" in page
    article_id = int(re.search(r"/articles/(\d+)", article_url).group(1))
    resp = post_form(client, f"/science/articles/{article_id}/submit", {}, follow_redirects=True)
    assert "待审核" in html(resp)
    editor = make_client()
    login(editor, science.editor)
    queue = html(editor.get("/science/review"))
    assert "光合作用的两个阶段" in queue
    resp = post_form(editor, f"/science/articles/{article_id}/review", {"decision": "reject", "comment": ""})
    assert resp.status_code == 422 and field_error(html(resp), "退回修改或拒绝时请写明审核意见")
    resp = post_form(editor, f"/science/articles/{article_id}/review",
                     {"decision": "changes", "comment": "请补充光反应的产物"})
    assert resp.status_code == 302
    page = html(client.get(article_url))
    assert "需修改" in page and "请补充光反应的产物" in page
    # The author revises and submits again; the editor approves: public.
    resp = post_form(client, f"/science/articles/{article_id}/edit", {
        "title": "光合作用的两个阶段", "summary": "光反应产生 ATP 与 NADPH", "body": BODY,
        "category_id": str(science.category().id), "tags": "生物"})
    assert resp.status_code == 302
    post_form(client, f"/science/articles/{article_id}/submit", {})
    post_form(editor, f"/science/articles/{article_id}/review", {"decision": "approve", "comment": ""})
    anonymous = make_client()
    page = html(anonymous.get(article_url))
    assert "光反应产生 ATP 与 NADPH" in page and "稿件状态" not in page
    assert "光合作用的两个阶段" in html(anonymous.get("/science/tags/生物"))


def test_members_cannot_reach_the_review_queue_or_others_drafts(client, science, login, make_member):
    draft = science.article(title="别人的草稿", state="draft")
    login(client, make_member())
    assert client.get("/science/review").status_code == 403
    assert client.get(f"/science/articles/{draft.id}").status_code == 404
    assert client.get(f"/science/articles/{draft.id}/edit").status_code == 404
    assert client.get("/science/mine").status_code == 200


def test_front_page_features_and_lists(client, science):
    science.article(title="精选：引力波探测", featured=True)
    science.article(title="最新：钙钛矿太阳能电池", tags=("材料",))
    page = html(client.get("/science/"))
    assert page.index("精选：引力波探测") < page.index("最新：钙钛矿太阳能电池")
    assert 'href="/science/feed.atom"' in page
    assert "#材料" in page
