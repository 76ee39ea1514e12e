"""A thread of 5,000 posts: every page of it reads at most THREAD_PAGE_QUERIES queries however
many posts it shows, and the last page no more than the first (ranges of post numbers on an
index, authors and roles joined in, the viewer's likes in one query)."""
import pytest
from sqlalchemy import insert

from tests.forum_helpers import board, make_thread  # noqa: F401  (fixtures)
from tests.test_suggestions_web import count_queries
from webapp.forum import services
from webapp.forum.models import Post, PostLike, Thread

THREAD_PAGE_QUERIES = 6
POSTS = 5000


@pytest.fixture
def big_thread(app, db, make_thread, make_user):
    authors = [make_user(f"big{i}", verified=i % 2 == 0) for i in range(40)]
    thread = make_thread(authors[0], title="五千楼的长讨论")
    html = services.render_body("一段回复，$x^2$ 与 **粗体**。")
    rows = [{"thread_id": thread.id, "number": n, "author_id": authors[n % 40].id, "body": "一段回复，$x^2$ 与 **粗体**。",
             "body_html": html, "like_count": n % 3, "created_at": thread.created_at} for n in range(1, POSTS)]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(Post), rows[start:start + 1000])
    db.session.query(Thread).filter_by(id=thread.id).update({"post_count": POSTS})
    db.session.commit()
    db.session.refresh(thread)
    return thread, authors


def test_thread_pages_read_a_bounded_number_of_queries(app, db, client, login, big_thread, make_user):
    thread, authors = big_thread
    member = make_user("reader", verified=False)
    last_page = services.page_of_number(POSTS - 1)
    liked = db.session.query(Post.id).filter(Post.thread_id == thread.id, Post.number >= POSTS - 20).all()
    db.session.execute(insert(PostLike), [{"post_id": pid, "user_id": member.id} for (pid,) in liked])
    db.session.commit()
    login(client, member)
    thread_id = thread.id
    counts = {}
    for page in (1, 2, last_page // 2, last_page):
        db.session.expunge_all()
        with count_queries(db) as statements:
            resp = client.get(f"/forum/threads/{thread_id}?page={page}")
        assert resp.status_code == 200
        body = resp.get_data(as_text=True)
        assert body.count('class="card mb-3 forum-post') == (20 if page < last_page else (POSTS - 1) % 20 + 1)
        counts[page] = len(statements)
    assert max(counts.values()) <= THREAD_PAGE_QUERIES, counts
    assert counts[last_page] <= counts[1], counts
    assert f"#{POSTS - 1}" in body and 'aria-pressed="true"' in body  # the last post, and the viewer's likes


def test_anonymous_thread_and_board_pages(app, db, client, big_thread):
    thread, _ = big_thread
    urls = [f"/forum/threads/{thread.id}", f"/forum/threads/{thread.id}?page=250",
            f"/forum/boards/{thread.board_id}", "/forum/"]
    for url in urls:
        db.session.expunge_all()
        with count_queries(db) as statements:
            assert client.get(url).status_code == 200
        assert len(statements) <= THREAD_PAGE_QUERIES, (url, statements)


def test_api_posts_list_is_bounded_too(app, db, client, big_thread):
    thread, _ = big_thread
    url = f"/api/v1/threads/{thread.id}/posts?page=250"
    db.session.expunge_all()
    with count_queries(db) as statements:
        resp = client.get(url)
    assert resp.status_code == 200 and len(resp.json["items"]) == 20
    assert len(statements) <= 8, statements
