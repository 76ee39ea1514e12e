"""What authors and staff expect of a suggestion platform (issue 8, "Missing"), in the page
and the API: edit and withdraw until screened, Markdown preview, the draft kept in the
browser, similar suggestions before submitting, withdrawing a co-signature, e-mail to the
author and the leader (with an opt-out), and staff changing the category."""
import pytest

from tests.staff_helpers import signed_in  # noqa: F401  (fixture)
from tests.test_suggestions_web import form_data, member_post, people, row_ids, sg  # noqa: F401  (fixtures)
from tests.web_helpers import field_error, html

API = "/api/v1"


@pytest.fixture
def h(people, auth_headers):
    return {key: auth_headers(user) for key, user in people.items()}


def kinds(suggestion):
    return [e.kind for e in suggestion.events]


# ---------------------------------------------------------------- edit before screening

def test_author_edits_on_the_page_until_screened(signed_in, people, sg, db, suggestion_lists):
    s = sg("submitted")
    author = signed_in(people["author"])
    page = html(author.get(f"/suggestions/{s.id}"))
    assert f'href="/suggestions/{s.id}/edit"' in page and "withdraw-form" in page
    form = html(author.get(f"/suggestions/{s.id}/edit"))
    assert s.title in form and 'name="attachments"' not in form

    other_category = suggestion_lists["categories"][1]
    resp = member_post(author, f"/suggestions/{s.id}/edit",
                       form_data(other_category, title="关于优化科研项目经费管理流程的建议"))
    assert resp.status_code == 302 and resp.headers["Location"] == f"/suggestions/{s.id}"
    db.session.expire_all()
    assert s.title == "关于优化科研项目经费管理流程的建议" and s.category_id == other_category.id
    assert kinds(s) == ["submitted", "edited"]
    assert "标题" in s.events[-1].note and "分类" in s.events[-1].note

    resp = member_post(author, f"/suggestions/{s.id}/edit", form_data(other_category, title="短"))
    assert resp.status_code == 422 and field_error(html(resp), "至少 5 个字")

    # Another member may not edit (before screening they cannot even see it: 先审后发); after
    # screening nobody may.
    assert member_post(signed_in(people["member"]), f"/suggestions/{s.id}/edit",
                       form_data(other_category)).status_code == 404
    db.session.expire_all()
    assert s.title == "关于优化科研项目经费管理流程的建议"
    from webapp.suggestions import services

    services.accept(people["staff"], s)
    db.session.commit()
    resp = author.get(f"/suggestions/{s.id}/edit")
    assert resp.status_code == 302
    assert "不能再修改" in html(author.get(f"/suggestions/{s.id}"))
    assert "withdraw-form" not in html(author.get(f"/suggestions/{s.id}"))


def test_edit_through_the_api(client, people, h, sg, db):
    s = sg("submitted")
    url = f"{API}/suggestions/{s.id}"
    resp = client.patch(url, json={"body": "修改后的正文：建议简化报销流程，并推进系统互通。"}, headers=h["author"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["body"].startswith("修改后的正文") and body["title"] == s.title
    assert [e["kind"] for e in body["timeline"]] == ["submitted", "edited"]
    assert client.patch(url, json={"title": "短"}, headers=h["author"]).status_code == 422
    # Unscreened, it is not published: to another member it does not exist.
    assert client.patch(url, json={"title": "别人改的建议标题"}, headers=h["member"]).status_code == 404
    assert client.patch(url, json={"title": "别人改的建议标题"}).status_code == 401

    from webapp.suggestions import services

    services.accept(people["staff"], s)
    db.session.commit()
    resp = client.patch(url, json={"title": "受理之后再修改标题"}, headers=h["author"])
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "already_screened"


# ---------------------------------------------------------------- withdraw before screening

def test_withdrawn_suggestion_leaves_the_lists_but_its_author_sees_it(client, signed_in, people, sg, db, h):
    s = sg("submitted", title="一条作者将要撤回的建议")
    kept = sg("accepted", title="一条仍然有效的建议")
    author = signed_in(people["author"])
    resp = member_post(author, f"/suggestions/{s.id}/withdraw", {"withdraw-reason": "与已有建议重复"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert s.state == "withdrawn" and kinds(s) == ["submitted", "withdrawn"]
    assert s.events[-1].note == "与已有建议重复"

    assert row_ids(html(client.get("/suggestions/"))) == [kept.id]
    assert client.get(f"/suggestions/{s.id}").status_code == 404
    assert s.id not in [i["id"] for i in client.get(f"{API}/suggestions").get_json()["items"]]
    assert s.id not in row_ids(html(author.get("/suggestions/")))
    assert s.id in row_ids(html(author.get("/suggestions/mine")))
    page = html(author.get(f"/suggestions/{s.id}"))
    assert "withdrawn-banner" in page and "已撤回" in page
    mine = client.get(f"{API}/suggestions?mine=true", headers=h["author"]).get_json()["items"]
    assert {i["id"]: i["state_title"] for i in mine}[s.id] == "已撤回"
    staff = signed_in(people["staff"])
    assert s.id not in row_ids(html(staff.get("/admin/suggestions/?queue=screening")))
    # Withdrawn is final.
    assert member_post(author, f"/suggestions/{s.id}/withdraw").status_code == 409


def test_withdraw_through_the_api(client, people, h, sg, db):
    s = sg("submitted")
    url = f"{API}/suggestions/{s.id}/withdraw"
    assert client.post(url, headers=h["member"]).status_code == 404  # not published before screening
    resp = client.post(url, headers=h["author"])
    assert resp.status_code == 200 and resp.get_json()["state"] == "withdrawn"
    assert resp.get_json()["permissions"]["can_edit"] is False
    assert client.post(url, headers=h["author"]).get_json()["error"]["code"] == "withdrawn"
    accepted = sg("accepted")
    resp = client.post(f"{API}/suggestions/{accepted.id}/withdraw", json={}, headers=h["author"])
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "already_screened"


# ---------------------------------------------------------------- Markdown preview

def test_preview_renders_with_the_display_pipeline_and_needs_csrf(signed_in, people, client, h):
    from webapp.core.text import render_markdown

    source = "**加粗** <script>alert(1)</script> [链接](javascript:alert(1))"
    author = signed_in(people["author"])
    resp = member_post(author, "/suggestions/preview", {"body": source})
    assert resp.status_code == 200
    assert resp.get_json()["body_html"] == str(render_markdown(source))
    assert "<strong>加粗</strong>" in resp.get_json()["body_html"] and "<script" not in resp.get_json()["body_html"]
    assert author.post("/suggestions/preview", data={"body": source}).status_code == 400  # no CSRF token
    assert client.post("/suggestions/preview", data={"body": source}).status_code in (302, 400)

    resp = client.post(f"{API}/suggestions/preview", json={"body": source}, headers=h["author"])
    assert resp.status_code == 200 and resp.get_json()["body_html"] == str(render_markdown(source))
    assert client.post(f"{API}/suggestions/preview", json={"body": source}).status_code == 401


def test_write_page_carries_the_preview_similar_and_draft_hooks(signed_in, people, app):
    page = html(signed_in(people["author"]).get("/suggestions/new"))
    assert 'data-preview-url="/suggestions/preview"' in page and 'data-similar-url="/suggestions/similar"' in page
    assert 'data-draft-key="suggestion-draft:new"' in page and "本浏览器" in page
    assert "js/suggestion-form.js" in page
    # Without JavaScript nothing of it shows: the preview and the list start hidden.
    assert 'class="card mt-2 body-preview" hidden' in page and 'similar-suggestions mb-3" aria-live="polite" hidden' in page


def test_a_successful_submission_tells_the_browser_to_drop_its_draft(signed_in, people, suggestion_lists):
    author = signed_in(people["author"])
    resp = member_post(author, "/suggestions/new", form_data(suggestion_lists["categories"][0]))
    assert resp.status_code == 302
    page = html(author.get(resp.headers["Location"]))
    assert 'data-clear-draft="suggestion-draft:new"' in page
    assert "data-clear-draft" not in html(author.get(resp.headers["Location"]))  # once only
    failed = member_post(author, "/suggestions/new", form_data(suggestion_lists["categories"][0], title="短"))
    assert failed.status_code == 422 and "data-clear-draft" not in html(failed)


# ---------------------------------------------------------------- similar suggestions

def test_similar_suggestions_only_those_the_viewer_may_see(client, signed_in, people, sg, h, db):
    public = sg("accepted", title="关于简化横向科研经费报销流程的建议")
    private = sg("submitted", title="关于科研经费报销系统互通的建议", visibility="private")
    withdrawn = sg("submitted", title="关于科研经费报销的另一条建议")
    from webapp.suggestions import services

    services.withdraw(people["author"], withdrawn)
    db.session.commit()
    sg("accepted", title="关于建设青年人才公寓的建议")

    def found(resp):
        return [i["id"] for i in resp.get_json()["items"]]

    assert found(client.get("/suggestions/similar?title=科研经费报销太慢")) == [public.id]
    member = signed_in(people["member"])
    assert found(member.get("/suggestions/similar?title=科研经费报销太慢")) == [public.id]
    author = signed_in(people["author"])
    assert set(found(author.get("/suggestions/similar?title=科研经费报销太慢"))) == {public.id, private.id}
    assert found(client.get("/suggestions/similar?title=关于建议")) == []  # only stop words
    assert found(client.get(f"/suggestions/similar?title=科研经费报销&exclude_id={public.id}")) == []

    resp = client.get(f"{API}/suggestions/similar?title=科研经费报销太慢")
    assert resp.status_code == 200 and found(resp) == [public.id]
    resp = client.get(f"{API}/suggestions/similar?title=科研经费报销太慢", headers=h["author"])
    assert set(found(resp)) == {public.id, private.id}
    assert client.get(f"{API}/suggestions/similar").status_code == 422


def test_similar_ranks_titles_sharing_more_words_first(client, sg):
    one = sg("accepted", title="关于青年人才住房补贴的建议")
    two = sg("accepted", title="关于青年人才评价破除唯论文的建议")
    from webapp.suggestions.services.similar import similar_suggestions

    assert [s.id for s in similar_suggestions(None, "青年人才评价改革")] == [two.id, one.id]


# ---------------------------------------------------------------- withdrawing a co-signature

def test_cosign_withdrawn_on_the_page_count_stays_exact(signed_in, people, sg, db):
    from webapp.suggestions.models import SuggestionSupport

    s = sg("accepted")
    member = signed_in(people["member"])
    url = f"/suggestions/{s.id}"
    member_post(member, url + "/support")
    assert "cosign-withdraw" in html(member.get(url))
    resp = member_post(member, url + "/support/withdraw")
    assert resp.status_code == 302
    db.session.expire_all()
    assert s.support_count == 0 and SuggestionSupport.query.filter_by(suggestion_id=s.id).count() == 0
    assert "已撤回联名" in html(member.get(url))
    assert member_post(member, url + "/support/withdraw").status_code == 409
    member_post(member, url + "/support")
    db.session.expire_all()
    assert s.support_count == 1


def test_cosign_withdrawn_through_the_api_and_threshold_not_repeated(client, people, h, sg, db, app, monkeypatch,
                                                                    make_user, auth_headers):
    from webapp.suggestions.models import SuggestionEvent

    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 2)
    s = sg("accepted")
    url = f"{API}/suggestions/{s.id}/support"
    fan = auth_headers(make_user("fan_two"))
    assert client.post(url, headers=h["member"]).status_code == 201
    assert client.post(url, headers=fan).status_code == 201
    resp = client.delete(url, headers=h["member"])
    assert resp.status_code == 200
    assert resp.get_json() == {"suggestion_id": s.id, "supported": False, "support_count": 1,
                               "support_threshold": 2}
    assert client.delete(url, headers=h["member"]).get_json()["error"]["code"] == "not_supported"
    assert client.post(url, headers=h["member"]).status_code == 201
    db.session.expire_all()
    assert s.support_count == 2
    assert SuggestionEvent.query.filter_by(suggestion_id=s.id, kind="threshold").count() == 1
    # Once answered, the co-signatures stand.
    answered = sg("answered")
    resp = client.delete(f"{API}/suggestions/{answered.id}/support", headers=h["member"])
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "support_closed"
    assert client.delete(url).status_code == 401


# ---------------------------------------------------------------- e-mail, with an opt-out

def test_mail_to_the_leader_on_assignment_and_the_author_on_the_answer(people, sg, outbox, db):
    from webapp.suggestions import services

    s = sg("accepted")
    services.assign(people["staff"], s, people["leader"].id)
    assert outbox() == []  # only after the commit
    db.session.commit()
    [to_leader] = outbox()
    assert to_leader["To"] == people["leader"].email and s.title in to_leader["Subject"]
    assert f"/suggestions/{s.id}" in to_leader.get_content() and "钱工作" not in to_leader.get_content()
    services.save_answer(people["leader"], s, "感谢您的建议，我们将认真研究并推动落实。")
    db.session.commit()
    to_author = outbox()[-1]
    assert to_author["To"] == people["author"].email and "已答复" in to_author["Subject"]
    assert "/account/settings" in to_author.get_content()


def test_no_mail_when_the_action_rolls_back(people, sg, outbox, db):
    from webapp.suggestions import services

    s = sg("accepted")
    services.assign(people["staff"], s, people["leader"].id)
    db.session.rollback()
    assert outbox() == []


def test_mail_opt_out_on_the_settings_page(signed_in, people, sg, outbox, db):
    from webapp.suggestions import services

    leader = signed_in(people["leader"])
    page = html(leader.get("/account/settings"))
    assert 'name="email_notifications"' in page and "checked" in page
    assert member_post(leader, "/account/settings", {}).status_code == 302  # unchecked box: off
    db.session.expire_all()
    assert people["leader"].email_notifications is False
    assert leader.post("/account/settings", data={"email_notifications": "y"}).status_code == 400  # no CSRF
    s = sg("accepted")
    services.assign(people["staff"], s, people["leader"].id)
    db.session.commit()
    assert outbox() == []
    from webapp.notifications.models import Notification

    assert Notification.query.filter_by(user_id=people["leader"].id, kind="suggestion.assigned").count() == 1
    member_post(leader, "/account/settings", {"email_notifications": "y"})
    db.session.expire_all()
    assert people["leader"].email_notifications is True


def test_mail_opt_out_through_the_api(client, people, h, sg, outbox, db):
    from webapp.suggestions import services

    assert client.get(f"{API}/me", headers=h["author"]).get_json()["email_notifications"] is True
    resp = client.patch(f"{API}/me", json={"email_notifications": False}, headers=h["author"])
    assert resp.status_code == 200 and resp.get_json()["email_notifications"] is False
    assert client.patch(f"{API}/me", json={"email_notifications": "off"}, headers=h["author"]).status_code == 422
    # Every field of PATCH /me is optional (the private birth year joined it): {} changes nothing.
    unchanged = client.patch(f"{API}/me", json={}, headers=h["author"])
    assert unchanged.status_code == 200 and unchanged.get_json()["email_notifications"] is False
    assert client.patch(f"{API}/me", json={"email_notifications": False}).status_code == 401
    s = sg("assigned")
    outbox_before = len(outbox())
    services.save_answer(people["leader"], s, "感谢您的建议，我们将认真研究并推动落实。")
    db.session.commit()
    assert [m["To"] for m in outbox()[outbox_before:]] == []


# ---------------------------------------------------------------- staff change the category

def test_staff_change_the_category_on_the_page(signed_in, people, sg, db, suggestion_lists):
    from webapp.core.models import AuditLog

    s = sg("assigned")
    new = suggestion_lists["categories"][2]
    staff = signed_in(people["staff"])
    assert "category-form" in html(staff.get(f"/suggestions/{s.id}"))
    assert "category-form" not in html(signed_in(people["author"]).get(f"/suggestions/{s.id}"))
    resp = member_post(staff, f"/suggestions/{s.id}/category", {"category-category_id": str(new.id),
                                                               "category-note": "更贴近内容"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert s.category_id == new.id and kinds(s)[-1] == "recategorised"
    assert new.name in s.events[-1].note and "更贴近内容" in s.events[-1].note
    entry = AuditLog.query.filter_by(action="suggestion.recategorise", object_id=s.id).one()
    assert entry.actor_id == people["staff"].id and entry.reason == "更贴近内容"
    page = html(signed_in(people["member"]).get(f"/suggestions/{s.id}"))
    assert "调整分类" in page and "钱工作" not in page  # staff act as 科协工作人员
    resp = member_post(staff, f"/suggestions/{s.id}/category", {"category-category_id": ""})
    assert resp.status_code == 422 and field_error(html(resp), "请选择一个启用的分类")
    assert member_post(signed_in(people["author"]), f"/suggestions/{s.id}/category",
                       {"category-category_id": str(suggestion_lists["categories"][0].id)}).status_code == 403


def test_staff_change_the_category_through_the_api(client, people, h, sg, suggestion_lists):
    s = sg("submitted")
    url = f"{API}/suggestions/{s.id}/category"
    new = suggestion_lists["categories"][1]
    assert client.post(url, json={"category_id": new.id}, headers=h["author"]).status_code == 403
    resp = client.post(url, json={"category_id": new.id}, headers=h["staff"])
    assert resp.status_code == 200 and resp.get_json()["category"]["id"] == new.id
    event = resp.get_json()["timeline"][-1]
    assert event["kind"] == "recategorised" and event["actor"] is None and event["actor_name"] == "科协工作人员"
    assert client.post(url, json={"category_id": new.id}, headers=h["staff"]).status_code == 422
    assert client.post(url, json={}, headers=h["staff"]).status_code == 422
