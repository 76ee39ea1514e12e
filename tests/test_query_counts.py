"""Every page reads a bounded number of SQL queries, whatever the number of rows it shows.

Each (viewer, page) is measured twice: on a first batch of suggestions in every state (with
co-signatures, follow-ups, ratings, reassignments, notifications and audit entries), then
after two more such batches by other people. Both must stay within QUERY_BUDGET, and the
second may not need more than the first: a query per row (inbox follow-ups, timeline people,
leaders' roles) or a form built for a visitor who cannot use it shows up here.
"""
import pytest

from tests.review_helpers import review_env  # noqa: F401  (fixture)
from tests.staff_helpers import signed_in  # noqa: F401  (fixture)
from tests.test_suggestions_web import count_queries

QUERY_BUDGET = 10


@pytest.fixture
def site(make_user, make_member, make_leader, make_staff, make_admin, make_suggestion, suggestion_lists):
    from webapp.suggestions import services

    people = {
        "member": make_member("qc_member", display_name="查询会员"),
        "leader": make_leader("qc_leader", real_name="查询领导", position="副主席"),
        "other_leader": make_leader("qc_leader2", real_name="另一领导", position="秘书长"),
        "staff": make_staff("qc_staff"),
        "admin": make_admin("qc_admin"),
    }
    made = {}

    def batch(n):
        author = make_member(f"qc_author{n}", display_name=f"作者{n}")
        signer = make_member(f"qc_signer{n}")
        kw = {"author": author, "staff": people["staff"]}
        lead = {"leader": people["leader"], **kw}
        s = {
            "submitted": make_suggestion(state="submitted", title=f"待受理的查询建议 {n}", **kw),
            "addressed": make_suggestion(state="submitted", title=f"致领导的查询建议 {n}",
                                         addressee=people["leader"], **kw),
            "refused": make_suggestion(state="not_accepted", title=f"不予受理的查询建议 {n}", **kw),
            "accepted": make_suggestion(state="accepted", title=f"待交办的查询建议 {n}", **kw),
            "assigned": make_suggestion(state="assigned", title=f"办理中的查询建议 {n}", **lead),
            "answered": make_suggestion(state="answered", title=f"已答复的查询建议 {n}", **lead),
            "closed": make_suggestion(state="closed", title=f"已办结的查询建议 {n}", **lead),
            "private": make_suggestion(state="answered", title=f"不公开的查询建议 {n}", visibility="private",
                                       **lead),
            "member_own": make_suggestion(state="answered", title=f"会员自己的查询建议 {n}",
                                          author=people["member"], staff=people["staff"],
                                          leader=people["leader"]),
        }
        # A timeline with more people: reassigned twice, a follow-up asked and answered.
        long = make_suggestion(state="assigned", title=f"时间线长的查询建议 {n}", **lead)
        services.assign(people["staff"], long, people["other_leader"].id, note="改派")
        services.assign(people["staff"], long, people["leader"].id, note="再改派")
        services.save_answer(people["leader"], long, "答复内容足够长的一段文字。")
        services.ask_follow_up(author, long, "追问的问题是什么？")
        services.ask_follow_up(people["member"], s["member_own"], "会员的追问是什么？")
        s["long"] = long
        for target in (s["accepted"], s["assigned"]):  # co-signing opens on acceptance (先审后发)
            services.support(signer, target)
            services.support(people["member"], target)
        services.hide(people["staff"], s["closed"], "测试隐藏")
        from webapp.extensions import db

        db.session.commit()
        from webapp.search import indexer

        indexer.rebuild()  # the search page's hits
        made.setdefault("first", s)
        return s

    return {"people": people, "batch": batch, "made": made, "lists": suggestion_lists}


def pages(site):
    """(viewer, url) of every page; viewers are keys of site["people"] or None (anonymous)."""
    s = site["made"]["first"]
    leader = site["people"]["leader"]
    category = site["lists"]["categories"][0]
    member = site["people"]["member"]
    suggestion_pages = [
        "/suggestions/", "/suggestions/?per_page=2&page=2", f"/suggestions/?category_id={category.id}",
        "/suggestions/?state=answered", "/suggestions/?answered=yes", "/suggestions/?sort=supported",
        "/suggestions/?sort=waiting", f"/suggestions/?leader_id={leader.id}",
        f"/suggestions/{s['answered'].id}", f"/suggestions/{s['long'].id}", "/leaders/", f"/leaders/{leader.id}",
    ]
    search_pages = ["/search/", "/search/?q=查询建议", "/search/?q=查询建议&sort=date&per_page=5",
                    "/search/?q=查询建议&type=suggestion"]
    rows = [(None, "/")] + [(None, url) for url in suggestion_pages + search_pages]
    rows += [("member", url) for url in search_pages]
    rows += [("member", url) for url in ["/", *suggestion_pages, "/suggestions/mine", "/suggestions/new",
                                         f"/suggestions/{s['member_own'].id}", "/notifications/",
                                         "/notifications/?unread=1", f"/u/{member.username}",
                                         "/account/profile", "/account/password", "/account/verification"]]
    rows += [("leader", url) for url in ["/", "/suggestions/", f"/suggestions/{s['assigned'].id}",
                                         f"/suggestions/{s['long'].id}", "/leaders/inbox",
                                         "/leaders/inbox?tab=overdue", "/leaders/inbox?tab=answered",
                                         "/leaders/inbox?per_page=2&page=2", "/notifications/"]]
    staff_pages = ["/", "/suggestions/", f"/suggestions/{s['submitted'].id}", f"/suggestions/{s['addressed'].id}",
                   f"/suggestions/{s['accepted'].id}", f"/suggestions/{s['assigned'].id}",
                   f"/suggestions/{s['answered'].id}", f"/suggestions/{s['closed'].id}",
                   *[f"/admin/suggestions/?queue={q}" for q in
                     ("screening", "unassigned", "overdue", "threshold", "hidden", "all")],
                   "/admin/suggestions/?queue=all&per_page=2&page=2",
                   "/admin/suggestions/categories", "/admin/suggestions/reasons", "/admin/", "/admin/users",
                   "/admin/verifications", "/admin/audit", "/admin/audit?page=2&per_page=2"]
    rows += [("staff", url) for url in staff_pages]
    rows += [("admin", url) for url in ("/admin/", "/admin/users", f"/admin/users/{member.id}")]
    return rows


def test_every_page_reads_a_bounded_number_of_queries(app, db, client, signed_in, site):
    site["batch"](1)
    clients = {None: client, **{key: signed_in(person) for key, person in site["people"].items()}}
    urls = pages(site)

    def measure():
        counts = {}
        for who, url in urls:
            db.session.expunge_all()
            with count_queries(db) as statements:
                resp = clients[who].get(url)
            assert resp.status_code == 200, (who, url, resp.status_code)
            counts[(who, url)] = statements
        db.session.expunge_all()
        # The factories' people and lists, back in the session for the next batch.
        for obj in [*site["people"].values(), *site["lists"]["categories"], *site["lists"]["reasons"]]:
            db.session.add(obj)
        return counts

    few = measure()
    site["batch"](2)
    site["batch"](3)
    many = measure()
    over = {key: len(q) for key, q in many.items() if len(q) > QUERY_BUDGET}
    assert not over, f"over {QUERY_BUDGET} queries: {over}"
    grew = {key: (len(few[key]), len(many[key])) for key in many if len(many[key]) > len(few[key])}
    assert not grew, f"query count grew with the rows shown: {grew}"


def test_anonymous_visitors_get_no_staff_forms_or_leader_lists(client, site, db):
    """The suggestion page for a visitor loads neither the leaders (for the assign form) nor
    the screening reasons, and shows no form."""
    site["batch"](1)
    url = f"/suggestions/{site['made']['first']['answered'].id}"
    db.session.expunge_all()
    with count_queries(db) as statements:
        page = client.get(url).get_data(as_text=True)
    assert "<form" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert not [q for q in statements if "FROM suggestion_screening_reasons" in q]   # the reasons list
    assert not [q for q in statements if "user_roles.role IN" in q]                  # the leaders list


def test_list_totals_follow_changes_with_the_count_cache_on(app, client, make_suggestion, db, make_staff):
    """The lists' totals are cached per worker (SUGGESTION_COUNT_CACHE_SECONDS) and cleared by
    this worker's own changes: a new, hidden or refused suggestion shows in the next total."""
    import re

    from webapp.suggestions import services

    assert app.config["SUGGESTION_COUNT_CACHE_SECONDS"] > 0

    def total():
        resp = client.get("/api/v1/suggestions")
        assert resp.status_code == 200
        return resp.get_json()["total"]

    staff = make_staff("qc_counter")
    first = make_suggestion(state="answered", staff=staff)
    assert total() == 1
    second = make_suggestion(state="assigned", staff=staff)
    assert total() == 2
    services.hide(staff, second, "测试隐藏")
    db.session.commit()
    assert total() == 1
    page = client.get("/suggestions/").get_data(as_text=True)
    assert re.findall(r'data-suggestion-id="(\d+)"', page) == [str(first.id)]


def test_ranking_and_leader_figures_read_a_few_rows_whatever_the_history(db, make_suggestion, make_leader,
                                                                          make_staff, make_member):
    """The ranking and a leader's figures read stored figures: the same number of queries
    with 2 or 12 answered suggestions; what an answer settles is stored on it."""
    from webapp.suggestions import services

    leader, staff, author = make_leader("qc_rank_leader"), make_staff("qc_rank_staff"), make_member("qc_rank_author")
    leader_id = leader.id

    def measure():
        db.session.expire_all()
        with count_queries(db) as ranking:
            services.ranking()
        with count_queries(db) as figures:
            services.leader_stats(services.get_leader(leader_id))
        return len(ranking), len(figures)

    made = [make_suggestion(state="closed", leader=leader, staff=staff, author=author) for _ in range(2)]
    few = measure()
    made += [make_suggestion(state=state, leader=leader, staff=staff, author=author)
             for state in ["closed", "answered", "assigned"] * 4]
    assert measure() == few
    from webapp.suggestions.models import Suggestion

    answered = Suggestion.query.filter(Suggestion.answered_at.isnot(None)).all()
    assert len(answered) == 10
    assert all(s.answer_working_days == 0 and s.answer_deadline == "on_time" for s in answered)
    assert services.leader_stats(services.get_leader(leader_id))["answered"] == 10


def test_migration_backfills_the_settled_figures(db, make_suggestion, make_leader, make_staff, clock):
    """The migration that adds the stored figures fills them for suggestions answered before it
    (and the leaders' figures), with the same values the services store."""
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from webapp.suggestions import services
    from webapp.suggestions.models import LeaderFigures, Suggestion

    leader, staff = make_leader("qc_backfill_leader"), make_staff("qc_backfill_staff")
    clock.set("2026-11-02 02:00")
    s = make_suggestion(state="assigned", leader=leader, staff=staff)
    clock.set("2026-11-25 02:00")   # 17 working days later: past the 15-day deadline
    services.save_answer(leader, s, "答复内容足够长的一段文字。")
    db.session.commit()
    stored = (s.answer_working_days, s.answer_deadline)
    assert stored == (17, "overdue")
    expected = services.leader_stats(leader)
    # As before the migration: no settled figures, no leader figures.
    db.session.execute(Suggestion.__table__.update().values(answer_working_days=None, answer_deadline=None))
    db.session.execute(LeaderFigures.__table__.delete())
    path = next(Path("migrations/versions").glob("*_suggestion_figures_and_indexes_*.py"))
    spec = importlib.util.spec_from_file_location("figures_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with Operations.context(MigrationContext.configure(db.session.connection())):
        migration._backfill()
    db.session.expire_all()
    assert (s.answer_working_days, s.answer_deadline) == stored
    assert services.leader_stats(leader) == expected


# ---------------------------------------------------------------- forum

def test_forum_pages_read_a_bounded_number_of_queries(app, db, client, signed_in, make_member, make_staff):
    """Forum pages stay within QUERY_BUDGET, and do not read more as threads and replies grow."""
    from webapp.core import ratelimit
    from webapp.forum import services
    from webapp.forum.models import Board

    board = Board(slug="qc-board", name="查询版块", group_name="数理")
    db.session.add(board)
    db.session.commit()
    member, staff = make_member("qc_forum_member"), make_staff("qc_forum_staff")
    made = {}

    def batch(n):
        author, replier = make_member(f"qc_fa{n}"), make_member(f"qc_fr{n}")
        for i in range(3):
            thread = services.start_thread(author, board, f"查询主题 {n}-{i}", "正文 $x$", ["标签"], "question")
            first = services.first_post(thread)
            for j in range(4):
                post = services.reply(replier, thread, f"回复 {j} @{author.username}", first.id if j else None)
                services.like(author, post)
            services.report(replier, first, "查询举报")
            services.mark_read(member, thread, 1)
            ratelimit.reset(f"forum-post:{author.id}")
            ratelimit.reset(f"forum-post:{replier.id}")
            made.setdefault("thread", thread)
        db.session.commit()

    batch(1)
    clients = {None: client, "member": signed_in(member), "staff": signed_in(staff)}
    thread_id = made["thread"].id
    urls = ["/forum/", f"/forum/boards/{board.id}", f"/forum/threads/{thread_id}", f"/api/v1/boards/{board.id}/threads",
            f"/api/v1/threads/{thread_id}/posts", f"/api/v1/threads/{thread_id}"]
    rows = [(who, url) for who in clients for url in urls]
    rows += [("member", f"/forum/boards/{board.id}/new"), ("member", "/forum/bookmarks"),
             ("staff", "/forum/moderation"), ("staff", "/forum/manage/boards")]

    def measure():
        counts = {}
        for who, url in rows:
            db.session.expunge_all()
            with count_queries(db) as statements:
                resp = clients[who].get(url)
            assert resp.status_code == 200, (who, url, resp.status_code)
            counts[(who, url)] = len(statements)
        db.session.expunge_all()
        db.session.add_all([board, member, staff])
        return counts

    few = measure()
    batch(2)
    batch(3)
    many = measure()
    assert not {k: v for k, v in many.items() if v > QUERY_BUDGET}, many
    assert not {k: (few[k], many[k]) for k in many if many[k] > few[k]}, (few, many)


def test_salon_pages_read_a_bounded_number_of_queries(app, db, client, signed_in, make_member, make_staff):
    """The salon pages (calendar, list, a salon for its host, my salons, the staff queue and
    report) read as many queries with three times the salons, speakers and registrations."""
    from tests.salon_helpers import salon_pages_world
    from webapp.accounts.models import User
    from webapp.salons import services
    from webapp.salons.models import Salon
    from webapp.salons.services import rules

    host, staff, member = make_member("qs_host"), make_staff("qs_staff"), make_member("qs_member")
    ids = {"host": host.id, "staff": staff.id, "member": member.id}
    world = salon_pages_world(host, staff, member)
    clients = {None: client, **{who: signed_in(db.session.get(User, uid)) for who, uid in ids.items()}}
    urls = [(None, "/salons/"), (None, "/salons/calendar"), (None, f"/salons/{world['salon']}"),
            ("member", "/salons/mine"), ("member", f"/salons/{world['salon']}"),
            ("host", f"/salons/{world['salon']}"), ("host", f"/salons/{world['salon_past']}"),
            ("host", "/salons/mine"), ("staff", "/admin/salons/"), ("staff", "/admin/salons/report")]

    def measure():
        counts = {}
        for who, url in urls:
            db.session.expunge_all()
            with count_queries(db) as statements:
                resp = clients[who].get(url)
            assert resp.status_code == 200, (who, url, resp.status_code)
            counts[(who, url)] = len(statements)
        db.session.expunge_all()
        return counts

    few = measure()
    for n in range(2):
        staff, member = db.session.get(User, ids["staff"]), db.session.get(User, ids["member"])
        salon_pages_world(make_member(f"qs_host{n}"), staff, member)
        others = [make_member(f"qs_reg{n}_{i}") for i in range(3)]
        for salon in Salon.query.filter_by(state="approved"):
            for person in others:
                if rules.can_register(person, salon):
                    services.register(person, salon)
        db.session.commit()
    many = measure()
    over = {key: n for key, n in many.items() if n > QUERY_BUDGET}
    assert not over, f"salon pages over budget: {over}"
    grew = {key: (few[key], many[key]) for key in many if many[key] > few[key]}
    assert not grew, f"query count grew with the rows shown: {grew}"


# ---------------------------------------------------------------- chat

def test_chat_pages_read_a_bounded_number_of_queries(app, db, signed_in, make_member, make_leader):
    """The rooms list and a room page: as many queries with 5 messages and 2 direct-message
    rooms as with 50 messages by 10 authors (some verified leaders) and 12 rooms."""
    from tests.chat_helpers import CLUBS, Club, club_spec
    from webapp.chat import services
    from webapp.chat.rooms import _EXTRA, _KINDS, register_room_kind, resolve, room_kinds
    from webapp.core import ratelimit

    CLUBS.clear()
    CLUBS[1] = Club(1, "查询交流室")
    register_room_kind(app, club_spec())
    try:
        viewer = make_member("qc_chat_viewer")
        client = signed_in(viewer)
        urls = ["/chat/", "/chat/club:1", f"/chat/club:1?before={2**31 - 1}"]
        authors = []

        def add(n_authors, n_messages, n_dms):
            for i in range(n_authors):
                factory = make_leader if i % 3 == 0 else make_member
                kw = {"real_name": f"领导{len(authors)}"} if factory is make_leader else {}
                authors.append(factory(f"qc_chat_{len(authors)}", **kw))
            room = resolve("club:1", viewer)
            for i in range(n_messages):
                author = authors[i % len(authors)]
                services.post_message(author, resolve("club:1", author), f"消息 {i}")
                ratelimit.reset(f"chat:send:{author.id}")
            for author in authors[:n_dms]:
                services.post_message(author, services.dm_room(author, viewer), "私信")
                ratelimit.reset(f"chat:send:{author.id}")
            db.session.commit()
            return room

        def measure():
            counts = {}
            for url in urls:
                db.session.expunge_all()
                with count_queries(db) as statements:
                    resp = client.get(url)
                assert resp.status_code == 200, (url, resp.status_code)
                counts[url] = len(statements)
            db.session.expunge_all()
            for person in (viewer, *authors):
                db.session.add(person)
            return counts

        add(2, 5, 2)
        few = measure()
        add(10, 45, 12)
        many = measure()
        # The rooms sidebar asks each other capability with rooms (forum boards, salons) for
        # the viewer's rooms: one query per room kind, on top of the page budget.
        kinds = len(set(room_kinds()) - {"club"})
        assert all(n <= QUERY_BUDGET + kinds for n in many.values()), (kinds, many)
        assert many == few, (few, many)
    finally:
        app.extensions.get(_EXTRA, {}).pop("club", None)
        app.extensions.pop(_KINDS, None)
        CLUBS.clear()


# ---------------------------------------------------------------- science

def test_science_pages_read_a_bounded_number_of_queries(db, client, signed_in, make_user):
    """The science pages read the same number of queries with 3 or 15 articles (authors,
    categories and tags eager-loaded), within the budget."""
    from tests.science_helpers import BODY
    from webapp.accounts.models import User
    from webapp.science import services
    from webapp.science.models import ScienceBase

    author = make_user("qc_sci_author", discipline_tags=["天文学"])
    editor = make_user("qc_sci_editor", roles=("member", "editor", "staff"))
    reader = make_user("qc_sci_reader", discipline_tags=["天文学", "生物"])
    ids = {"author": author.id, "editor": editor.id}
    made = []

    def batch(n):
        author, editor = db.session.get(User, ids["author"]), db.session.get(User, ids["editor"])
        for i in range(n):
            category = services.categories()[i % 2].id
            article = services.create_article(author, f"查询计数的科普文章 {len(made)}", "摘要", BODY, category,
                                              ["天文", f"标签{i}", "生物"])
            services.submit(author, article)
            services.review(editor, article, "approve")
            article.featured = i == 0
            made.append(article.id)
            services.save_base(editor, None, {"name": f"查询计数的基地 {len(made)}", "type": "科技馆", "city": "北京",
                                              "lon": 116.4, "lat": 39.9})
        db.session.commit()

    batch(3)
    first = made[0]
    base_id = ScienceBase.query.first().id
    clients = {None: client, "reader": signed_in(reader), "editor": signed_in(editor)}
    urls = ["/science/", "/science/categories/popular", "/science/tags/天文", f"/science/articles/{first}",
            "/science/videos/", "/science/map", f"/science/bases/{base_id}", "/science/feed.atom", "/sitemap.xml",
            "/api/v1/articles", "/api/v1/map/bases"]
    rows = [(None, u) for u in urls] + [("reader", u) for u in urls + ["/science/recommended", "/science/mine"]]
    rows += [("editor", "/science/review"), ("editor", f"/science/articles/{first}")]

    def measure():
        counts = {}
        for who, url in rows:
            db.session.expunge_all()
            with count_queries(db) as statements:
                resp = clients[who].get(url)
            assert resp.status_code == 200, (who, url, resp.status_code)
            counts[(who, url)] = len(statements)
        db.session.expunge_all()
        return counts

    few = measure()
    batch(6)
    batch(6)
    many = measure()
    over = {key: n for key, n in many.items() if n > QUERY_BUDGET}
    assert not over, f"over {QUERY_BUDGET} queries: {over}"
    grew = {key: (few[key], many[key]) for key in many if many[key] > few[key]}
    assert not grew, f"query count grew with the rows shown: {grew}"


# ---------------------------------------------------------------- review

REVIEW_QUERY_BUDGET = {"/review/calls/{call}/assign": 24}  # conflict detection and the solver's inputs


def test_review_pages_read_a_bounded_number_of_queries(app, db, client, review_env, make_user, clock):
    """The review pages with 2 then 6 submissions, each with its reviews: no query per row."""
    from tests.review_helpers import IN_REVIEW
    from webapp.review import services
    from webapp.review.models import ReviewAssignment

    call = review_env.call(reviewers_per_submission=2, max_load=20)
    reviewers = [review_env.reviewer(f"qc_rv{i}", ["水文"], institution=f"单位{i}") for i in range(3)]
    counter = {"n": 0}

    call_id, organiser_id = call.id, review_env.organiser.id

    def batch(n):
        from webapp.accounts.models import User
        from webapp.review.models import ReviewCall

        call = db.session.get(ReviewCall, call_id)
        review_env.organiser = db.session.get(User, organiser_id)
        clock.set("2026-09-15T02:00")
        for _ in range(n):
            counter["n"] += 1
            review_env.submit(call, make_user(f"qc_rv_author{counter['n']}"), title=f"查询计数用的申报 {counter['n']}")
        services.confirm(review_env.organiser, call)
        clock.set(IN_REVIEW)
        for a in ReviewAssignment.query.filter_by(call_id=call.id, state="assigned").all():
            services.save_review(a.reviewer, a, {c.name: 7 for c in call.criteria}, "accept", "评审意见写得足够长。", "",
                                 submit=True)
        db.session.commit()

    urls = [(review_env.organiser, u.format(call=call.id)) for u in (
        "/review/", "/review/calls/{call}", "/review/calls/{call}/manage", "/review/calls/{call}/ranking",
        "/review/calls/{call}/assign", "/review/calls/{call}/ranking.csv")] + [(reviewers[0], "/review/assignments")]

    logins = {who.id: f"{who.id}:{who.session_version}" for who, _ in urls}
    urls = [(who.id, url) for who, url in urls]

    def measure():
        counts = {}
        for who, url in urls:
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = logins[who], True
            db.session.expunge_all()
            with count_queries(db) as statements:
                resp = client.get(url)
            assert resp.status_code == 200, (url, resp.status_code)
            counts[url] = len(statements)
            db.session.rollback()
        return counts

    batch(2)
    few = measure()
    batch(4)
    many = measure()
    budget = {url: REVIEW_QUERY_BUDGET.get(url.replace(str(call_id), "{call}"), QUERY_BUDGET + 6) for url in many}
    assert {u: n for u, n in many.items() if n > budget[u]} == {}, many
    assert {u: (few[u], n) for u, n in many.items() if n > few[u]} == {}
