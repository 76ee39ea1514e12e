"""Every content type in the site search, on each backend: what is public is found, and what
someone may not see — a hidden or deleted post, a draft or submitted article, a salon not yet
approved, a review call's undecided or rejected submissions — never reaches a search, and the
index follows the change that hides it."""
import pytest

from tests.review_helpers import review_env  # noqa: F401  (fixture)
from tests.salon_helpers import make_room, make_salon  # noqa: F401  (fixtures)
from tests.search_helpers import search_backend  # noqa: F401  (fixture)
from tests.staff_helpers import signed_in  # noqa: F401  (fixture)


def found(q, viewer=None, types=()):
    from flask_login import AnonymousUserMixin

    from webapp.search import services

    result = services.search(viewer or AnonymousUserMixin(), q, types=types)
    return {(hit.type, hit.title) for hit in result.items}


def drained():
    from webapp.search import indexer

    indexer.drain()


def test_forum_threads_and_replies(app, db, search_backend, make_member, make_staff):
    from tests.forum_helpers import forum_objects
    from webapp.forum import services

    author, staff = make_member("sf_author"), make_staff("sf_staff")
    board, thread, first = forum_objects(author)
    with app.test_request_context("/"):
        thread.title = "钙钛矿太阳能电池的稳定性讨论"
        services.edit_post(author, first, "封装工艺决定钙钛矿器件寿命。")
        visible = services.reply(make_member("sf_replier"), thread, "湿热老化测试建议参考 IEC 61215。")
        hidden = services.reply(make_member("sf_spammer"), thread, "点击链接领取钙钛矿优惠券")
        deleted = services.reply(author, thread, "钙钛矿前驱体配方另附，稍后删除")
        db.session.commit()
        drained()
        assert ("thread", "钙钛矿太阳能电池的稳定性讨论") in found("钙钛矿")
        assert len([t for t, _ in found("优惠券", types=["post"])]) == 1

        services.hide_post(staff, hidden, "广告")
        services.delete_post(author, deleted)
        db.session.commit()
        drained()
    assert found("优惠券") == set()
    assert found("前驱体") == set()
    assert found("湿热老化", types=["post"])  # the visible reply stays
    assert visible.id


def test_science_articles_only_when_published(app, db, search_backend, make_user):
    from tests.science_helpers import BODY
    from webapp.science import services

    author = make_user("ss_author")
    editor = make_user("ss_editor", roles=["member", "editor"])
    category = services.categories()[0].id
    with app.test_request_context("/"):
        published = services.create_article(author, "暗物质晕的引力透镜证据", "透镜", BODY + "\n\n暗物质晕", category, ["天文"])
        services.submit(author, published)
        services.review(editor, published, "approve")
        draft = services.create_article(author, "暗物质草稿：尚未提交", "草稿", BODY + "\n\n暗物质晕草稿", category, ["天文"])
        submitted = services.create_article(author, "暗物质稿件：等待审核", "待审", BODY + "\n\n暗物质晕待审", category, ["天文"])
        services.submit(author, submitted)
        db.session.commit()
        drained()
    titles = {title for _, title in found("暗物质")}
    assert "暗物质晕的引力透镜证据" in titles
    assert not titles & {draft.title, submitted.title}
    assert found("暗物质", viewer=author, types=["article"]) == {("article", "暗物质晕的引力透镜证据")}


def test_salons_only_when_approved(app, db, search_backend, make_salon, make_member):
    host = make_member("ssal_host")
    with app.test_request_context("/"):
        approved = make_salon(host=host, title="拓扑绝缘体青年沙龙")
        filed = make_salon(host=host, title="拓扑量子计算沙龙（待审批）", state="filed")
        draft = make_salon(host=host, title="拓扑数据分析沙龙（草稿）", state="draft")
        drained()
    titles = {title for kind, title in found("拓扑") if kind == "salon"}
    assert titles == {approved.title}
    assert not titles & {filed.title, draft.title}


def test_review_results_only_once_published_and_accepted(app, db, search_backend, review_env, make_user, clock):
    from webapp.review import services

    env = review_env
    call = env.call(kind="project_application", anonymity="double_blind")
    accepted = env.submit(call, make_user("sr_a1", institution="某大学"), title="城市内涝多源数据融合预警")
    rejected = env.submit(call, make_user("sr_a2", institution="某研究所"), title="内涝预警的另一种方法")
    db.session.commit()
    drained()
    assert {kind for kind, _ in found("内涝")} <= {"suggestion"}  # submitted: nothing yet

    clock.set("2026-10-25T02:00")
    services.decide(env.organiser, accepted, "accept")
    services.decide(env.organiser, rejected, "reject")
    db.session.commit()
    drained()
    assert not [k for k, _ in found("内涝") if k == "review_result"]  # decided, not yet published

    services.publish(env.organiser, call)
    db.session.commit()
    drained()
    results = {title for kind, title in found("内涝") if kind == "review_result"}
    assert results == {"城市内涝多源数据融合预警"}
    # A blind call's authors never reach the index, even once published.
    assert not found("sr_a1") and not found("某大学", types=["review_result"])


@pytest.mark.parametrize("path", ["/search/?q=钙钛矿", "/api/v1/search?q=钙钛矿"])
def test_pages_and_api_show_what_the_service_shows(app, db, client, search_backend, make_member, make_staff, path):
    from tests.forum_helpers import forum_objects
    from webapp.forum import services

    author, staff = make_member("sp_author"), make_staff("sp_staff")
    _board, thread, first = forum_objects(author)
    with app.test_request_context("/"):
        secret = services.reply(author, thread, "钙钛矿的内部测试数据（将被隐藏）")
        services.hide_post(staff, secret, "内部数据")
        db.session.commit()
        drained()
    assert "内部测试数据" not in client.get(path).get_data(as_text=True)
