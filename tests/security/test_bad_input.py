"""Hostile input is a clear 4xx (or ignored), never a 500 — on every page and API route,
found from the URL map so a new route is checked too:

- huge or odd integers in `?page=`, `?per_page=` and every id filter (`object_id`,
  `leader_id`, …): SQLite's integer binding overflowed, PostgreSQL's 32-bit ones refused;
- deeply nested JSON on every JSON endpoint (RecursionError in the decoder);
- `endpoint=`, `_method=` and other `url_for` keywords in the query string of a list
  whose pagination builds links from it;
- CR/LF in `next` (tests/security/test_redirects.py has the whole table of `next` values).

On the API each refusal is in the error envelope.
"""
import re

import pytest

from tests.staff_helpers import make_verification, signed_in  # noqa: F401

HUGE = "99999999999999999999"
NUMBERS = [HUGE, "-" + HUGE, "2147483648", "-1", "0", "1e400", "NaN", "9" * 5000, "١٢٣", "0x10", " 1"]
ID_FILTERS = ["page", "per_page", "object_id", "leader_id", "category_id", "author_id", "user_id", "to", "id"]
SKIPPED_ENDPOINTS = {"static", "accounts.avatar", "api.openapi_document", "main.favicon"}


@pytest.fixture
def world(make_user, make_suggestion, make_verification, api_token, db):
    """Someone who may see everything (staff and admin), a leader, a member, and a row of
    each kind a path can name."""
    from webapp.notifications.services import notify

    boss = make_user("boss", roles=["member", "staff", "admin", "leader"], verified=True)
    member = make_user("member")
    s = make_suggestion(author=member, state="answered")
    leader = s.assigned_leader
    note = notify(boss, "test.kind", "通知", link="/")
    request = make_verification(member)
    db.session.commit()
    values = {"suggestion_id": s.id, "leader_id": leader.id, "user_id": member.id, "request_id": request.id,
              "notification_id": note.id, "token_id": 1, "attachment_id": 1, "username": member.username,
              "key": "forum", "token": "x", "role": "staff", "name": "about",
              "salon_id": 1, "registration_id": 1,
              "room": f"dm:{member.id}", "message_id": 1,
              "article_id": 1, "video_id": 1, "base_id": 1, "slug": "popular", "tag": "天文", "size": "small",
              "ext": "jpg",
              # review (no such rows: a clean 404)
              "call_id": 1, "submission_id": 1, "assignment_id": 1, "number": 1, "conflict_id": 1,
              "action": "confirm"}
    from tests.forum_helpers import forum_objects

    forum_board, forum_thread, forum_post = forum_objects(boss)
    values.update(board_id=forum_board.id, thread_id=forum_thread.id, post_id=forum_post.id)
    return {"boss": boss, "member": member, "leader": leader, "values": values,
            "token": api_token(boss), "member_token": api_token(member)}


def routes(app, methods, api):
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS or rule.rule.startswith("/api/") != api:
            continue
        for method in sorted(rule.methods & methods):
            found.append((method, rule))
    return sorted(found, key=lambda r: (r[1].rule, r[0]))


def path_of(app, rule, values):
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, {k: values[k] for k in rule.arguments}, method=None)


def assert_clean_refusal_or_success(resp, api):
    assert resp.status_code < 500, (resp.status_code, resp.request.url, resp.get_data(as_text=True)[:300])
    if api and resp.status_code >= 400:
        error = resp.get_json()["error"]
        assert error["code"] and re.search(r"[\u4e00-\u9fff]", error["message"]), error


# ---------------------------------------------------------------- integers in query strings

@pytest.mark.parametrize("number", NUMBERS)
def test_odd_integers_in_the_query_string_of_every_page(app, world, signed_in, client, number):
    staff_client = signed_in(world["boss"])
    query = {name: number for name in ID_FILTERS}
    for _method, rule in routes(app, {"GET"}, api=False):
        path = path_of(app, rule, world["values"])
        for c in (client, staff_client):
            assert_clean_refusal_or_success(c.get(path, query_string=query), api=False)


@pytest.mark.parametrize("number", NUMBERS)
def test_odd_integers_in_the_query_string_of_every_api_route(app, world, client, number):
    query = {name: number for name in ID_FILTERS}
    for _method, rule in routes(app, {"GET"}, api=True):
        path = path_of(app, rule, world["values"])
        for headers in ({}, {"Authorization": f"Bearer {world['token']}"}):
            assert_clean_refusal_or_success(client.get(path, query_string=query, headers=headers), api=True)


API_LISTS = ["/api/v1/suggestions", "/api/v1/notifications", "/api/v1/admin/users", "/api/v1/admin/audit",
             "/api/v1/admin/verifications", "/api/v1/leaders", "/api/v1/auth/tokens", "/api/v1/leaders/inbox",
             "/api/v1/suggestions/categories", "/api/v1/suggestions/screening-reasons"]
PAGE_LISTS = ["/suggestions/", "/suggestions/mine", "/notifications/", "/admin/users", "/admin/audit",
              "/admin/verifications", "/admin/suggestions/", "/leaders/", "/leaders/inbox"]


@pytest.mark.parametrize("path", API_LISTS)
def test_a_huge_page_number_is_a_422_in_the_envelope(client, world, path):
    resp = client.get(path, query_string={"page": HUGE}, headers={"Authorization": f"Bearer {world['token']}"})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["fields"] == {"page": "页码超出范围"}
    resp = client.get(path, query_string={"page": str(2**31 - 1)}, headers={"Authorization": f"Bearer {world['token']}"})
    assert resp.status_code == 200 and resp.get_json()["items"] == []


@pytest.mark.parametrize("path", PAGE_LISTS)
def test_a_huge_page_number_on_a_page_is_past_the_end(world, signed_in, path):
    resp = signed_in(world["boss"]).get(path, query_string={"page": HUGE})
    assert resp.status_code == 200


def test_a_huge_object_id_in_the_audit_api_is_refused_in_the_envelope(client, world):
    resp = client.get("/api/v1/admin/audit", query_string={"object_id": HUGE},
                      headers={"Authorization": f"Bearer {world['token']}"})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {"object_id": "不是有效的编号"}


@pytest.mark.parametrize("number", [HUGE, "2147483648"])
def test_a_huge_path_id_is_a_404(client, world, number):
    assert client.get(f"/suggestions/{number}").status_code == 404
    resp = client.get(f"/api/v1/suggestions/{number}")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"


# ---------------------------------------------------------------- deeply nested JSON

NESTED = {
    "objects": '{"a":' * 1000 + "1" + "}" * 1000,
    "arrays": "[" * 100_000 + "]" * 100_000,
    "object of arrays": '{"title":' + "[" * 50_000 + "]" * 50_000 + "}",
}


@pytest.mark.parametrize("kind", NESTED)
def test_deeply_nested_json_on_every_json_endpoint(app, world, client, kind):
    checked = 0
    for method, rule in routes(app, {"POST", "PUT", "PATCH", "DELETE"}, api=True):
        path = path_of(app, rule, world["values"])
        for token in (world["token"], world["member_token"], None):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            resp = client.open(path, method=method, data=NESTED[kind], content_type="application/json",
                               headers=headers)
            assert_clean_refusal_or_success(resp, api=True)
            checked += 1
    assert checked > 20


def test_deeply_nested_json_is_a_400_malformed_json(client, world):
    resp = client.post("/api/v1/suggestions", data=NESTED["objects"], content_type="application/json",
                       headers={"Authorization": f"Bearer {world['member_token']}"})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "malformed_json"
    resp = client.post("/api/v1/auth/register", data=NESTED["arrays"], content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "malformed_json"


# ---------------------------------------------------------------- url_for keywords in query strings

URL_FOR_KEYWORDS = {"endpoint": "api.openapi_document", "_method": "POST", "_external": "1", "_anchor": "x",
                    "_scheme": "javascript", "values": "x", "page": "1", "per_page": "1"}


@pytest.fixture
def long_lists(world, make_suggestion, db):
    """Two of everything a list page shows, so every list has a second page (per_page=1)."""
    from webapp.notifications.services import notify

    for _ in range(2):
        make_suggestion(author=world["member"], state="answered", leader=world["leader"])
        make_suggestion(state="submitted")
        notify(world["boss"], "test.kind", "通知", link="/")
    db.session.commit()
    return world


def test_url_for_keywords_in_the_query_string_of_every_page(app, long_lists, signed_in, client):
    staff_client = signed_in(long_lists["boss"])
    paginated = 0
    for _method, rule in routes(app, {"GET"}, api=False):
        path = path_of(app, rule, long_lists["values"])
        for c in (client, staff_client):
            resp = c.get(path, query_string=URL_FOR_KEYWORDS)
            assert_clean_refusal_or_success(resp, api=False)
            page = resp.get_data(as_text=True)
            if 'aria-label="分页"' in page:
                paginated += 1
                links = re.findall(r'class="page-link" href="([^"#]+)"', page)
                assert links, path
                for link in links:
                    assert "endpoint=" not in link and "_method" not in link and "javascript" not in link
                    assert link.startswith("/"), link
    assert paginated >= 5  # the lists did paginate: the check above ran
