"""Moderation reasons (hiding, refusing, what staff wrote when screening) reach only the
author, the leader (addressee or assigned) and staff: one rule,
`services.can_see_moderation_notes(user, suggestion)`, behind the page's timeline, the
API's `timeline[].note` and `screening.note`, and the notifications (e-mails go to the
same people as notifications). Everyone else sees the step without its note."""
import pytest

from tests.staff_helpers import html, signed_in  # noqa: F401

REASON = "答复含有个人隐私（内部理由）"
SCREEN_NOTE = "请补充材料（工作人员备注）"
API = "/api/v1"


@pytest.fixture
def people(make_user, make_member, make_staff, make_leader):
    return {
        "author": make_member("author"),
        "other": make_member("other"),
        "staff": make_staff("staff"),
        "leader": make_leader("leader", real_name="王领导"),
        "addressee": make_leader("addressee", real_name="李领导"),
        "other_leader": make_leader("bystander", real_name="赵领导"),
    }


@pytest.fixture
def moderated(people, make_suggestion, db):
    """An answered suggestion, addressed to one leader and assigned to another, accepted with
    a staff note, whose answer staff then hid with a reason."""
    from webapp.suggestions import services

    s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader"],
                        addressee=people["addressee"], state="submitted")
    services.accept(people["staff"], s, note=SCREEN_NOTE, leader_id=people["leader"].id)
    services.save_answer(people["leader"], s, "感谢您的建议，我们将认真研究并推动落实。")
    services.hide_answer(people["staff"], s, REASON)
    db.session.commit()
    return s


INSIDERS = ["author", "leader", "addressee", "staff"]
OUTSIDERS = [None, "other", "other_leader"]


def api_view(client, auth_headers, people, who, s):
    headers = auth_headers(people[who]) if who else {}
    resp = client.get(f"{API}/suggestions/{s.id}", headers=headers)
    assert resp.status_code == 200
    return resp.get_json()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_the_steps_without_their_notes_in_the_api(who, client, auth_headers, people, moderated):
    body = api_view(client, auth_headers, people, who, moderated)
    by_kind = {e["kind"]: e for e in body["timeline"]}
    assert {"accepted", "answer_hidden"} <= set(by_kind)  # the steps are there
    assert "note" in by_kind["answer_hidden"]  # the field stays declared
    assert by_kind["answer_hidden"]["note"] is None
    assert by_kind["accepted"]["note"] is None
    assert body["screening"]["note"] is None and body["screening"]["note_html"] is None
    text = str(body)
    assert REASON not in text and SCREEN_NOTE not in text


@pytest.mark.parametrize("who", INSIDERS)
def test_the_parties_and_staff_see_the_notes_in_the_api(who, client, auth_headers, people, moderated):
    body = api_view(client, auth_headers, people, who, moderated)
    by_kind = {e["kind"]: e for e in body["timeline"]}
    assert by_kind["answer_hidden"]["note"] == REASON
    assert SCREEN_NOTE in by_kind["accepted"]["note"]
    assert body["screening"]["note"] == SCREEN_NOTE


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_the_steps_without_their_notes_on_the_page(who, client, signed_in, people, moderated):
    c = signed_in(people[who]) if who else client
    page = html(c.get(f"/suggestions/{moderated.id}"))
    timeline = page[page.index('id="timeline"'):]
    assert 'data-kind="answer_hidden"' in timeline and 'data-kind="accepted"' in timeline
    assert REASON not in page and SCREEN_NOTE not in page


@pytest.mark.parametrize("who", INSIDERS)
def test_the_parties_and_staff_see_the_notes_on_the_page(who, signed_in, people, moderated):
    page = html(signed_in(people[who]).get(f"/suggestions/{moderated.id}"))
    timeline = page[page.index('id="timeline"'):]
    assert REASON in timeline and SCREEN_NOTE in timeline


def test_public_steps_keep_their_notes(client, people, make_suggestion):
    """Notes that are no moderation (a rating, an assignment's word to the leader) stay public."""
    s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader"], state="closed")
    body = client.get(f"{API}/suggestions/{s.id}").get_json()
    assert {e["kind"]: e["note"] for e in body["timeline"]}["rated"] == "满意"


def test_the_rule(people, moderated):
    from webapp.accounts.models import AnonymousUser
    from webapp.suggestions import services

    assert [services.can_see_moderation_notes(people[w], moderated) for w in INSIDERS] == [True] * 4
    assert [services.can_see_moderation_notes(people[w], moderated) for w in OUTSIDERS[1:]] == [False] * 2
    assert services.can_see_moderation_notes(AnonymousUser(), moderated) is False
    assert services.can_see_moderation_notes(None, moderated) is False


def test_notifications_carrying_reasons_go_to_the_parties_only(people, moderated, make_suggestion, db):
    from webapp.notifications.models import Notification
    from webapp.suggestions import services

    hidden = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader"],
                             state="assigned")
    services.hide(people["staff"], hidden, "含不实信息（内部理由）")
    refused = make_suggestion(author=people["author"], staff=people["staff"], state="submitted")
    services.refuse(people["staff"], refused, reason_id=services.screening_reasons()[0].id, note="内部备注")
    db.session.commit()
    party_ids = {people[w].id for w in ("author", "leader", "addressee")}
    for note in Notification.query.all():
        if any(word in (note.title + note.body) for word in ("内部理由", "内部备注", "工作人员备注")):
            assert note.user_id in party_ids, (note.kind, note.user_id)
