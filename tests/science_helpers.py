"""Fixtures of the science hub's tests: categories, an author, an editor, published articles."""
from datetime import timedelta
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data" / "science_sample"
BODY = "黑洞的事件视界半径是史瓦西半径 $r_s = 2GM/c^2$，太阳质量的黑洞约为三千米。"


@pytest.fixture
def science(app, make_user):
    """Categories, an author, an editor and a factory of articles in any state."""
    from webapp.core.db import utcnow
    from webapp.extensions import db
    from webapp.science import services
    from webapp.science.models import ContentState

    class Science:
        categories = services.categories()
        author = make_user("sci_author", display_name="科普作者")
        editor = make_user("sci_editor", roles=("member", "editor"), display_name="科普编辑")

        def category(self, slug="popular"):
            return next(c for c in self.categories if c.slug == slug)

        def article(self, title="黑洞的事件视界有多大", state="published", tags=("天文", "黑洞"), category="popular",
                    author=None, days_ago=1, body=BODY, featured=False):
            article = services.create_article(author or self.author, title, "摘要：黑洞与视界", body,
                                              self.category(category).id, list(tags))
            if state in ("submitted", "changes_requested", "rejected", "approved", "published"):
                services.submit(author or self.author, article)
            if state == "changes_requested":
                services.review(self.editor, article, "changes", "请补充参考文献")
            elif state == "rejected":
                services.review(self.editor, article, "reject", "与主题无关")
            elif state == "approved":  # scheduled in the future
                services.review(self.editor, article, "approve", publish_at=utcnow() + timedelta(days=2))
            elif state == "published":
                services.review(self.editor, article, "approve")
                article.published_at = utcnow() - timedelta(days=days_ago)
            article.featured = featured
            db.session.commit()
            assert state == "draft" or article.state in (state, ContentState.published.value)
            return article

    return Science()
