"""Staff moderation through the API: close, hide and unhide a suggestion or its answer."""
from webapp.core.models import AuditLog


def test_hide_and_unhide_a_suggestion(client, make_suggestion, make_user, auth_headers):
    s = make_suggestion(state="assigned")
    staff = make_suggestion.people["staff"]
    member = make_user(username="reader")
    url = f"/api/v1/suggestions/{s.id}"

    resp = client.post(f"{url}/hide", headers=auth_headers(member), json={"reason": "广告"})
    assert resp.status_code == 403
    resp = client.post(f"{url}/hide", headers=auth_headers(staff), json={})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {"reason": "必填"}

    resp = client.post(f"{url}/hide", headers=auth_headers(staff), json={"reason": "含广告内容"})
    assert resp.status_code == 200
    assert client.get(url).status_code == 404  # the public no longer sees it
    assert client.get(url, headers=auth_headers(s.author)).status_code == 200
    assert AuditLog.query.filter_by(action="suggestion.hide", object_id=s.id).one().reason == "含广告内容"
    assert client.post(f"{url}/hide", headers=auth_headers(staff), json={"reason": "再次"}).status_code == 409

    resp = client.post(f"{url}/unhide", headers=auth_headers(staff))
    assert resp.status_code == 200
    assert client.get(url).status_code == 200


def test_hide_an_answer_then_close(client, make_suggestion, auth_headers):
    s = make_suggestion(state="answered")
    staff = make_suggestion.people["staff"]
    url = f"/api/v1/suggestions/{s.id}"

    resp = client.post(f"{url}/answer/hide", headers=auth_headers(staff), json={"reason": "含个人信息"})
    assert resp.status_code == 200
    assert client.get(url).get_json()["answer"] is None
    assert client.get(url, headers=auth_headers(s.author)).get_json()["answer"] is not None
    assert client.post(f"{url}/answer/unhide", headers=auth_headers(staff)).status_code == 200
    assert client.get(url).get_json()["answer"] is not None

    assert client.post(f"{url}/close", headers=auth_headers(s.author), json={}).status_code == 403
    resp = client.post(f"{url}/close", headers=auth_headers(staff), json={"note": "建议人未评价"})
    assert resp.status_code == 200
    assert resp.get_json()["state"] == "closed"
    assert client.post(f"{url}/close", headers=auth_headers(staff), json={}).status_code == 409


def test_moderation_needs_a_token_and_is_documented(client, make_suggestion):
    s = make_suggestion(state="answered")
    assert client.post(f"/api/v1/suggestions/{s.id}/close", json={}).status_code == 401
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for suffix in ("close", "hide", "unhide", "answer/hide", "answer/unhide"):
        assert "post" in paths[f"/api/v1/suggestions/{{suggestion_id}}/{suffix}"]
