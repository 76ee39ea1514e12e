"""The editorial workflow and who sees what: drafts are invisible to the public in the
page, the API, the feed and the sitemap; scheduled publishing; the audit log."""
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from tests.science_helpers import science  # noqa: F401  (the fixture)

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_states_follow_the_workflow_and_are_audited(science, db):
    from webapp.core.errors import Conflict
    from webapp.core.models import AuditLog
    from webapp.science import services

    article = science.article(state="draft")
    assert article.state == "draft"
    with pytest.raises(Conflict):
        services.review(science.editor, article, "approve")  # not submitted yet
    services.submit(science.author, article)
    assert article.state == "submitted"
    services.review(science.editor, article, "changes", "请补充图表来源")
    assert article.state == "changes_requested" and article.review_comment == "请补充图表来源"
    services.submit(science.author, article)
    services.review(science.editor, article, "approve")
    assert article.state == "published"
    with pytest.raises(Conflict):
        services.submit(science.author, article)  # published: no longer editable
    actions = [a.action for a in AuditLog.query.filter_by(object_type="article", object_id=article.id)
               .order_by(AuditLog.id)]
    assert actions == ["science.submit", "science.request_changes", "science.submit", "science.approve"]


def test_only_editors_review_and_refusals_need_a_comment(science, make_member):
    from webapp.core.errors import NotFound, PermissionDenied, ValidationError
    from webapp.science import services

    article = science.article(state="submitted")
    with pytest.raises(NotFound):  # a stranger does not even see the draft
        services.review(make_member(), article, "approve")
    with pytest.raises(PermissionDenied):
        services.review(science.author, article, "approve")
    with pytest.raises(ValidationError) as exc:
        services.review(science.editor, article, "reject", "")
    assert "comment" in exc.value.fields


def test_a_verified_experts_submission_is_marked_expert(science, make_user):
    expert = make_user("expert1", verified=True)
    article = science.article(state="submitted", author=expert)
    assert article.expert is True
    assert science.article(state="submitted").expert is False


def test_author_is_notified_of_the_decision(science):
    from webapp.notifications.models import Notification

    article = science.article(state="changes_requested")
    note = Notification.query.filter_by(user_id=science.author.id).one()
    assert "需要修改" in note.title and note.body == "请补充参考文献"
    assert note.link == f"/science/articles/{article.id}"


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested", "rejected", "approved"])
def test_unpublished_is_invisible_to_the_public_everywhere(science, client, state, make_member, login,
                                                            auth_headers):
    article = science.article(title=f"未发布的文章 {state}", state=state)
    published = science.article(title="已经发布的文章")
    # Page and API: 404, as for a missing article.
    assert client.get(f"/science/articles/{article.id}").status_code == 404
    assert client.get(f"/api/v1/articles/{article.id}").status_code == 404
    other = make_member()
    assert client.get(f"/api/v1/articles/{article.id}", headers=auth_headers(other)).status_code == 404
    listed = client.get("/api/v1/articles").get_json()
    assert [i["id"] for i in listed["items"]] == [published.id]
    # Feed and sitemap.
    feed = ET.fromstring(client.get("/science/feed.atom").data)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["已经发布的文章"]
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [u.find(f"{SM}loc").text for u in sitemap.findall(f"{SM}url")]
    assert any(loc.endswith(f"/science/articles/{published.id}") for loc in locs)
    assert not any(loc.endswith(f"/science/articles/{article.id}") for loc in locs)
    # Lists and the front page.
    assert "未发布的文章" not in client.get("/science/").get_data(as_text=True)
    assert "未发布的文章" not in client.get("/science/categories/popular").get_data(as_text=True)
    # The author and the editors see it.
    assert client.get(f"/api/v1/articles/{article.id}", headers=auth_headers(science.author)).status_code == 200
    assert client.get(f"/api/v1/articles/{article.id}", headers=auth_headers(science.editor)).status_code == 200


def test_scheduled_article_appears_at_its_time(science, client, clock):
    from webapp.core.db import utcnow
    from webapp.science import services

    article = science.article(title="定时发布的政策解读", state="approved", category="policy")
    assert article.state == "approved" and article.published_at > utcnow()
    assert client.get(f"/api/v1/articles/{article.id}").status_code == 404
    clock.set(utcnow() + timedelta(days=3))
    assert client.get(f"/api/v1/articles/{article.id}").status_code == 200
    assert services.publish_due() == 1
    assert article.state == "published"


def test_feed_parses_back_per_category(science, client):
    science.article(title="量子纠缠是什么", category="popular")
    science.article(title="解读科研经费包干制", category="policy", tags=("科研管理",))
    response = client.get("/science/categories/policy/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["解读科研经费包干制"]
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href").startswith("http://")
    assert entry.find(f"{ATOM}category").get("label") == "政策解读"
    assert entry.find(f"{ATOM}published").text.endswith("Z")
    page = client.get("/science/categories/policy").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "/science/categories/policy/feed.atom" in page
    assert client.get("/science/categories/nope/feed.atom").status_code == 404


def test_public_filter_and_is_public_agree(science):
    from webapp.core.db import utcnow
    from webapp.science.models import Article

    made = [science.article(title=f"状态 {state}", state=state)
            for state in ("draft", "submitted", "changes_requested", "rejected", "approved", "published")]
    now = utcnow()
    in_sql = {a.id for a in Article.query.filter(Article.public_filter(now))}
    assert in_sql == {a.id for a in made if a.is_public(now)} == {made[-1].id}
