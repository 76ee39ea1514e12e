"""Issue 10, finding 2: nobody decides their own real-name verification (not even an admin),
in the rule, the staff page and the API; a real name + organisation + position another
verified account already holds needs an explicit, audited override with a reason; a resident
ID number verified on another account is refused."""
import pytest

from tests.staff_helpers import ID_NUMBER, html, make_verification, signed_in  # noqa: F401

API = "/api/v1"


@pytest.fixture
def staff(make_staff):
    return make_staff("wang", display_name="王晓梅")


def test_the_rule_refuses_deciding_ones_own_request(make_admin, make_verification, staff, db):
    from webapp.accounts import rules
    from webapp.core.errors import PermissionDenied

    admin = make_admin("boss")
    for actor in (staff, admin):
        req = make_verification(actor, real_name="李建国", position="党组书记", id_number=None)
        refusal = rules.why_not_decide_verification(actor, req)
        assert isinstance(refusal, PermissionDenied) and "自己" in refusal.message
        assert not rules.can_decide_verification(actor, req)
    other = make_verification(staff, real_name="王晓梅", id_number=None)
    assert rules.can_decide_verification(admin, other)


def test_the_service_refuses_approving_ones_own_request(make_admin, make_verification, db):
    from webapp.accounts import services
    from webapp.core.errors import PermissionDenied

    admin = make_admin("boss")
    req = make_verification(admin, id_number=None)
    with pytest.raises(PermissionDenied):
        services.approve_verification(admin, req)
    with pytest.raises(PermissionDenied):
        services.reject_verification(admin, req, "不行")
    assert req.state == "pending" and not admin.is_verified


def test_the_staff_page_offers_no_decision_on_ones_own_request(staff, make_verification, signed_in, post_form, db):
    req = make_verification(staff, id_number=None)
    client = signed_in(staff)
    page = html(client.get(f"/admin/verifications/{req.id}"))
    assert f'action="/admin/verifications/{req.id}/approve"' not in page
    assert "须由其他工作人员审核" in page
    resp = post_form(client, f"/admin/verifications/{req.id}/approve", {"note": ""})
    assert resp.status_code == 403
    db.session.refresh(req)
    assert req.state == "pending"


def test_the_api_refuses_approving_ones_own_request(client, staff, make_verification, auth_headers, db):
    req = make_verification(staff, id_number=None)
    resp = client.post(f"{API}/admin/verifications/{req.id}/approve", json={"note": 5}, headers=auth_headers(staff))
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    db.session.refresh(req)
    assert req.state == "pending"


def test_an_identity_already_verified_needs_an_audited_override(make_user, make_leader, make_verification, staff,
                                                                signed_in, post_form, db):
    from webapp.core.audit import AuditLog

    make_leader("leader", real_name="李建国", organisation="市科学技术协会", position="党组书记")
    impostor = make_user("impostor")
    req = make_verification(impostor, real_name="李建国", organisation="市科学技术协会", position="党组书记",
                            id_number=None)
    client = signed_in(staff)
    page = html(client.get(f"/admin/verifications/{req.id}"))
    assert "已由其他认证账号持有" in page and "@leader" in page and 'name="override"' in page

    resp = post_form(client, f"/admin/verifications/{req.id}/approve", {"note": ""})
    assert resp.status_code == 422 and "已由其他认证账号持有" in html(resp)
    resp = post_form(client, f"/admin/verifications/{req.id}/approve", {"override": "y", "override_reason": ""})
    assert resp.status_code == 422 and "请填写覆盖的理由" in html(resp)
    db.session.refresh(req)
    assert req.state == "pending" and not impostor.is_verified

    resp = post_form(client, f"/admin/verifications/{req.id}/approve",
                     {"override": "y", "override_reason": "原领导已调任，新任同名同职，已电话核实"})
    assert resp.status_code == 302
    db.session.refresh(req)
    assert req.state == "approved"
    entry = AuditLog.query.filter_by(action="verification.override_identity", object_id=req.id).one()
    assert entry.reason == "原领导已调任，新任同名同职，已电话核实" and "@leader" in entry.summary
    assert entry.actor_id == staff.id


def test_the_api_needs_the_override_too(client, make_user, make_leader, make_verification, staff, auth_headers, db):
    make_leader("leader", real_name="李建国", organisation="市科学技术协会", position="党组书记")
    req = make_verification(make_user("impostor"), real_name="李建国", organisation="市科学技术协会",
                            position="党组书记", id_number=None)
    url, headers = f"{API}/admin/verifications/{req.id}/approve", auth_headers(staff)
    resp = client.post(url, json={}, headers=headers)
    assert resp.status_code == 422 and "override" in resp.get_json()["error"]["fields"]
    resp = client.post(url, json={"override": True}, headers=headers)
    assert resp.status_code == 422 and "override_reason" in resp.get_json()["error"]["fields"]
    resp = client.post(url, json={"override": True, "override_reason": "已核实"}, headers=headers)
    assert resp.status_code == 200 and resp.get_json()["state"] == "approved"


def test_a_different_position_is_no_conflict(make_user, make_leader, make_verification, staff, db):
    from webapp.accounts import services

    make_leader("leader", real_name="李建国", organisation="市科学技术协会", position="党组书记")
    req = make_verification(make_user("namesake"), real_name="李建国", organisation="市科学技术协会",
                            position="科普部干事", id_number=None)
    services.approve_verification(staff, req)
    assert req.state == "approved"


def test_an_id_number_verified_on_another_account_cannot_be_approved_again(app, make_user, staff, db):
    from tests.test_idnumber import _png
    from webapp.accounts import services
    from webapp.core.errors import Conflict

    first, second = make_user("first"), make_user("second")
    req1 = services.apply_for_verification(first, "张三", "某省科协", "副主席", _png(), id_number=ID_NUMBER)
    req2 = services.apply_for_verification(second, "张叁", "某市科协", "主席", _png(), id_number=ID_NUMBER)
    db.session.commit()
    services.approve_verification(staff, req1)
    with pytest.raises(Conflict) as caught:
        services.approve_verification(staff, req2)
    assert "身份证号码" in caught.value.message
    assert req2.state == "pending" and not second.is_verified
