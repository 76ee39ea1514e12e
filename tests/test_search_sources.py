"""The suggestions' search source: only published suggestions and their public answers are
documents; every non-public state returns None, and the search never shows them — through
the index, the re-check, the page, the API and title suggestions."""
import pytest

from tests.search_helpers import search_backend, titles  # noqa: F401  (fixture)

STAFF_REASON = "含有不宜公开的个人信息"


def _document(suggestion):
    from webapp.search.indexer import in_request_context
    from webapp.suggestions.search import suggestion_document

    return in_request_context(lambda: suggestion_document(suggestion))


def test_published_suggestions_are_documents(make_suggestion):
    s = make_suggestion(state="accepted", title="关于加强青年科技人才培养的建议")
    doc = _document(s)
    assert doc["title"] == "关于加强青年科技人才培养的建议"
    assert doc["url"] == f"/suggestions/{s.id}"
    assert doc["category"] == s.category.name and doc["created_at"] == s.created_at


@pytest.mark.parametrize("state", ["submitted", "not_accepted"])
def test_unscreened_and_refused_suggestions_are_not(make_suggestion, state):
    assert _document(make_suggestion(state=state)) is None


def test_private_suggestions_are_not(make_suggestion):
    assert _document(make_suggestion(state="answered", visibility="private")) is None


def test_withdrawn_suggestions_are_not(make_suggestion):
    from webapp.extensions import db
    from webapp.suggestions import services

    s = make_suggestion(state="submitted")
    services.withdraw(s.author, s, "重复提交")
    db.session.commit()
    assert _document(s) is None


def test_hidden_suggestions_are_not(make_suggestion, make_staff):
    from webapp.extensions import db
    from webapp.suggestions import services

    s = make_suggestion(state="accepted")
    services.hide(make_staff(), s, STAFF_REASON)
    db.session.commit()
    assert _document(s) is None


def test_only_a_public_answer_is_in_the_body(make_suggestion, make_staff):
    from webapp.extensions import db
    from webapp.suggestions import services

    s = make_suggestion(state="assigned")
    services.save_answer(s.assigned_leader, s, "草稿：拟由人事处牵头研究托举计划。", publish=False)
    db.session.commit()
    assert "托举计划" not in _document(s)["body"]
    services.save_answer(s.assigned_leader, s, "已由人事处牵头研究托举计划，年内出台实施细则。")
    db.session.commit()
    assert "托举计划" in _document(s)["body"]
    services.hide_answer(make_staff(), s, STAFF_REASON)
    db.session.commit()
    assert "托举计划" not in _document(s)["body"]


def test_search_follows_each_suggestion_state(make_suggestion, make_staff, search_backend, client):
    """Every state through the real change capture and writer: found only while public."""
    from webapp.extensions import db
    from webapp.search import indexer, services
    from webapp.suggestions import services as suggestions

    staff = make_staff()
    waiting = make_suggestion(state="submitted", title="关于建设量子计算公共平台的建议")
    refused = make_suggestion(state="not_accepted", title="关于量子计算人才公寓的建议")
    private = make_suggestion(state="accepted", visibility="private", title="关于量子计算经费的私密建议")
    public = make_suggestion(state="assigned", title="关于量子计算科普基地的建议")
    indexer.drain()

    def found():
        return set(titles(services.search(None, "量子计算", per_page=50)))

    assert found() == {"关于量子计算科普基地的建议"}
    assert [h.title for h in services.suggest(None, "量子")] == ["关于量子计算科普基地的建议"]
    api = client.get("/api/v1/search?q=量子计算").get_json()
    assert [item["title"] for item in api["items"]] == ["关于量子计算科普基地的建议"]

    suggestions.accept(staff, waiting)  # screened in: published
    db.session.commit()
    indexer.drain()
    assert found() == {"关于量子计算科普基地的建议", "关于建设量子计算公共平台的建议"}

    suggestions.hide(staff, public, STAFF_REASON)
    db.session.commit()
    assert "关于量子计算科普基地的建议" not in found()  # the re-check, before the writer ran
    indexer.drain()
    assert ("suggestion", public.id) not in search_backend.keys()

    keys = search_backend.keys()
    assert ("suggestion", refused.id) not in keys and ("suggestion", private.id) not in keys
    page = client.get("/search/?q=量子计算").get_data(as_text=True)
    assert "关于建设量子计算公共平台的建议" in page.replace("<mark>", "").replace("</mark>", "")
    text = page.replace("<mark>", "").replace("</mark>", "")
    # (科普基地 alone is also the science map's type in the filter: the hidden title is the secret.)
    for secret in ("人才公寓", "私密建议", "量子计算科普基地"):
        assert secret not in text


def test_an_answer_change_reindexes_its_suggestion(make_suggestion, search_backend):
    from webapp.extensions import db
    from webapp.search import indexer, services

    s = make_suggestion(state="assigned", title="关于改进学术期刊评价的建议")
    indexer.drain()
    assert titles(services.search(None, "影响因子")) == []
    from webapp.suggestions import services as suggestions

    suggestions.save_answer(s.assigned_leader, s, "我们将减少对影响因子的简单依赖，推行代表作评价。")
    db.session.commit()
    indexer.drain()
    assert titles(services.search(None, "影响因子")) == ["关于改进学术期刊评价的建议"]
