"""More rules of suggestions (webapp/suggestions/services.py): co-signing and its threshold,
the posting limit, attachments, moderation, the staff-managed lists, and user HTML
neutralised on output."""
import re
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from tests.pdf_samples import valid_pdf
from webapp.core import ratelimit
from webapp.core.errors import AuthenticationRequired, Conflict, NotFound, RateLimited, ValidationError
from webapp.core.models import AuditLog
from webapp.core.text import plain_text, render_markdown
from webapp.notifications.models import Notification
from webapp.suggestions import services
from webapp.suggestions.models import (
    ScreeningReason,
    Suggestion,
    SuggestionAttachment,
    SuggestionCategory,
    SuggestionEvent,
    SuggestionSupport,
)

TITLE = "关于优化科研项目经费管理的建议"
BODY = "建议简化科研经费报销流程，减少科研人员的事务性负担。"
ANSWER = "感谢您的建议，我们将认真研究并推动落实。"


@pytest.fixture
def people(make_leader, make_member, make_staff):
    return {
        "author": make_member(username="author"),
        "other": make_member(username="other"),
        "staff": make_staff(username="staff"),
        "leader": make_leader(username="leader", real_name="王领导"),
    }


@pytest.fixture
def build(people, make_suggestion):
    return lambda **kw: make_suggestion(**{"author": people["author"], "staff": people["staff"],
                                           "leader": people["leader"], **kw})


def notes(kind=None):
    q = Notification.query.order_by(Notification.id)
    if kind:
        q = q.filter_by(kind=kind)
    return q.all()


def audits(action):
    return [(a.actor_id, a.object_id, a.reason) for a in AuditLog.query.filter_by(action=action).order_by(AuditLog.id)]


def category_id():
    return services.categories()[0].id


# --- co-signing ---------------------------------------------------------------------------------

def test_support_is_idempotent(db, people, build):
    s = build(state="accepted")
    other = people["other"]
    assert not services.has_supported(other, s)
    assert services.support(other, s) is True
    assert services.support(other, s) is False
    db.session.expire_all()
    assert SuggestionSupport.query.filter_by(suggestion_id=s.id).count() == 1
    assert db.session.get(Suggestion, s.id).support_count == 1
    assert services.has_supported(other, s) and not services.has_supported(people["leader"], s)
    assert services.supported_ids(other, [s.id, 99999]) == {s.id}
    assert services.supported_ids(None, [s.id]) == set()


@pytest.mark.parametrize("state", ["accepted", "assigned"])
def test_support_open_states(people, build, state):
    s = build(state=state)
    assert services.support(people["other"], s) is True and s.support_count == 1


def test_support_waits_for_acceptance(people, build):
    """Published after screening (先审后发): before acceptance nobody but its parties sees it."""
    s = build(state="submitted")
    assert not s.collects_signatures
    with pytest.raises(NotFound):
        services.support(people["other"], s)
    with pytest.raises(Conflict) as exc:
        services.support(people["staff"], s)
    assert exc.value.code == "not_public" and exc.value.message == "建议受理公开后才能联名支持"


def test_support_refusals(db, people, build, make_user):
    author, other, staff, leader = people["author"], people["other"], people["staff"], people["leader"]
    s = build(state="accepted")
    with pytest.raises(Conflict) as exc:
        services.support(author, s)
    assert exc.value.code == "own_suggestion"
    with pytest.raises(AuthenticationRequired):
        services.support(None, s)
    for state in ("answered", "closed"):
        with pytest.raises(Conflict) as exc:
            services.support(other, build(state=state))
        assert exc.value.code == "support_closed"
    private = build(state="accepted", visibility="private", addressee=leader)
    with pytest.raises(NotFound):
        services.support(other, private)
    with pytest.raises(Conflict) as exc:
        services.support(leader, private)       # the addressee sees it, but it is not public
    assert exc.value.code == "not_public"
    refused = build(state="not_accepted")
    with pytest.raises(NotFound):
        services.support(other, refused)
    with pytest.raises(Conflict) as exc:
        services.support(staff, refused)
    assert exc.value.code == "not_public"
    hidden = build(state="accepted")
    services.hide(staff, hidden, "广告")
    with pytest.raises(NotFound):
        services.support(other, hidden)
    with pytest.raises(Conflict) as exc:
        services.support(staff, hidden)
    assert exc.value.code == "not_public"
    db.session.rollback()
    assert SuggestionSupport.query.count() == 0
    assert [x.support_count for x in Suggestion.query] == [0] * Suggestion.query.count()


def test_threshold_notifies_staff_once_and_forces_acceptance(app, db, monkeypatch, people, build, make_user,
                                                             make_admin, make_staff):
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 3)
    staff2 = make_staff(username="staff2")
    admin = make_admin(username="admin")
    make_staff(username="gone", suspended_at=datetime(2026, 1, 1))
    s = build(state="accepted")
    signers = [make_user(username=f"signer{i}") for i in range(4)]
    services.support(signers[0], s)
    services.support(signers[1], s)
    assert s.threshold_reached_at is None and notes("suggestion.threshold") == []
    services.support(signers[2], s)
    assert s.support_count == 3 and s.threshold_reached_at is not None
    assert sorted(n.user_id for n in notes("suggestion.threshold")) == \
        sorted([people["staff"].id, staff2.id, admin.id, people["author"].id])
    assert SuggestionEvent.query.filter_by(suggestion_id=s.id, kind="threshold").count() == 1
    reached = s.threshold_reached_at
    # More signatures, and repeated ones, announce nothing more.
    services.support(signers[3], s)
    services.support(signers[0], s)
    assert s.support_count == 4 and s.threshold_reached_at == reached
    assert len(notes("suggestion.threshold")) == 4
    assert s in services.staff_queue(people["staff"], "threshold").all()


def reached_before_screening(s, count):
    """Signatures collected before screening (co-signing now opens on acceptance, so only data
    from before that rule gets here): set directly."""
    s.support_count = count
    s.threshold_reached_at = datetime(2026, 1, 1)


def test_a_threshold_reached_before_screening_forces_acceptance(app, db, monkeypatch, people, build):
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 3)
    s = build(state="submitted")
    reached_before_screening(s, 3)
    with pytest.raises(Conflict) as exc:
        services.refuse(people["staff"], s, reason_id=services.screening_reasons()[0].id)
    assert exc.value.code == "threshold_reached"
    services.accept(people["staff"], s)
    assert s.state == "accepted"


def test_threshold_stays_reached_when_the_setting_is_raised(app, db, monkeypatch, people, build, make_user):
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 1)
    s = build(state="submitted")
    reached_before_screening(s, 1)
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 100)
    with pytest.raises(Conflict) as exc:
        services.refuse(people["staff"], s, reason_id=services.screening_reasons()[0].id)
    assert exc.value.code == "threshold_reached"


def test_threshold_queue_comes_first_in_screening(app, monkeypatch, people, build):
    monkeypatch.setitem(app.config, "SUGGESTION_SUPPORT_THRESHOLD", 1)
    first = build(state="submitted")
    second = build(state="submitted")
    assert services.staff_queue(people["staff"], "screening").all() == [first, second]
    reached_before_screening(second, 1)
    assert services.staff_queue(people["staff"], "screening").all() == [second, first]


# --- posting limit --------------------------------------------------------------------------------

def test_sixth_suggestion_within_the_window_is_refused(app, people, suggestion_lists):
    author = people["author"]
    assert app.config["SUGGESTION_POST_LIMIT"] == 5
    for i in range(5):
        services.submit(author, f"{TITLE}{i}", BODY, category_id())
    with pytest.raises(RateLimited) as exc:
        services.submit(author, TITLE, BODY, category_id())
    assert isinstance(exc.value.retry_after, int)
    assert 0 < exc.value.retry_after <= app.config["SUGGESTION_POST_WINDOW"] + 1
    assert Suggestion.query.count() == 5
    # Another member is not affected.
    services.submit(people["other"], TITLE, BODY, category_id())
    assert Suggestion.query.count() == 6


def test_refused_submissions_do_not_count(app, monkeypatch, people, suggestion_lists):
    monkeypatch.setitem(app.config, "SUGGESTION_POST_LIMIT", 2)
    author = people["author"]
    for _ in range(3):
        with pytest.raises(ValidationError):
            services.submit(author, "", BODY, category_id())
    services.submit(author, TITLE, BODY, category_id())
    services.submit(author, TITLE, BODY, category_id())
    with pytest.raises(RateLimited):
        services.submit(author, TITLE, BODY, category_id())


def test_posting_limit_counts_hits_recorded_elsewhere(app, people, suggestion_lists):
    # make_suggestion resets the author's counter, so hit it directly.
    author = people["author"]
    for _ in range(5):
        ratelimit.hit(f"suggestion-post:{author.id}", app.config["SUGGESTION_POST_WINDOW"])
    with pytest.raises(RateLimited):
        services.submit(author, TITLE, BODY, category_id())
    assert Suggestion.query.count() == 0
    ratelimit.reset(f"suggestion-post:{author.id}")
    assert services.submit(author, TITLE, BODY, category_id()).id


# --- attachments ------------------------------------------------------------------------------------

def png_bytes(size=(40, 30)):
    buf = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


PDF = valid_pdf()


def upload(data, name):
    return BytesIO(data), name


def stored_files(app):
    folder = Path(app.config["UPLOAD_DIR"]) / "suggestions"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_attachments_are_checked_and_stored(app, db, people, suggestion_lists):
    s = services.submit(people["author"], TITLE, BODY, category_id(),
                        attachments=[upload(png_bytes(), "现场照片.png"), upload(PDF, "C:\\材料\\说明.pdf")])
    db.session.commit()  # files move into place on commit
    a_img, a_pdf = s.attachments
    assert (a_img.filename, a_pdf.filename) == ("现场照片.png", "说明.pdf")  # a PNG stays a PNG
    assert (a_img.mime, a_pdf.mime) == ("image/png", "application/pdf")
    assert a_img.is_image and not a_pdf.is_image
    assert stored_files(app) == sorted([a_img.storage_key, a_pdf.storage_key])
    folder = Path(app.config["UPLOAD_DIR"]) / "suggestions"
    assert (folder / a_pdf.storage_key).read_bytes() == PDF and a_pdf.size == len(PDF)
    # The image was re-encoded (metadata dropped): its stored type is the one recorded.
    with Image.open(folder / a_img.storage_key) as stored:
        assert (stored.format, stored.size) == ("PNG", (40, 30))
    assert a_img.size == (folder / a_img.storage_key).stat().st_size
    attachment, path = services.attachment_for(people["author"], s.id, a_pdf.id)
    assert attachment is a_pdf and path == folder / a_pdf.storage_key


@pytest.mark.parametrize("bad", [
    ("text renamed", b"this is plain text, not a picture at all", "图片.png"),
    ("truncated png", png_bytes((200, 200))[:300], "截断.png"),
    ("empty", b"", "空.png"),
    ("truncated pdf", PDF[:-8], "材料.pdf"),
])
def test_invalid_attachment_leaves_no_row_and_no_file(app, people, suggestion_lists, bad):
    _, data, name = bad
    with pytest.raises(ValidationError) as exc:
        services.submit(people["author"], TITLE, BODY, category_id(),
                        attachments=[upload(PDF, "好的.pdf"), upload(data, name)])
    assert list(exc.value.fields) == ["attachments"]
    assert name in exc.value.message
    assert Suggestion.query.count() == 0 and SuggestionAttachment.query.count() == 0
    assert stored_files(app) == []
    # Nor does it use up the posting limit.
    assert ratelimit.is_limited(f"suggestion-post:{people['author'].id}", 1, 3600)[0] is False


def test_invalid_attachment_reported_with_the_other_fields(people, suggestion_lists):
    with pytest.raises(ValidationError) as exc:
        services.submit(people["author"], "", BODY, category_id(), attachments=[upload(b"nope", "x.png")])
    assert set(exc.value.fields) == {"title", "attachments"}


def test_too_many_attachments(app, monkeypatch, people, suggestion_lists):
    too_many = [upload(PDF, f"{i}.pdf") for i in range(6)]
    with pytest.raises(ValidationError) as exc:
        services.submit(people["author"], TITLE, BODY, category_id(), attachments=too_many)
    assert exc.value.fields == {"attachments": "最多上传 5 个附件"}
    monkeypatch.setitem(app.config, "SUGGESTION_MAX_ATTACHMENTS", 2)
    with pytest.raises(ValidationError) as exc:
        services.submit(people["author"], TITLE, BODY, category_id(), attachments=too_many[:3])
    assert exc.value.fields == {"attachments": "最多上传 2 个附件"}
    assert Suggestion.query.count() == 0 and stored_files(app) == []
    s = services.submit(people["author"], TITLE, BODY, category_id(),
                        attachments=[upload(PDF, "1.pdf"), None, upload(PDF, "2.pdf")])
    assert len(s.attachments) == 2


def test_attachment_of_a_private_suggestion(app, make_user, people, suggestion_lists):
    private = services.submit(people["author"], TITLE, BODY, category_id(), people["leader"].id, "private",
                              attachments=[upload(PDF, "私密.pdf")])
    public = services.submit(people["other"], TITLE, BODY, category_id(), attachments=[upload(PDF, "公开.pdf")])
    services.accept(people["staff"], public)  # published once accepted
    [att] = private.attachments
    stranger = make_user(username="stranger")
    for viewer in (stranger, None):
        with pytest.raises(NotFound):
            services.attachment_for(viewer, private.id, att.id)
    for viewer in (people["author"], people["leader"], people["staff"]):
        assert services.attachment_for(viewer, private.id, att.id)[0] is att
    # An attachment is reached only through its own suggestion.
    with pytest.raises(NotFound):
        services.attachment_for(stranger, public.id, att.id)
    with pytest.raises(NotFound):
        services.attachment_for(people["author"], private.id, public.attachments[0].id)
    assert services.attachment_for(stranger, public.id, public.attachments[0].id)[0].filename == "公开.pdf"
    # A file missing on disk is a 404, not a 500.
    (Path(app.config["UPLOAD_DIR"]) / "suggestions" / att.storage_key).unlink()
    with pytest.raises(NotFound):
        services.attachment_for(people["author"], private.id, att.id)


# --- moderation ---------------------------------------------------------------------------------------

def test_hide_and_unhide_suggestion(db, people, build):
    staff, author = people["staff"], people["author"]
    s = build(state="assigned")
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as exc:
            services.hide(staff, s, reason)
        assert list(exc.value.fields) == ["reason"]
    assert s.hidden_at is None
    before = len(notes())
    services.hide(staff, s, "  含不实信息  ")
    db.session.commit()
    assert s.is_hidden and s.hidden_reason == "含不实信息" and s.hidden_by_id == staff.id
    assert s.events[-1].kind == "hidden" and s.events[-1].note == "含不实信息"
    assert audits("suggestion.hide") == [(staff.id, s.id, "含不实信息")]
    [note] = notes()[before:]
    assert (note.kind, note.user_id, note.body) == ("suggestion.hidden", author.id, "理由：含不实信息")
    assert s in services.staff_queue(staff, "hidden").all()
    with pytest.raises(Conflict) as exc:
        services.hide(staff, s, "再隐藏一次")
    assert exc.value.code == "already_hidden"
    db.session.rollback()

    services.unhide(staff, s)
    assert not s.is_hidden and s.hidden_reason is None and s.hidden_by_id is None
    assert s.events[-1].kind == "unhidden"
    assert [a[:2] for a in audits("suggestion.unhide")] == [(staff.id, s.id)]
    assert [(n.kind, n.user_id) for n in notes()[before + 1:]] == [("suggestion.unhidden", author.id)]
    with pytest.raises(Conflict) as exc:
        services.unhide(staff, s)
    assert exc.value.code == "not_hidden"


def test_hide_and_unhide_answer(db, people, build, make_leader):
    staff, author, leader, other = people["staff"], people["author"], people["leader"], people["other"]
    assigned = build(state="assigned")
    with pytest.raises(Conflict) as exc:
        services.hide_answer(staff, assigned, "理由")
    assert exc.value.code == "no_answer"
    services.save_answer(leader, assigned, "草稿", publish=False)
    with pytest.raises(Conflict) as exc:
        services.hide_answer(staff, assigned, "理由")
    assert exc.value.code == "no_answer"

    s = build(state="answered")
    with pytest.raises(ValidationError):
        services.hide_answer(staff, s, " ")
    before = len(notes())
    answer = services.hide_answer(staff, s, "答复含有个人隐私")
    assert answer.hidden_at is not None and answer.hidden_reason == "答复含有个人隐私"
    assert s.events[-1].kind == "answer_hidden" and s.events[-1].note == "答复含有个人隐私"
    assert audits("suggestion.hide_answer") == [(staff.id, s.id, "答复含有个人隐私")]
    assert sorted((n.kind, n.user_id) for n in notes()[before:]) == \
        sorted([("suggestion.answer_hidden", author.id), ("suggestion.answer_hidden", leader.id)])
    assert all("答复含有个人隐私" in n.body for n in notes()[before:])
    for viewer in (None, other, make_leader(username="leader2")):
        assert services.answer_visible_to(s, viewer) is None
    for viewer in (author, leader, staff):
        assert services.answer_visible_to(s, viewer) is answer
    # The suggestion itself stays public.
    assert services.get_suggestion(s.id, None) is s
    with pytest.raises(Conflict) as exc:
        services.hide_answer(staff, s, "再隐藏")
    assert exc.value.code == "already_hidden"
    db.session.rollback()

    before = len(notes())
    services.unhide_answer(staff, s)
    assert answer.hidden_at is None and answer.hidden_reason is None
    assert s.events[-1].kind == "answer_unhidden"
    assert [a[:2] for a in audits("suggestion.unhide_answer")] == [(staff.id, s.id)]
    assert sorted((n.kind, n.user_id) for n in notes()[before:]) == \
        sorted([("suggestion.answer_unhidden", author.id), ("suggestion.answer_unhidden", leader.id)])
    assert services.answer_visible_to(s, None) is answer
    with pytest.raises(Conflict) as exc:
        services.unhide_answer(staff, s)
    assert exc.value.code == "not_hidden"


def test_answer_visible_to_without_published_answer(people, build):
    s = build(state="assigned")
    assert services.answer_visible_to(s, people["staff"]) is None
    services.save_answer(people["leader"], s, "草稿", publish=False)
    assert services.answer_visible_to(s, people["leader"]) is None


# --- managed lists ------------------------------------------------------------------------------------

def test_defaults_are_idempotent(suggestion_lists):
    services.ensure_defaults()
    services.ensure_defaults()
    assert [c.name for c in services.categories()] == services.DEFAULT_CATEGORIES
    assert [r.title for r in services.screening_reasons()] == services.DEFAULT_REASONS


def test_save_category(db, people, suggestion_lists):
    staff = people["staff"]
    c = services.save_category(staff, "  Open Science  ")
    db.session.commit()
    assert (c.name, c.position, c.active) == ("Open Science", 6, True)
    assert services.categories()[-1] is c
    assert audits("suggestion.category.save") == [(staff.id, c.id, None)]
    assert AuditLog.query.filter_by(action="suggestion.category.save").one().summary == "分类：Open Science"

    for name, message in [("", "必填"), ("   ", "必填"), (None, "必填"), ("类" * 33, "不能超过 32 个字"),
                          ("open science", "已存在"), (" OPEN SCIENCE ", "已存在"), ("科研政策", "已存在")]:
        with pytest.raises(ValidationError) as exc:
            services.save_category(staff, name)
        assert exc.value.fields == {"name": message}, name
        db.session.rollback()
    assert SuggestionCategory.query.count() == 7
    assert services.save_category(staff, "类" * 32).name == "类" * 32

    # Renaming, even to another case of its own name, is allowed; onto another's name is not.
    services.save_category(staff, "Open science", category_id=c.id)
    db.session.commit()
    assert c.name == "Open science"
    assert AuditLog.query.filter_by(action="suggestion.category.save").order_by(AuditLog.id.desc()).first() \
        .summary == "分类：Open Science → Open science"
    with pytest.raises(ValidationError):
        services.save_category(staff, "人才评价", category_id=c.id)
    db.session.rollback()
    with pytest.raises(NotFound):
        services.save_category(staff, "Anything", category_id=99999)


def test_deactivated_category_is_kept_on_old_suggestions_but_not_offered(db, people, suggestion_lists):
    staff = people["staff"]
    cat = suggestion_lists["categories"][1]
    s = services.submit(people["author"], TITLE, BODY, cat.id)
    services.save_category(staff, cat.name, category_id=cat.id, active=False)
    assert cat not in services.categories()
    assert cat in services.categories(include_inactive=True)
    with pytest.raises(ValidationError) as exc:
        services.submit(people["other"], TITLE, BODY, cat.id)
    assert list(exc.value.fields) == ["category_id"]
    db.session.expire_all()
    assert db.session.get(Suggestion, s.id).category.name == cat.name
    assert AuditLog.query.filter_by(action="suggestion.category.save").one().summary.endswith("（停用）")
    services.save_category(staff, cat.name, category_id=cat.id, active=True)
    assert services.submit(people["other"], TITLE, BODY, cat.id).category_id == cat.id


def test_save_screening_reason(db, people, suggestion_lists):
    staff = people["staff"]
    r = services.save_screening_reason(staff, "涉密内容", position=0)
    db.session.commit()
    assert (r.title, r.position, r.active) == ("涉密内容", 0, True)
    # Position 0 ties with the first default reason; the older one stays first.
    assert services.screening_reasons()[:2] == [suggestion_lists["reasons"][0], r]
    for title, message in [("", "必填"), ("理" * 65, "不能超过 64 个字"), ("重复提交", "已存在")]:
        with pytest.raises(ValidationError) as exc:
            services.save_screening_reason(staff, title)
        assert exc.value.fields == {"title": message}
        db.session.rollback()
    services.save_screening_reason(staff, r.title, reason_id=r.id, active=False)
    assert r not in services.screening_reasons() and r in services.screening_reasons(include_inactive=True)
    assert ScreeningReason.query.count() == 6
    assert len(audits("suggestion.reason.save")) == 2


# --- user HTML neutralised --------------------------------------------------------------------------------

PAYLOAD = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


def assert_neutralised(html):
    html = str(html)
    assert not re.search(r"<\s*script", html, re.I), html
    assert not re.search(r"<[^>]*\bon\w+\s*=", html, re.I), html   # no event handler attribute in a tag
    assert not re.search(r"<img\b", html, re.I), html
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", html, re.I), html
    assert "alert(1)" in html                                        # shown as text, not dropped silently


def test_user_html_is_neutralised_in_title_body_answer_and_comment(app, people, build):
    s = build(state="submitted", title=f"标题{PAYLOAD}",
              body=f"正文 {PAYLOAD}\n\n[点我](javascript:alert(1)) ![x](javascript:alert(1))")
    services.accept(people["staff"], s, leader_id=people["leader"].id)
    services.save_answer(people["leader"], s, f"答复 {PAYLOAD}")
    services.ask_follow_up(people["author"], s, f"追问 {PAYLOAD}")
    services.answer_follow_up(people["leader"], s, f"回复 {PAYLOAD}")
    services.rate(people["author"], s, "satisfied", f"评价 {PAYLOAD}")
    # Stored as typed; neutralised when rendered.
    assert PAYLOAD in s.title and PAYLOAD in s.body and PAYLOAD in s.rating.comment
    texts = [s.title, s.body, s.answer.body, s.follow_up.question, s.follow_up.answer, s.rating.comment]
    md = app.jinja_env.from_string("{{ value|markdown }}")
    plain = app.jinja_env.from_string("{{ value|plaintext }}")
    escaped = app.jinja_env.from_string("<h1>{{ value }}</h1>")
    for text in texts:
        for html in (render_markdown(text), md.render(value=text), plain.render(value=text),
                     plain_text(text), escaped.render(value=text)):
            assert_neutralised(html)


def test_the_leader_a_suggestion_is_addressed_or_assigned_to_cannot_cosign_it(make_suggestion, make_user, make_leader):
    from webapp.core.errors import Conflict
    from webapp.suggestions import services

    addressee = make_leader(username="addressed_leader")
    other = make_leader(username="other_leader")
    s = make_suggestion(state="accepted", addressee=addressee)
    for leader in (addressee,):
        with pytest.raises(Conflict) as exc:
            services.support(leader, s)
        assert exc.value.code == "addressed_to_you"
        assert services.permissions(leader, s)["can_support"] is False
    services.assign(make_suggestion.people["staff"], s, other.id)
    with pytest.raises(Conflict):
        services.support(other, s)
    assert s.support_count == 0
    # Any other member still can.
    assert services.support(make_user(username="cosigner"), s) is True
    assert s.support_count == 1
