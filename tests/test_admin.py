"""Staff pages: access, dashboard, user search, suspension, the verification queue, the audit log."""
import re

import pytest

from tests.staff_helpers import (  # noqa: F401
    ID_NUMBER,
    html,
    make_verification,
    signed_in,
)


@pytest.fixture
def people(make_admin, make_member, make_staff, make_verification):
    """A staff member, an admin, a member and a pending verification request of the member."""
    staff = make_staff("staffer", display_name="工作人员小周")
    admin = make_admin("boss", display_name="管理员老陈")
    member = make_member("lihua", display_name="李华", email="lihua@example.org")
    req = make_verification(member)
    return {"staff": staff, "admin": admin, "member": member, "req": req}


def admin_gets(people):
    uid, rid = people["member"].id, people["req"].id
    return ["/admin/", "/admin/users", f"/admin/users/{uid}", "/admin/verifications",
            "/admin/verifications?state=approved", f"/admin/verifications/{rid}", "/admin/audit"]


def admin_posts(people):
    uid, rid = people["member"].id, people["req"].id
    return [
        (f"/admin/users/{uid}/roles", {"role": "leader"}),
        (f"/admin/users/{uid}/roles/member/revoke", {}),
        (f"/admin/users/{uid}/suspend", {"reason": "违规"}),
        (f"/admin/users/{uid}/unsuspend", {}),
        (f"/admin/verifications/{rid}/approve", {"note": ""}),
        (f"/admin/verifications/{rid}/reject", {"reason": "材料不清晰"}),
    ]


# ---------------------------------------------------------------- who may enter

def test_member_gets_403_on_every_admin_page_and_action(people, signed_in, post_form, db):
    from webapp.core.models import AuditLog

    client = signed_in(people["member"])
    for url in admin_gets(people):
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert "没有权限" in html(resp)
    for url, data in admin_posts(people):
        assert post_form(client, url, data).status_code == 403, url
    db.session.expire_all()
    member = people["member"]
    assert member.roles == {"member"} and not member.is_suspended and not member.is_verified
    assert people["req"].state == "pending"
    assert AuditLog.query.count() == 0
    # The member has no link to the staff pages either.
    assert 'href="/admin/"' not in html(client.get("/notifications/"))


def test_anonymous_is_sent_to_login(people, client, post_form):
    for url in admin_gets(people):
        resp = client.get(url)
        assert resp.status_code == 302, url
        assert resp.headers["Location"].startswith("/login"), url
    for url, data in admin_posts(people):
        resp = post_form(client, url, data)
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login"), url
    assert people["req"].state == "pending"


def test_staff_sees_every_page_and_the_nav_link(people, signed_in):
    client = signed_in(people["staff"])
    for url in admin_gets(people):
        assert client.get(url).status_code == 200, url
    assert 'href="/admin/"' in html(client.get("/notifications/"))


# ---------------------------------------------------------------- dashboard and user list

def test_dashboard_counts(people, make_user, make_verification, signed_in, db):
    from webapp.core.db import utcnow

    make_user("gone", suspended_at=utcnow(), suspended_reason="测试")
    make_verification(make_user("applicant2"))
    page = html(signed_in(people["staff"]).get("/admin/"))
    assert re.search(r'id="count-users">\s*5\s*<', page)
    assert re.search(r'id="count-pending">\s*2\s*<', page)
    assert re.search(r'id="count-suspended">\s*1\s*<', page)
    for link in ('href="/admin/users"', 'href="/admin/verifications"', 'href="/admin/audit"'):
        assert link in page


def user_rows(page):
    return re.findall(r'href="/admin/users/(\d+)" class="fw-semibold"', page)


def test_user_list_search_filters_and_pages(people, make_user, signed_in, db, make_leader):
    from webapp.core.db import utcnow

    make_leader("wangfang", display_name="王芳", email="wf@lab.cn")
    suspended = make_user("zhaolei", display_name="赵磊", suspended_at=utcnow(), suspended_reason="广告")
    client = signed_in(people["staff"])
    ids = lambda url: {int(i) for i in user_rows(html(client.get(url)))}  # noqa: E731

    assert len(ids("/admin/users")) == 5
    by_email = ids("/admin/users?q=wf@lab")
    assert len(by_email) == 1
    assert ids("/admin/users?q=王芳") == by_email
    assert ids("/admin/users?q=WANGFANG") == by_email
    assert ids("/admin/users?role=leader") == by_email
    assert ids("/admin/users?state=verified") == by_email
    assert ids("/admin/users?state=suspended") == {suspended.id}
    assert ids("/admin/users?role=admin") == {people["admin"].id}
    assert ids("/admin/users?q=nobody-like-this") == set()
    row = html(client.get("/admin/users?q=wangfang")).split("<tbody>")[1]
    assert "会员" in row and "领导" in row and "已认证" in row
    # An unknown filter value is dropped rather than breaking the page.
    assert len(ids("/admin/users?role=pope")) == 5

    first, second = ids("/admin/users?per_page=3"), ids("/admin/users?per_page=3&page=2")
    assert len(first) == 3 and len(second) == 2 and not first & second
    assert "第 1 / 2 页" in html(client.get("/admin/users?per_page=3"))


def test_user_detail_shows_roles_verification_suspension_and_audit(people, signed_in, post_form, db):
    member, staff = people["member"], people["staff"]
    client = signed_in(staff)
    assert post_form(client, f"/admin/users/{member.id}/suspend", {"reason": "发布广告"}).status_code == 302
    page = html(client.get(f"/admin/users/{member.id}"))
    assert "lihua@example.org" in page
    assert "会员" in page
    assert "已停用" in page and "原因：发布广告" in page
    assert "恢复账号" in page
    assert "王建国 · 中国科学院物理研究所 · 研究员" in page  # the pending request
    audit = page.split('id="user-audit"')[1]
    assert "停用账号" in audit and "停用 lihua" in audit and "发布广告" in audit
    # Staff see the roles but no grant/revoke controls.
    assert "grant-role-form" not in page and "撤销</button>" not in page
    assert "只有管理员可以授予或撤销角色" in page


# ---------------------------------------------------------------- suspension

def test_staff_suspends_member_who_can_no_longer_log_in(people, signed_in, make_client, login, post_form,
                                                        auth_headers, db):
    from webapp.accounts import services
    from webapp.core.errors import ValidationError
    from webapp.core.models import AuditLog

    member, staff = people["member"], people["staff"]
    member_browser = signed_in(member)
    headers = auth_headers(member)
    assert member_browser.get("/notifications/").status_code == 200
    assert make_client().get("/api/v1/me", headers=headers).status_code == 200

    resp = post_form(signed_in(staff), f"/admin/users/{member.id}/suspend", {"reason": "多次发布广告"})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/admin/users/{member.id}"
    db.session.expire_all()
    assert member.is_suspended and member.suspended_reason == "多次发布广告"
    entry = AuditLog.query.filter_by(action="user.suspend").one()
    assert (entry.actor_id, entry.object_id, entry.reason) == (staff.id, member.id, "多次发布广告")

    # The open session ends, the token stops working, and logging in again is refused.
    resp = member_browser.get("/notifications/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    resp = make_client().get("/api/v1/me", headers=headers)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_token"
    with pytest.raises(ValidationError) as exc:
        services.authenticate("lihua", "Correct-Horse-42")
    assert exc.value.code == "account_suspended"
    fresh = make_client()
    resp = login(fresh, member)
    assert resp.status_code != 302
    assert "该账号已被停用" in html(resp)
    assert fresh.get("/notifications/").status_code == 302


def test_suspend_needs_a_reason(people, signed_in, post_form, db):
    from webapp.core.models import AuditLog

    member = people["member"]
    resp = post_form(signed_in(people["staff"]), f"/admin/users/{member.id}/suspend", {"reason": "  "})
    assert resp.status_code == 422
    assert re.search(r'invalid-feedback[^"]*">\s*请填写停用原因', html(resp))
    assert re.search(r'href="/admin/users" aria-current="page"', html(resp))  # still in its section
    db.session.expire_all()
    assert not member.is_suspended
    assert AuditLog.query.count() == 0


def test_unsuspend_lets_the_user_back_in(people, signed_in, make_client, login, post_form, db):
    member = people["member"]
    client = signed_in(people["staff"])
    post_form(client, f"/admin/users/{member.id}/suspend", {"reason": "误操作"})
    resp = post_form(client, f"/admin/users/{member.id}/unsuspend")
    assert resp.status_code == 302
    assert "已恢复" in html(client.get(resp.headers["Location"]))
    db.session.expire_all()
    assert not member.is_suspended
    assert login(make_client(), member).status_code == 302
    # A second "restore" (a stale tab) is refused with a message, not an error page.
    resp = post_form(client, f"/admin/users/{member.id}/unsuspend")
    assert resp.status_code == 302
    assert "该账号未被停用" in html(client.get(resp.headers["Location"]))


def test_staff_cannot_suspend_an_admin_or_themselves(people, signed_in, post_form, db):
    staff, admin = people["staff"], people["admin"]
    client = signed_in(staff)
    assert post_form(client, f"/admin/users/{admin.id}/suspend", {"reason": "试试"}).status_code == 403
    resp = post_form(client, f"/admin/users/{staff.id}/suspend", {"reason": "试试"}, follow_redirects=True)
    assert "不能停用自己的账号" in html(resp)
    db.session.expire_all()
    assert not admin.is_suspended and not staff.is_suspended


# ---------------------------------------------------------------- verification queue

def test_queue_shows_details_masked_id_and_proof_link(people, make_user, make_verification, signed_in, db):
    other = make_verification(make_user("later"), real_name="刘洋", position="教授", id_number=None)
    page = html(signed_in(people["staff"]).get("/admin/verifications"))
    req = people["req"]
    assert "王建国" in page and "中国科学院物理研究所" in page and "研究员" in page
    assert "1****************X" in page
    assert ID_NUMBER not in page
    assert f'href="/account/verification/{req.id}/proof"' in page
    assert page.index(f'id="verification-{req.id}"') < page.index(f'id="verification-{other.id}"')  # oldest first
    assert "未填写" in page  # the second request gave no ID number
    assert f'action="/admin/verifications/{req.id}/approve"' in page
    assert f'action="/admin/verifications/{req.id}/reject"' in page


def test_approve_verifies_notifies_and_shows_the_badge(people, signed_in, post_form, make_client, db):
    from webapp.core.models import AuditLog
    from webapp.notifications.models import Notification

    member, staff, req = people["member"], people["staff"], people["req"]
    client = signed_in(staff)
    resp = post_form(client, f"/admin/verifications/{req.id}/approve", {"note": "材料齐全"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/verifications"
    assert "已通过 王建国 的实名认证" in html(client.get("/admin/verifications"))
    db.session.expire_all()
    assert req.state == "approved" and req.decided_by_id == staff.id and req.decision_reason == "材料齐全"
    assert member.verified_at is not None
    assert (member.real_name, member.position) == ("王建国", "研究员")
    note = Notification.query.filter_by(user_id=member.id).one()
    assert note.kind == "verification.approved" and note.actor_id == staff.id
    assert AuditLog.query.filter_by(action="verification.approve", object_id=req.id).count() == 1

    badge = "实名认证 · 王建国 · 研究员"
    assert badge in html(client.get(f"/admin/users/{member.id}"))
    assert badge in html(make_client().get(f"/u/{member.username}"))
    # It moved from the pending tab to the approved tab.
    assert f'id="verification-{req.id}"' not in html(client.get("/admin/verifications"))
    assert f'id="verification-{req.id}"' in html(client.get("/admin/verifications?state=approved"))


def test_reject_without_reason_changes_nothing(people, signed_in, post_form, db):
    from webapp.core.models import AuditLog
    from webapp.notifications.models import Notification

    req = people["req"]
    resp = post_form(signed_in(people["staff"]), f"/admin/verifications/{req.id}/reject", {"reason": ""})
    assert resp.status_code == 422
    assert re.search(r'invalid-feedback[^"]*">\s*请填写不通过的原因', html(resp))
    db.session.expire_all()
    assert req.state == "pending" and req.decided_at is None
    assert Notification.query.count() == 0 and AuditLog.query.count() == 0


def test_reject_with_reason_notifies_the_applicant(people, signed_in, post_form, db):
    from webapp.notifications.models import Notification

    member, req = people["member"], people["req"]
    client = signed_in(people["staff"])
    resp = post_form(client, f"/admin/verifications/{req.id}/reject", {"reason": "证明材料不清晰"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert req.state == "rejected" and req.decision_reason == "证明材料不清晰"
    assert not member.is_verified
    note = Notification.query.filter_by(user_id=member.id).one()
    assert note.kind == "verification.rejected" and "证明材料不清晰" in note.body
    page = html(client.get("/admin/verifications?state=rejected"))
    assert f'id="verification-{req.id}"' in page and "证明材料不清晰" in page


def test_deciding_twice_is_refused(people, signed_in, post_form, db):
    from webapp.notifications.models import Notification

    req = people["req"]
    client = signed_in(people["staff"])
    post_form(client, f"/admin/verifications/{req.id}/approve", {"note": ""})
    resp = post_form(client, f"/admin/verifications/{req.id}/reject", {"reason": "改主意了"}, follow_redirects=True)
    assert "该申请已处理" in html(resp)
    db.session.expire_all()
    assert req.state == "approved"
    assert Notification.query.count() == 1


# ---------------------------------------------------------------- audit log page

def test_audit_page_lists_and_filters(people, signed_in, post_form, db):
    member, req = people["member"], people["req"]
    client = signed_in(people["staff"])
    post_form(client, f"/admin/users/{member.id}/suspend", {"reason": "刷屏"})
    post_form(client, f"/admin/verifications/{req.id}/reject", {"reason": "照片模糊"})

    page = html(client.get("/admin/audit"))
    assert "共 2 条记录" in page
    assert "停用账号" in page and "刷屏" in page
    assert "驳回实名认证" in page and "照片模糊" in page
    assert f'href="/admin/users/{member.id}"' in page
    assert f'href="/admin/verifications/{req.id}"' in page
    assert "工作人员小周" in page  # the actor

    filtered = html(client.get("/admin/audit?action=user.suspend"))
    assert "共 1 条记录" in filtered and "刷屏" in filtered and "照片模糊" not in filtered
    paged = html(client.get("/admin/audit?per_page=1&page=2"))
    assert "第 2 / 2 页" in paged
