"""Review pages and API: anonymity of everything a reviewer can fetch, the visibility the
pages and the API share, CSV download, forms with errors."""
import io

from tests.conftest import extract_csrf
from tests.review_helpers import IN_REVIEW, as_user, pdf_bytes, review_env  # noqa: F401
from webapp.extensions import db
from webapp.review import services
from webapp.review.models import ReviewAssignment

AUTHOR_NAME, AUTHOR_INSTITUTION, AUTHOR_EMAIL = "欧阳知秋", "青岚理工大学海洋研究院", "ouyang@qinglan-tech.edu.cn"
CO_NAME, CO_INSTITUTION, CO_EMAIL = "司马远山", "北辰农林科学院", "sima@beichen-agri.example.cn"
SECRETS = [AUTHOR_NAME, AUTHOR_INSTITUTION, AUTHOR_EMAIL, CO_NAME, CO_INSTITUTION, CO_EMAIL, "ouyang", "qinglan",
           "Ouyang", "sima"]


def _blind_world(review_env, make_user):
    call = review_env.call(reviewers_per_submission=2)
    r1 = review_env.reviewer("rv_r1", ["水文"])
    r2 = review_env.reviewer("rv_r2", ["深度学习"])
    author = make_user("ouyang_zq", display_name=AUTHOR_NAME, email=AUTHOR_EMAIL, institution=AUTHOR_INSTITUTION)
    s = review_env.submit(call, author, authors=[
        {"name": AUTHOR_NAME, "institution": AUTHOR_INSTITUTION, "email": AUTHOR_EMAIL},
        {"name": CO_NAME, "institution": CO_INSTITUTION, "email": CO_EMAIL}], pdf=pdf_bytes(author="Ouyang Zhiqiu"))
    services.confirm(review_env.organiser, call)
    db.session.commit()
    return call, s, author, r1, r2


def _assert_clean(where, data):
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaks in {where}"


def test_no_author_identity_in_anything_a_reviewer_can_fetch(app, client, review_env, make_user, auth_headers, clock):
    call, s, author, r1, r2 = _blind_world(review_env, make_user)
    a1 = ReviewAssignment.query.filter_by(submission_id=s.id, reviewer_id=r1.id).one()
    clock.set(IN_REVIEW)
    as_user(client, r1)
    h = auth_headers(r1)
    fetched = {}
    for url in ("/review/", f"/review/calls/{call.id}", "/review/assignments", f"/review/assignments/{a1.id}",
                "/notifications/", "/review/mine", "/review/profile"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        fetched[url] = resp.get_data()
    pdf = client.get(f"/review/assignments/{a1.id}/submission.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f"attachment; filename=submission-{s.file_token}.pdf"
    fetched["pdf headers"] = str(dict(pdf.headers))
    fetched["pdf"] = pdf.get_data()
    for url in ("/api/v1/me/assignments", f"/api/v1/assignments/{a1.id}", f"/api/v1/calls/{call.id}",
                "/api/v1/calls", "/api/v1/notifications"):
        resp = client.get(url, headers=h)
        assert resp.status_code == 200, url
        fetched[url] = resp.get_data()
    body = client.get(f"/api/v1/assignments/{a1.id}", headers=h).get_json()
    assert body["submission"]["authors"] is None and body["other_reviews"] is None
    assert body["submission"]["title"] == s.title
    # Submitting and then reading the others' reviews: still nobody named.
    resp = client.post(f"/api/v1/assignments/{a1.id}/review", headers=h, json={
        "scores": {c.name: 8 for c in call.criteria}, "recommendation": "accept",
        "comments_to_authors": "方法可靠，结论清楚，建议补充对比实验。", "submit": True})
    assert resp.status_code == 200, resp.get_json()
    fetched["after"] = client.get(f"/review/assignments/{a1.id}").get_data()
    fetched["after api"] = client.get(f"/api/v1/assignments/{a1.id}", headers=h).get_data()
    for where, data in fetched.items():
        _assert_clean(where, data)
    # The submission itself and its versions are the author's, not the reviewer's.
    assert client.get(f"/review/submissions/{s.id}").status_code == 404
    assert client.get(f"/review/submissions/{s.id}/versions/1.pdf").status_code == 404
    assert client.get(f"/api/v1/submissions/{s.id}", headers=h).status_code == 404
    # Another reviewer's assignment is no business of r1's.
    a2 = ReviewAssignment.query.filter_by(submission_id=s.id, reviewer_id=r2.id).one()
    assert client.get(f"/review/assignments/{a2.id}").status_code == 404
    assert client.get(f"/api/v1/assignments/{a2.id}", headers=h).status_code == 404
    assert client.get(f"/api/v1/calls/{call.id}/ranking", headers=h).status_code == 403


def test_single_blind_reviewers_see_the_authors(client, review_env, make_user, auth_headers):
    call = review_env.call(reviewers_per_submission=1, anonymity="single_blind")
    r1 = review_env.reviewer("rv_r1")
    author = make_user("ouyang_zq", display_name=AUTHOR_NAME)
    s = review_env.submit(call, author, authors=[{"name": AUTHOR_NAME, "institution": AUTHOR_INSTITUTION,
                                                  "email": AUTHOR_EMAIL}])
    services.confirm(review_env.organiser, call)
    db.session.commit()
    a = ReviewAssignment.query.filter_by(submission_id=s.id).one()
    body = client.get(f"/api/v1/assignments/{a.id}", headers=auth_headers(r1)).get_json()
    assert body["submission"]["authors"][0]["name"] == AUTHOR_NAME


def test_the_api_flow_from_call_to_decision(client, review_env, make_user, auth_headers, clock):
    staff_h = auth_headers(review_env.organiser)
    r1, r2 = review_env.reviewer("rv_r1", ["水文"]), review_env.reviewer("rv_r2", ["水文"])
    body = {"title": "2026 年度防灾减灾课题申报", "kind": "project_application", "anonymity": "double_blind",
            "reviewers_per_submission": 2, "submission_opens": "2026-09-01T08:00:00+08:00",
            "submission_closes": "2026-10-01T00:00:00Z", "review_due": "2026-10-20T00:00:00Z",
            "criteria": [{"name": "创新性", "weight": 1, "min": 1, "max": 5}, {"name": "可行性", "weight": 1, "min": 1,
                                                                                  "max": 5}]}
    resp = client.post("/api/v1/calls", headers=staff_h, json=body)
    assert resp.status_code == 201, resp.get_json()
    call = resp.get_json()
    assert call["submission_opens"] == "2026-09-01T00:00:00Z" and [c["name"] for c in call["criteria"]] == ["创新性", "可行性"]
    author = make_user("rv_author")
    assert client.post("/api/v1/calls", headers=auth_headers(author), json=body).status_code == 403
    bad = client.post("/api/v1/calls", headers=staff_h, json={**body, "review_due": "2026-09-15T00:00:00Z"})
    assert bad.status_code == 422 and "review_due" in bad.get_json()["error"]["fields"]
    ah = auth_headers(author)
    form = {"title": "城市内涝风险的快速评估方法", "abstract": "本课题拟建立融合多源数据的城市内涝风险快速评估方法并开展示范应用。",
            "keywords": '["水文", "内涝"]', "authors": '[{"name": "作者甲", "institution": "某研究院", "email": "a@x.cn"}]'}
    jpeg = io.BytesIO(b"\xff\xd8\xff\xe0" + b"0" * 200)
    resp = client.post(f"/api/v1/calls/{call['id']}/submissions", headers=ah, content_type="multipart/form-data",
                       data={**form, "pdf": (jpeg, "paper.pdf")})
    assert resp.status_code == 422 and "pdf" in resp.get_json()["error"]["fields"]
    resp = client.post(f"/api/v1/calls/{call['id']}/submissions", headers=ah, content_type="multipart/form-data",
                       data={**form, "pdf": (io.BytesIO(pdf_bytes()), "paper.pdf")})
    assert resp.status_code == 201, resp.get_json()
    sub = resp.get_json()
    assert sub["versions"][0]["pages"] == 1 and sub["decision"] is None
    prop = client.post(f"/api/v1/calls/{call['id']}/assignments/auto", headers=staff_h,
                       json={"confirm": False}).get_json()
    assert prop["feasible"] and prop["confirmed"] is False and len(prop["assignments"]) == 2
    assert prop["quality"]["mean_match"] == 2.0
    prop = client.post(f"/api/v1/calls/{call['id']}/assignments/auto", headers=staff_h, json={"confirm": True})
    assert prop.get_json()["confirmed"]
    mine = client.get("/api/v1/me/assignments", headers=auth_headers(r1)).get_json()
    (item,) = mine["items"]
    clock.set(IN_REVIEW)
    for reviewer, score in ((r1, 5), (r2, 3)):
        a = client.get("/api/v1/me/assignments", headers=auth_headers(reviewer)).get_json()["items"][0]
        resp = client.post(f"/api/v1/assignments/{a['id']}/review", headers=auth_headers(reviewer), json={
            "scores": {"创新性": score, "可行性": score}, "recommendation": "accept",
            "comments_to_authors": "论证充分，技术路线可行。", "comments_to_organisers": "机密意见", "submit": True})
        assert resp.status_code == 200 and resp.get_json()["submitted"]
    again = client.post(f"/api/v1/assignments/{item['id']}/review", headers=auth_headers(r1), json={"scores": {}})
    assert again.status_code == 409
    ranking = client.get(f"/api/v1/calls/{call['id']}/ranking", headers=staff_h).get_json()
    assert ranking["items"][0]["mean"] == 75.0 and ranking["items"][0]["spread"] == 50.0
    resp = client.post(f"/api/v1/submissions/{sub['id']}/decision", headers=staff_h, json={"decision": "accept"})
    assert resp.status_code == 200
    seen = client.get(f"/api/v1/submissions/{sub['id']}", headers=ah).get_json()
    assert seen["decision"] is None and seen["state"] == "submitted"  # not published yet
    assert client.get(f"/api/v1/submissions/{sub['id']}", headers=staff_h).get_json()["decision"] == "已录用"


def test_csv_download_and_form_errors(client, review_env, make_user, clock):
    call = review_env.call()
    staff_client = as_user(client, review_env.organiser)
    resp = staff_client.get(f"/review/calls/{call.id}/ranking.csv")
    assert resp.status_code == 200 and resp.get_data().startswith("\ufeff".encode())
    assert "创新性".encode() in resp.get_data() and resp.mimetype == "text/csv"
    page = staff_client.get("/review/calls/new")
    resp = staff_client.post("/review/calls/new", data={"csrf_token": extract_csrf(page.get_data(as_text=True)),
                                                         "title": "短", "criteria": "创新性,1,1,10"})
    assert resp.status_code == 422 and "error-summary" in resp.get_data(as_text=True)


def test_a_member_cannot_reach_the_organiser_pages(client, review_env, make_user):
    call = review_env.call()
    member = make_user("rv_member")
    as_user(client, member)
    for url in (f"/review/calls/{call.id}/manage", f"/review/calls/{call.id}/ranking", f"/review/calls/{call.id}/assign",
                f"/review/calls/{call.id}/ranking.csv", "/review/calls/new"):
        assert client.get(url).status_code == 403, url


def test_search_documents_only_for_published_accepted_results(review_env, make_user, clock):
    from webapp.review.search import search_sources, submission_document

    (source,) = search_sources()
    call = review_env.call(reviewers_per_submission=1)
    review_env.reviewer("rv_r1")
    s = review_env.submit(call, make_user("rv_a"))
    other = review_env.submit(call, make_user("rv_b"), title="另一篇将被拒绝的论文")
    assert source["document"](s) is None  # submitted
    services.decide(review_env.organiser, s, "second")
    services.decide(review_env.organiser, other, "reject")
    assert submission_document(s) is None  # decided, not published
    withdrawn = review_env.submit(call, make_user("rv_c"), title="一篇将被撤回的论文")
    services.withdraw(withdrawn.author, withdrawn)
    services.publish(review_env.organiser, call)
    doc = submission_document(s)
    assert doc["title"] == s.title and doc["url"] == f"/review/results/{s.id}" and doc["category"] == "论文评奖"
    assert s.author.display_name not in doc["body"]
    assert submission_document(other) is None and submission_document(withdrawn) is None
