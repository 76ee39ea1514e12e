"""The science hub's search sources: a document only for public content (each non-public
state gives None), videos with their transcripts, every base."""
import io

import pytest

from tests.science_helpers import SAMPLE, science  # noqa: F401  (the fixture)


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested", "rejected", "approved"])
def test_unpublished_article_has_no_document(science, app, state):
    from webapp.science.search import article_document

    article = science.article(title=f"未公开 {state}", state=state)
    with app.test_request_context():
        assert article_document(article) is None


def test_documents_of_public_content(science, app, db):
    from webapp.science import search, services

    article = science.article(title="恒星是怎样发光的", tags=("天文",))
    video = services.create_video(science.author, "认识电视测试图", "测试图", science.category().id,
                                  io.BytesIO((SAMPLE / "videos" / "sample.webm").read_bytes()),
                                  transcript="彩条与移动的方块")
    base = services.save_base(science.editor, None, {"name": "北京天文馆", "type": "天文台", "city": "北京", "lon": 116.33, "lat": 39.94})
    db.session.commit()
    with app.test_request_context():
        assert search.video_document(video) is None  # a draft
        services.submit(science.author, video)
        services.review(science.editor, video, "approve")
        doc = search.article_document(article)
        assert doc["url"] == f"/science/articles/{article.id}" and doc["tags"] == ["天文"]
        assert doc["category"] == "科普文章" and "<" not in doc["body"] and "史瓦西半径" in doc["body"]
        assert "彩条与移动的方块" in search.video_document(video)["body"]
        assert search.base_document(base)["title"] == "北京天文馆"
        types = {s["type"]: s for s in search.search_sources()}
        assert set(types) == {"article", "video", "base"}
        assert [a.id for a in types["article"]["all"]()] == [article.id]

