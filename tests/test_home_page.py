"""The home page's latest answers (issue 8): only answers everyone may read, newest first,
read a batch at a time from the answers (issue 9: not a join over every public suggestion)."""
from datetime import timedelta

from tests.salon_helpers import make_room, make_salon  # noqa: F401  (fixtures)
from tests.web_helpers import html


def test_latest_answers_are_the_readable_ones_newest_first(client, make_suggestion, clock, db):
    from webapp.suggestions import services

    def answered(title, **kw):
        clock.set(clock.now + timedelta(hours=2))
        return make_suggestion(state="answered", title=title, **kw)

    oldest = answered("最早答复的一条公开建议")
    private = answered("不公开的一条建议", visibility="private")
    hidden = answered("被隐藏的一条公开建议")
    hidden_answer = answered("答复被隐藏的一条建议")
    newest = answered("最新答复的一条公开建议")
    staff = make_suggestion.people["staff"]  # the staff member the factory screened them with
    services.hide(staff, hidden, "测试隐藏")
    services.hide_answer(staff, hidden_answer, "测试隐藏答复")
    make_suggestion(state="assigned", title="还在办理的一条建议")
    db.session.commit()

    titles = [s.title for s in services.latest_answered(limit=5)]
    assert titles == [newest.title, oldest.title]
    assert [s.title for s in services.latest_answered(limit=1)] == [newest.title]
    page = html(client.get("/"))
    assert newest.title in page and oldest.title in page
    for absent in (private, hidden, hidden_answer):
        assert absent.title not in page


def test_home_shows_the_forum_science_and_salons_columns(client, db, make_member, make_user, make_salon):
    """The home page's other columns: the latest threads, the latest published articles (never a
    draft) and the next approved salons (never one awaiting approval)."""
    from tests.forum_helpers import forum_objects
    from tests.science_helpers import BODY
    from webapp.science import services as science

    author = make_member("home_author")
    _board, thread, _first = forum_objects(author)
    editor = make_user("home_editor", roles=["member", "editor"])
    category = science.categories()[0].id
    published = science.create_article(author, "日食是怎样发生的", "月球的影子", BODY, category, ["天文"])
    science.submit(author, published)
    science.review(editor, published, "approve")
    draft = science.create_article(author, "尚未发表的草稿标题", "草稿", BODY, category, ["天文"])
    approved = make_salon(host=author, title="冷冻电镜青年沙龙")
    waiting = make_salon(host=author, title="尚待审批的沙龙", state="filed")
    db.session.commit()

    page = client.get("/").get_data(as_text=True)
    assert thread.title in page and f'href="/forum/threads/{thread.id}"' in page
    assert published.title in page and draft.title not in page
    assert approved.title in page and waiting.title not in page
