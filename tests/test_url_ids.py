"""Ids too large for a database integer are simply not found (404), on pages and in the API."""
import pytest

HUGE = "9" * 25


@pytest.mark.parametrize("path", [
    f"/suggestions/{HUGE}",
    f"/leaders/{HUGE}",
    f"/api/v1/suggestions/{HUGE}",
    f"/api/v1/leaders/{HUGE}/stats",
])
def test_huge_id_in_a_get_is_404(client, path):
    assert client.get(path).status_code == 404


def test_huge_id_in_api_posts_is_a_404_envelope(client, make_user, auth_headers):
    user = make_user()
    for path in (f"/api/v1/notifications/{HUGE}/read", f"/api/v1/suggestions/{HUGE}/support"):
        resp = client.post(path, headers=auth_headers(user))
        assert resp.status_code == 404, path
        assert resp.get_json()["error"]["code"] == "not_found"
    resp = client.delete(f"/api/v1/auth/tokens/{HUGE}", headers=auth_headers(user))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_largest_32_bit_id_still_routes_and_the_next_does_not(client):
    # The bound is the database's, not smaller: the route matches and the service answers 404.
    resp = client.get(f"/api/v1/suggestions/{2**31 - 1}")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["message"] == "找不到该建议"
    # One more is refused by the router (the generic not-found message).
    resp = client.get(f"/api/v1/suggestions/{2**31}")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["message"] != "找不到该建议"


def test_huge_ids_in_forms_and_json_are_field_errors(client, make_user, auth_headers, suggestion_lists):
    user = make_user()
    huge = 2**40
    resp = client.post("/api/v1/suggestions", headers=auth_headers(user),
                       json={"title": "关于科研经费管理的建议", "body": "建议简化科研经费报销流程。",
                             "category_id": huge, "addressee_id": huge, "visibility": "public"})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) >= {"category_id", "addressee_id"}
    # Strings of digits reach the service as they come from a form.
    from webapp.suggestions import services

    problems = services.suggestion_problems("关于科研经费管理的建议", "建议简化科研经费报销流程。", str(huge),
                                            str(huge), "public")
    assert set(problems) == {"category_id", "addressee_id"}


def test_huge_ids_in_list_filters_are_ignored_or_refused(client, make_suggestion):
    s = make_suggestion(state="accepted")
    huge = 2**40
    resp = client.get(f"/suggestions/?category={huge}&leader={huge}")
    assert resp.status_code == 200
    assert s.title in resp.get_data(as_text=True)  # an impossible filter is ignored, as other bad values are
    resp = client.get(f"/api/v1/suggestions?category_id={huge}")
    assert resp.status_code == 422
    assert "category_id" in resp.get_json()["error"]["fields"]


@pytest.mark.parametrize("method, path", [
    ("DELETE", "/api/v1/suggestions/{id}/support"),
    ("POST", "/api/v1/suggestions/{id}/support"),
    ("PATCH", "/api/v1/suggestions/{id}"),
    ("GET", "/api/v1/suggestions/{id}"),
])
@pytest.mark.parametrize("huge", [2**31, 9615187457, HUGE])
def test_huge_id_on_a_path_with_several_methods_is_404_not_405(client, make_user, auth_headers, method, path, huge):
    # werkzeug answers 405 when a converter refuses a value after another method's rule matched the path.
    resp = client.open(path.format(id=huge), method=method, headers=auth_headers(make_user()))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"
