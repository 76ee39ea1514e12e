"""Issue 10, finding 13: a user's roles are for staff and the user themself. The public user
API (and every user nested in another public resource) leaves them out for anyone else; the
document still declares the field (optional), as the first document did."""
import pytest

API = "/api/v1"


@pytest.fixture
def people(make_user, make_staff):
    return {"admin": make_user("boss", roles=["member", "staff", "admin"]),
            "member": make_user("zhang"), "other": make_user("lisi"), "staff": make_staff("wang")}


def test_anonymous_and_other_members_do_not_see_roles(client, people, auth_headers):
    for headers in ({}, auth_headers(people["other"])):
        for name in ("boss", "zhang"):
            body = client.get(f"{API}/users/{name}", headers=headers).get_json()
            assert body["username"] == name and "roles" not in body, (name, headers)


def test_the_user_themself_and_staff_see_roles(client, people, auth_headers):
    own = client.get(f"{API}/users/boss", headers=auth_headers(people["admin"])).get_json()
    assert own["roles"] == ["admin", "member", "staff"]
    seen_by_staff = client.get(f"{API}/users/boss", headers=auth_headers(people["staff"])).get_json()
    assert seen_by_staff["roles"] == ["admin", "member", "staff"]
    me = client.get(f"{API}/me", headers=auth_headers(people["member"])).get_json()
    assert me["roles"] == ["member"]


def test_a_new_token_and_a_registration_show_the_callers_own_roles(client, people, db, outbox):
    import re

    from tests.conftest import TEST_PASSWORD

    issued = client.post(f"{API}/auth/tokens", json={"username": "boss", "password": TEST_PASSWORD}).get_json()
    assert issued["user"]["roles"] == ["admin", "member", "staff"]
    registration = {"username": "li_ming", "email": "li.ming@example.org", "password": "Qiming-Star-2026",
                    "display_name": "李明", "accept_terms": True}
    assert client.post(f"{API}/auth/register", json=registration).status_code == 202
    (mail,) = outbox()
    code = re.search(r"确认码：\s*(\S+)", mail.get_content()).group(1)
    body = client.post(f"{API}/auth/register", json={**registration, "code": code}).get_json()
    assert body["roles"] == ["member"]


def test_users_nested_in_public_resources_carry_no_roles(client, make_suggestion):
    s = make_suggestion(state="answered")
    body = client.get(f"{API}/suggestions/{s.id}").get_json()
    assert body["author"]["username"] and "roles" not in body["author"]
    assert "roles" not in body["assigned_leader"]
    listed = client.get(f"{API}/suggestions").get_json()["items"]
    assert listed and all("roles" not in item["author"] for item in listed)


def test_the_document_declares_roles_as_optional(client):
    user = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]["User"]
    assert "roles" in user["properties"] and "roles" not in user["required"]


def test_the_profile_page_shows_roles_to_the_user_and_staff_only(client, make_client, people, login):
    assert 'id="profile-roles"' not in client.get("/u/boss").get_data(as_text=True)
    login(client, people["other"])
    assert 'id="profile-roles"' not in client.get("/u/boss").get_data(as_text=True)
    own = make_client()
    login(own, people["admin"])
    assert "管理员" in own.get("/u/boss").get_data(as_text=True).split('id="profile-roles"')[1][:300]
    staff = make_client()
    login(staff, people["staff"])
    assert 'id="profile-roles"' in staff.get("/u/boss").get_data(as_text=True)
