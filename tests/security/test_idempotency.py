"""Issue 10, finding 18: a retry after a lost response, a double click or a resubmitted page
creates nothing twice.

API: every create honours `Idempotency-Key` — the same key and body from the same caller
get the first response again (status and body) for 24 hours; the same key with another
body is a 422 in the error envelope. Pages: forms that create carry a one-time token; the
second submission leads to what the first created.
"""
import io
import re

import pytest

from tests.conftest import TEST_PASSWORD, extract_csrf
from tests.pdf_samples import valid_pdf
from tests.web_helpers import html

API = "/api/v1"
TITLE = "关于重复提交防护的测试建议"
BODY = "这是一条用来检查网络重试不会重复创建建议的正文，内容足够长。"


def key(n=1):
    return f"7c4f1e2a-0b9d-4c1e-9f3a-00000000000{n}"


@pytest.fixture
def member(make_member):
    return make_member("idem_member")


def submission(suggestion_lists, **overrides):
    return {"title": TITLE, "body": BODY, "category_id": suggestion_lists["categories"][0].id,
            "visibility": "public", **overrides}


def count_suggestions():
    from webapp.suggestions.models import Suggestion

    return Suggestion.query.count()


# ---------------------------------------------------------------- API

def test_same_key_and_body_get_the_first_response_again(client, member, auth_headers, suggestion_lists):
    headers = {**auth_headers(member), "Idempotency-Key": key()}
    first = client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=headers)
    assert first.status_code == 201
    # The response was lost; the client retries (keys in another order, other spacing: the same JSON).
    again = client.post(f"{API}/suggestions", data='{"visibility":"public", "category_id": %d, "body": "%s", '
                        '"title": "%s"}' % (suggestion_lists["categories"][0].id, BODY, TITLE),
                        content_type="application/json", headers=headers)
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_suggestions() == 1
    # Without the key, a new request is a new suggestion.
    other = client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=auth_headers(member))
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]


def test_same_key_with_another_body_is_refused(client, member, auth_headers, suggestion_lists):
    headers = {**auth_headers(member), "Idempotency-Key": key()}
    assert client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=headers).status_code == 201
    resp = client.post(f"{API}/suggestions", json=submission(suggestion_lists, title="另一个标题的建议"),
                       headers=headers)
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["fields"]
    assert "Idempotency-Key" in error["message"]
    assert count_suggestions() == 1


def test_keys_belong_to_their_user(client, member, make_member, auth_headers, suggestion_lists):
    other = make_member("idem_other")
    for user in (member, other):
        resp = client.post(f"{API}/suggestions", json=submission(suggestion_lists),
                           headers={**auth_headers(user), "Idempotency-Key": key()})
        assert resp.status_code == 201 and resp.get_json()["author"]["username"] == user.username
    assert count_suggestions() == 2


def test_a_key_is_remembered_for_24_hours(client, member, auth_headers, suggestion_lists, clock, app):
    from webapp.core.idempotency import IdempotencyKey

    clock.set("2026-09-23T01:00")
    headers = {**auth_headers(member), "Idempotency-Key": key()}
    first = client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=headers)
    clock.set("2026-09-24T00:50")
    assert client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=headers).get_json() == \
        first.get_json()
    clock.set("2026-09-24T01:10")  # 24 h 10 min later: the key is free again
    later = client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=headers)
    assert later.status_code == 201 and later.get_json()["id"] != first.get_json()["id"]
    assert count_suggestions() == 2
    assert IdempotencyKey.query.count() == 1  # the expired record gave way
    clock.set("2026-09-26T01:00")
    result = app.test_cli_runner().invoke(args=["idempotency", "purge"])
    assert result.exit_code == 0 and "Deleted 1 expired records." in result.output
    assert IdempotencyKey.query.count() == 0


def test_a_refused_request_is_not_remembered(client, member, auth_headers, suggestion_lists):
    headers = {**auth_headers(member), "Idempotency-Key": key()}
    bad = client.post(f"{API}/suggestions", json=submission(suggestion_lists, title=""), headers=headers)
    assert bad.status_code == 422
    good = client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=headers)
    assert good.status_code == 201 and count_suggestions() == 1


@pytest.mark.parametrize("bad_key", ["", "has space", "x" * 256, "键"])
def test_a_malformed_key_is_a_clear_422(client, member, auth_headers, suggestion_lists, bad_key):
    resp = client.post(f"{API}/suggestions", json=submission(suggestion_lists),
                       headers={**auth_headers(member), "Idempotency-Key": bad_key.encode().decode("latin-1")})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "invalid_idempotency_key"
    assert count_suggestions() == 0


def test_multipart_retry_with_another_boundary_is_the_same_request(client, member, auth_headers, suggestion_lists):
    from webapp.suggestions.models import SuggestionAttachment

    headers = {**auth_headers(member), "Idempotency-Key": key()}

    def send(boundary, pdf):
        body = submission(suggestion_lists)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in body.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="a.pdf"\r\n'
                     f"Content-Type: application/pdf\r\n\r\n".encode() + pdf + b"\r\n")
        return client.post(f"{API}/suggestions", data=b"".join(parts) + f"--{boundary}--\r\n".encode(),
                           content_type=f"multipart/form-data; boundary={boundary}", headers=headers)

    pdf = valid_pdf()
    first = send("boundary-one", pdf)
    assert first.status_code == 201, first.get_json()
    assert send("another-boundary-2", pdf).get_json() == first.get_json()
    assert SuggestionAttachment.query.count() == 1
    other_file = send("boundary-three", pdf.replace(b"/Producer (pypdf)", b"/Producer (other)"))
    assert other_file.status_code == 422 and other_file.get_json()["error"]["code"] == "idempotency_key_reused"


def test_a_concurrent_duplicate_is_rolled_back_and_answered_as_a_replay(
        client, db, member, auth_headers, suggestion_lists, monkeypatch):
    """Two requests with one key in flight at once: the second did not see the first's record
    when it started; its own record collides at the flush, its suggestion is rolled back."""
    from webapp.core import idempotency

    headers = {**auth_headers(member), "Idempotency-Key": key()}
    first = client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=headers)
    db.session.commit()
    real_find = idempotency._find
    calls = []

    def find_racing(owner, k):
        calls.append(owner)
        return None if len(calls) == 1 else real_find(owner, k)  # the first look came too early

    monkeypatch.setattr(idempotency, "_find", find_racing)
    second = client.post(f"{API}/suggestions", json=submission(suggestion_lists), headers=headers)
    assert second.status_code == 201 and second.get_json() == first.get_json()
    assert count_suggestions() == 1


def test_every_create_honours_the_key(client, db, make_suggestion, make_member, auth_headers, outbox):
    """Registration, tokens, co-signing, answers, follow-ups, replies and ratings."""
    from webapp.accounts.models import ApiToken, User
    from webapp.suggestions.models import SuggestionSupport

    def twice(path, json, headers=None):
        headers = {**(headers or {}), "Idempotency-Key": f"key-for-{path}"}
        first = client.post(f"{API}{path}", json=json, headers=headers)
        assert first.status_code in (200, 201), (path, first.get_json())
        again = client.post(f"{API}{path}", json=json, headers=headers)
        assert (again.status_code, again.get_json()) == (first.status_code, first.get_json()), path
        return first

    users = User.query.count()
    registration = {"username": "idem_new", "email": "idem_new@example.org", "password": TEST_PASSWORD,
                    "display_name": "新用户", "accept_terms": True}
    assert client.post(f"{API}/auth/register", json=registration).status_code == 202  # the code goes by mail
    (mail,) = outbox()
    code = re.search(r"确认码：\s*(\S+)", mail.get_content()).group(1)
    twice("/auth/register", {**registration, "code": code})
    assert User.query.count() == users + 1
    token = twice("/auth/tokens", {"username": "idem_new", "password": TEST_PASSWORD, "name": "手机"}).get_json()
    assert ApiToken.query.filter_by(user_id=User.query.filter_by(username="idem_new").one().id).count() == 1
    from webapp.core.idempotency import IdempotencyKey

    # The stored answer is sealed: the token's secret is not readable in the table.
    assert all(token["token"] not in (row.body or "") for row in IdempotencyKey.query.all())

    s = make_suggestion(state="assigned")
    supporter = make_member("idem_supporter")
    # Co-signing opens on acceptance; the suggestion is public and assigned.
    twice(f"/suggestions/{s.id}/support", None, auth_headers(supporter))
    assert SuggestionSupport.query.filter_by(suggestion_id=s.id).count() == 1
    leader_headers = auth_headers(s.assigned_leader)
    twice(f"/suggestions/{s.id}/answer", {"body": "感谢您的建议，我们已经研究并将推动落实相关措施。", "draft": False},
          leader_headers)
    author_headers = auth_headers(s.author)
    twice(f"/suggestions/{s.id}/follow-up", {"question": "请问具体什么时候开始落实？"}, author_headers)
    twice(f"/suggestions/{s.id}/follow-up/answer", {"body": "预计下个季度开始试点，届时会公布细则。"}, leader_headers)
    twice(f"/suggestions/{s.id}/rating", {"value": "satisfied", "comment": "答复及时"}, author_headers)


def test_the_openapi_document_declares_the_header_on_every_create(client):
    document = client.get(f"{API}/openapi.json").get_json()
    creates = 0
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            names = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
            if method == "post" and ("201" in op["responses"] or op["operationId"] == "post_answer_follow_up"):
                creates += 1
                assert "Idempotency-Key" in names, (method, path)
                assert "422" in op["responses"]
            else:
                assert "Idempotency-Key" not in names, (method, path)
    assert creates >= 8


# ---------------------------------------------------------------- pages

def token_of(page, prefix=""):
    match = re.search(r'name="%ssubmission_token"[^>]*value="([^"]+)"' % re.escape(prefix), page)
    assert match, "the form carries no one-time token"
    return match.group(1)


def page_form(client, url, prefix=""):
    page = html(client.get(url))
    return extract_csrf(page), token_of(page, prefix)


def test_suggestion_form_submitted_twice_creates_once(client, login, member, suggestion_lists):
    login(client, member)
    csrf, token = page_form(client, "/suggestions/new")
    data = {"csrf_token": csrf, "submission_token": token, "title": TITLE, "body": BODY,
            "category_id": str(suggestion_lists["categories"][0].id), "addressee_id": "", "visibility": "public"}
    first = client.post("/suggestions/new", data=data)
    assert first.status_code == 302
    again = client.post("/suggestions/new", data=data)  # double click, or the page resubmitted
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert count_suggestions() == 1
    assert "该表单已经提交过" in html(client.get(again.headers["Location"]))
    # A new page gets a new token.
    assert page_form(client, "/suggestions/new")[1] != token


def test_a_refused_form_keeps_its_token_and_the_corrected_one_goes_through(client, login, member, suggestion_lists):
    login(client, member)
    csrf, token = page_form(client, "/suggestions/new")
    data = {"csrf_token": csrf, "submission_token": token, "title": "", "body": BODY,
            "category_id": str(suggestion_lists["categories"][0].id), "addressee_id": "", "visibility": "public"}
    refused = client.post("/suggestions/new", data=data)
    assert refused.status_code == 422 and token_of(html(refused)) == token
    ok = client.post("/suggestions/new", data={**data, "title": TITLE})
    assert ok.status_code == 302 and count_suggestions() == 1


def test_follow_up_form_submitted_twice(client, login, make_suggestion):
    from webapp.suggestions.models import SuggestionFollowUp

    s = make_suggestion(state="answered")
    login(client, s.author)
    url = f"/suggestions/{s.id}"
    csrf, token = page_form(client, url)
    data = {"csrf_token": csrf, "submission_token": token, "question": "请问具体什么时候开始落实？"}
    first = client.post(f"{url}/follow-up", data=data)
    assert first.status_code == 302
    again = client.post(f"{url}/follow-up", data=data)
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert "该表单已经提交过" in html(client.get(url))
    assert SuggestionFollowUp.query.count() == 1


def test_registration_submitted_twice(make_client, app, outbox):
    from tests.web_helpers import mailed_link
    from webapp.accounts.models import User

    first_browser, resubmitting = make_client(), make_client()
    csrf = extract_csrf(html(first_browser.get("/register")))
    first_browser.post("/register", data={"csrf_token": csrf, "username": "idem_reg", "email": "idem_reg@example.org",
                                          "display_name": "注册者"})
    (mail,) = outbox()
    link = mailed_link(mail, "/register/complete/")
    # The account is made on the mailed link's page: that is the form that must not create twice.
    csrf, token = page_form(first_browser, link)
    data = {"csrf_token": csrf, "submission_token": token, "password": TEST_PASSWORD,
            "password_confirm": TEST_PASSWORD, "display_name": "注册者", "accept_terms": "y"}
    first = first_browser.post(link, data=data)
    assert first.status_code == 302
    # The second click of the same page, sent before the first answer signed the browser in.
    with first_browser.session_transaction() as signed_in, resubmitting.session_transaction() as anonymous:
        anonymous["csrf_token"] = signed_in["csrf_token"]
    again = resubmitting.post(link, data=data)
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert User.query.filter_by(username="idem_reg").count() == 1


def test_verification_form_submitted_twice(client, login, member):
    from webapp.accounts.models import VerificationRequest

    login(client, member)
    csrf, token = page_form(client, "/account/verification")

    def post():
        return client.post("/account/verification", data={
            "csrf_token": csrf, "submission_token": token, "real_name": "张三", "organisation": "某研究所",
            "position": "研究员", "id_number": "", "proof": (io.BytesIO(valid_pdf()), "proof.pdf")},
            content_type="multipart/form-data")

    assert post().status_code == 302
    again = post()
    assert again.status_code == 302 and again.headers["Location"] == "/account/verification"
    assert VerificationRequest.query.count() == 1
    assert "该表单已经提交过" in html(client.get("/account/verification"))


def test_a_bad_key_comes_after_the_404_and_403_of_the_path(client, member, auth_headers, make_suggestion):
    headers = {**auth_headers(member), "Idempotency-Key": "a b"}
    resp = client.post(f"{API}/suggestions/999999/follow-up", json={"question": "请问何时落实？"}, headers=headers)
    assert resp.status_code == 404
    s = make_suggestion(state="answered")  # not the member's: the rule refuses first
    resp = client.post(f"{API}/suggestions/{s.id}/follow-up", json={"question": "请问何时落实？"}, headers=headers)
    assert resp.status_code == 403
