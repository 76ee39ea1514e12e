"""Roles and the staff API: who may grant, revoke, suspend and decide, and what the log keeps."""
import pytest

from tests.staff_helpers import (  # noqa: F401
    ID_NUMBER,
    html,
    make_verification,
    signed_in,
)


@pytest.fixture
def people(make_admin, make_member, make_staff, make_verification):
    staff = make_staff("staffer", display_name="工作人员小周")
    admin = make_admin("boss", display_name="管理员老陈")
    member = make_member("lihua", display_name="李华")
    req = make_verification(member)
    return {"staff": staff, "admin": admin, "member": member, "req": req}


def staff_api_calls(people):
    uid, rid = people["member"].id, people["req"].id
    return [
        ("GET", "/api/v1/admin/users", None),
        ("GET", f"/api/v1/admin/users/{uid}", None),
        ("POST", f"/api/v1/admin/users/{uid}/roles", {"role": "leader"}),
        ("DELETE", f"/api/v1/admin/users/{uid}/roles/member", None),
        ("POST", f"/api/v1/admin/users/{uid}/suspend", {"reason": "违规"}),
        ("POST", f"/api/v1/admin/users/{uid}/unsuspend", None),
        ("GET", "/api/v1/admin/verifications", None),
        ("GET", f"/api/v1/admin/verifications/{rid}", None),
        ("POST", f"/api/v1/admin/verifications/{rid}/approve", {"note": "好"}),
        ("POST", f"/api/v1/admin/verifications/{rid}/reject", {"reason": "不好"}),
        ("GET", "/api/v1/admin/audit", None),
    ]


def call(client, method, url, body=None, headers=None):
    return client.open(url, method=method, json=body, headers=headers or {})


# ---------------------------------------------------------------- role pages

def test_admin_grants_and_revokes_roles_with_audit_entries(people, signed_in, post_form, db):
    from webapp.accounts.models import UserRole
    from webapp.core.models import AuditLog
    from webapp.notifications.models import Notification

    admin, member = people["admin"], people["member"]
    client = signed_in(admin)
    page = html(client.get(f"/admin/users/{member.id}"))
    assert 'id="grant-role-form"' in page and f'action="/admin/users/{member.id}/roles/member/revoke"' in page

    resp = post_form(client, f"/admin/users/{member.id}/roles", {"role": "leader"})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/admin/users/{member.id}"
    assert "已授予 李华「领导」角色" in html(client.get(resp.headers["Location"]))
    db.session.expire_all()
    assert member.has_role("leader")
    assert UserRole.query.filter_by(user_id=member.id, role="leader").one().granted_by_id == admin.id
    grant = AuditLog.query.filter_by(action="role.grant").one()
    assert (grant.actor_id, grant.object_type, grant.object_id) == (admin.id, "user", member.id)
    assert "领导" in grant.summary
    assert Notification.query.filter_by(user_id=member.id, kind="role.granted").count() == 1

    resp = post_form(client, f"/admin/users/{member.id}/roles/leader/revoke")
    assert resp.status_code == 302
    db.session.expire_all()
    assert not member.has_role("leader")
    revoke = AuditLog.query.filter_by(action="role.revoke").one()
    assert (revoke.actor_id, revoke.object_id) == (admin.id, member.id)

    page = html(client.get("/admin/audit"))
    assert "授予角色" in page and "撤销角色" in page
    assert grant.summary in page and revoke.summary in page
    assert "撤销角色" in html(client.get(f"/admin/users/{member.id}")).split('id="user-audit"')[1]


def test_staff_cannot_grant_or_revoke_roles(people, signed_in, post_form, db):
    from webapp.core.models import AuditLog

    member, staff = people["member"], people["staff"]
    client = signed_in(staff)
    resp = post_form(client, f"/admin/users/{member.id}/roles", {"role": "admin"})
    assert resp.status_code == 403
    assert "只有管理员可以授予角色" in html(resp)
    assert post_form(client, f"/admin/users/{member.id}/roles/member/revoke").status_code == 403
    assert post_form(client, f"/admin/users/{staff.id}/roles", {"role": "admin"}).status_code == 403
    db.session.expire_all()
    assert member.roles == {"member"} and not staff.is_admin
    assert AuditLog.query.count() == 0


def test_grant_role_form_rejects_unknown_roles_and_admin_keeps_own_admin(people, signed_in, post_form, db):
    admin, member = people["admin"], people["member"]
    client = signed_in(admin)
    resp = post_form(client, f"/admin/users/{member.id}/roles", {"role": "emperor"})
    assert resp.status_code == 422
    resp = post_form(client, f"/admin/users/{admin.id}/roles/admin/revoke", follow_redirects=True)
    assert "不能撤销自己的管理员角色" in html(resp)
    db.session.expire_all()
    assert admin.is_admin and member.roles == {"member"}


# ---------------------------------------------------------------- staff API: access

def test_member_gets_403_and_anonymous_401_on_every_staff_api_route(people, client, auth_headers, db):
    from webapp.core.models import AuditLog

    headers = auth_headers(people["member"])
    for method, url, body in staff_api_calls(people):
        resp = call(client, method, url, body, headers)
        assert resp.status_code == 403, (method, url)
        assert resp.get_json()["error"]["code"] == "forbidden", (method, url)
        resp = call(client, method, url, body)
        assert resp.status_code == 401, (method, url)
        assert resp.get_json()["error"]["code"] == "unauthorized"
    db.session.expire_all()
    assert people["member"].roles == {"member"} and not people["member"].is_suspended
    assert people["req"].state == "pending" and AuditLog.query.count() == 0


def test_staff_api_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [("/api/v1/admin/users", "get"), ("/api/v1/admin/users/{user_id}/roles", "post"),
                         ("/api/v1/admin/users/{user_id}/roles/{role}", "delete"),
                         ("/api/v1/admin/verifications/{request_id}/reject", "post"),
                         ("/api/v1/admin/audit", "get"), ("/api/v1/me/verification", "get")]:
        assert method in paths[path]
        assert paths[path][method]["security"] == [{"bearerAuth": []}]


# ---------------------------------------------------------------- staff API: users and roles

def test_api_user_search(people, make_leader, client, auth_headers):
    make_leader("wangfang", display_name="王芳")
    headers = auth_headers(people["staff"])
    body = client.get("/api/v1/admin/users?per_page=2", headers=headers).get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["total"], body["per_page"], len(body["items"])) == (4, 2, 2)
    item = body["items"][0]
    assert item["username"] == "wangfang" and item["email"] == "wangfang@example.org"
    assert item["suspended"] is False and item["url"] == "/u/wangfang"
    assert [u["username"] for u in client.get("/api/v1/admin/users?q=王芳", headers=headers).get_json()["items"]] \
        == ["wangfang"]
    assert client.get("/api/v1/admin/users?role=leader", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/admin/users?state=verified", headers=headers).get_json()["total"] == 1
    resp = client.get("/api/v1/admin/users?role=emperor", headers=headers)
    assert resp.status_code == 422 and "role" in resp.get_json()["error"]["fields"]
    assert client.get("/api/v1/admin/users?state=sleepy", headers=headers).status_code == 422


def test_api_admin_grants_and_revokes_staff_cannot(people, client, auth_headers, db):
    from webapp.core.models import AuditLog

    admin, staff, member = people["admin"], people["staff"], people["member"]
    url = f"/api/v1/admin/users/{member.id}/roles"

    resp = client.post(url, json={"role": "leader"}, headers=auth_headers(staff))
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    assert client.delete(f"{url}/member", headers=auth_headers(staff)).status_code == 403
    assert AuditLog.query.count() == 0

    admin_headers = auth_headers(admin)
    resp = client.post(url, json={"role": "leader"}, headers=admin_headers)
    assert resp.status_code == 201
    assert resp.get_json()["roles"] == ["leader", "member"]
    assert client.post(url, json={"role": "leader"}, headers=admin_headers).status_code == 200
    assert AuditLog.query.filter_by(action="role.grant", object_id=member.id, actor_id=admin.id).count() == 1

    resp = client.delete(f"{url}/leader", headers=admin_headers)
    assert resp.status_code == 200 and resp.get_json()["roles"] == ["member"]
    assert AuditLog.query.filter_by(action="role.revoke", object_id=member.id, actor_id=admin.id).count() == 1

    resp = client.post(url, json={"role": "emperor"}, headers=admin_headers)
    assert resp.status_code == 422 and "role" in resp.get_json()["error"]["fields"]
    resp = client.post(url, json={"role": 5}, headers=admin_headers)
    assert resp.status_code == 422 and "role" in resp.get_json()["error"]["fields"]
    assert client.post(url, data="nope", headers=admin_headers).status_code == 400
    assert client.delete(f"/api/v1/admin/users/{admin.id}/roles/admin", headers=admin_headers).status_code == 409
    assert client.post("/api/v1/admin/users/9999/roles", json={"role": "leader"},
                       headers=admin_headers).status_code == 404
    db.session.expire_all()
    assert admin.is_admin and member.roles == {"member"}


def test_api_suspension_stops_the_users_tokens(people, client, auth_headers, db):
    from webapp.core.models import AuditLog

    member = people["member"]
    member_headers, staff_headers = auth_headers(member), auth_headers(people["staff"])
    assert client.get("/api/v1/notifications", headers=member_headers).status_code == 200

    resp = client.post(f"/api/v1/admin/users/{member.id}/suspend", json={}, headers=staff_headers)
    assert resp.status_code == 422 and "reason" in resp.get_json()["error"]["fields"]
    resp = client.post(f"/api/v1/admin/users/{member.id}/suspend", json={"reason": "刷屏"}, headers=staff_headers)
    assert resp.status_code == 200
    assert resp.get_json()["suspended"] is True and resp.get_json()["suspended_reason"] == "刷屏"
    assert client.get("/api/v1/notifications", headers=member_headers).status_code == 401
    assert client.post("/api/v1/auth/tokens", json={"username": "lihua", "password": "Correct-Horse-42"}
                       ).get_json()["error"]["code"] == "account_suspended"

    resp = client.post(f"/api/v1/admin/users/{member.id}/unsuspend", headers=staff_headers)
    assert resp.status_code == 200 and resp.get_json()["suspended"] is False
    # Tokens revoked by the suspension stay revoked; a new login works.
    assert client.get("/api/v1/notifications", headers=member_headers).status_code == 401
    assert client.get("/api/v1/notifications", headers=auth_headers(member)).status_code == 200
    assert [e.action for e in AuditLog.query.order_by(AuditLog.id)] == ["user.suspend", "user.unsuspend"]
    # Unsuspending an account that is not suspended is refused and not audited.
    resp = client.post(f"/api/v1/admin/users/{member.id}/unsuspend", headers=staff_headers)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"
    assert AuditLog.query.count() == 2


# ---------------------------------------------------------------- staff API: verification

VERIFICATION_KEYS = {"id", "url", "user", "real_name", "organisation", "position", "id_number_masked", "state",
                     "state_title", "created_at", "decided_at", "decision_reason"}


def test_api_queue_never_shows_a_clear_id_number(people, make_user, make_verification, client, auth_headers):
    make_verification(make_user("second"), real_name="刘洋")
    headers = auth_headers(people["staff"])
    resp = client.get("/api/v1/admin/verifications", headers=headers)
    body = resp.get_json()
    assert body["total"] == 2
    first = body["items"][0]
    assert set(first) == VERIFICATION_KEYS
    assert first["id"] == people["req"].id  # oldest first
    assert first["id_number_masked"] == "1****************X"
    assert first["state"] == "pending" and first["state_title"] == "待审核"
    assert first["user"]["username"] == "lihua"
    assert ID_NUMBER not in resp.get_data(as_text=True)
    assert client.get("/api/v1/admin/verifications?state=approved", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/admin/verifications?state=maybe", headers=headers).status_code == 422


def test_api_approve_then_approve_again_is_409(people, client, auth_headers, db):
    from webapp.notifications.models import Notification

    member, req = people["member"], people["req"]
    headers = auth_headers(people["staff"])
    url = f"/api/v1/admin/verifications/{req.id}/approve"
    resp = client.post(url, headers=headers)  # the note is optional: no body at all
    assert resp.status_code == 200
    assert resp.get_json()["state"] == "approved" and resp.get_json()["decided_at"]
    db.session.expire_all()
    assert member.verified_at is not None and member.real_name == "王建国"
    assert Notification.query.filter_by(user_id=member.id, kind="verification.approved").count() == 1

    resp = client.post(url, json={"note": "再来一次"}, headers=headers)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"
    resp = client.post(f"/api/v1/admin/verifications/{req.id}/reject", json={"reason": "晚了"}, headers=headers)
    assert resp.status_code == 409
    db.session.expire_all()
    assert req.state == "approved" and req.decision_reason is None
    assert Notification.query.count() == 1
    approved = client.get("/api/v1/admin/verifications?state=approved", headers=headers).get_json()
    assert [v["id"] for v in approved["items"]] == [req.id]


def test_api_reject_needs_a_reason_and_the_applicant_sees_it(people, client, auth_headers, db):
    from webapp.core.models import AuditLog
    from webapp.notifications.models import Notification

    member, req = people["member"], people["req"]
    staff_headers, member_headers = auth_headers(people["staff"]), auth_headers(member)
    url = f"/api/v1/admin/verifications/{req.id}/reject"

    resp = client.post(url, json={"reason": "   "}, headers=staff_headers)
    assert resp.status_code == 422 and "reason" in resp.get_json()["error"]["fields"]
    db.session.expire_all()
    assert req.state == "pending" and Notification.query.count() == 0 and AuditLog.query.count() == 0
    mine = client.get("/api/v1/me/verification", headers=member_headers).get_json()
    assert [(v["state"], v["decision_reason"]) for v in mine["items"]] == [("pending", None)]

    resp = client.post(url, json={"reason": "单位证明未盖章"}, headers=staff_headers)
    assert resp.status_code == 200 and resp.get_json()["state_title"] == "未通过"

    mine = client.get("/api/v1/me/verification", headers=member_headers).get_json()
    assert mine["total"] == 1
    item = mine["items"][0]
    assert set(item) == VERIFICATION_KEYS
    assert (item["state"], item["decision_reason"]) == ("rejected", "单位证明未盖章")
    assert ID_NUMBER not in str(mine)
    notes = client.get("/api/v1/notifications", headers=member_headers).get_json()["items"]
    assert [n["kind"] for n in notes] == ["verification.rejected"]
    assert "单位证明未盖章" in notes[0]["body"]
    assert notes[0]["actor"]["username"] == "staffer"
    # Another user sees only their own (none).
    assert client.get("/api/v1/me/verification", headers=staff_headers).get_json()["total"] == 0
    assert client.get("/api/v1/me/verification").status_code == 401


def test_api_audit_log_envelope_and_filter(people, client, auth_headers):
    member, req = people["member"], people["req"]
    headers = auth_headers(people["admin"])
    client.post(f"/api/v1/admin/users/{member.id}/roles", json={"role": "editor"}, headers=headers)
    client.post(f"/api/v1/admin/verifications/{req.id}/reject", json={"reason": "模糊"}, headers=headers)
    body = client.get("/api/v1/admin/audit", headers=headers).get_json()
    assert set(body) == {"items", "page", "per_page", "total"} and body["total"] == 2
    newest = body["items"][0]
    assert newest["action"] == "verification.reject" and newest["reason"] == "模糊"
    assert newest["actor"]["username"] == "boss" and newest["object_id"] == req.id
    only = client.get("/api/v1/admin/audit?action=role.grant", headers=headers).get_json()
    assert only["total"] == 1 and only["items"][0]["object_type"] == "user"
    assert only["items"][0]["action_title"] == "授予角色"
