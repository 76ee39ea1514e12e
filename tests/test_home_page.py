"""The home page's latest answers (issue 8): only answers everyone may read, newest first,
read a batch at a time from the answers (issue 9: not a join over every public suggestion)."""
from datetime import timedelta

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
