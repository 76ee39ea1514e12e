"""The business rules of suggestions (webapp/suggestions/services.py): the whole lifecycle
with its timeline, notifications and audit rows; every illegal transition; every
permission and visibility edge."""
from datetime import date, datetime

import pytest

from webapp.core.errors import AuthenticationRequired, Conflict, NotFound, PermissionDenied, ValidationError
from webapp.core.models import AuditLog
from webapp.notifications.models import Notification
from webapp.suggestions import services
from webapp.suggestions.models import LeaderAnswer, Suggestion, SuggestionEvent, SuggestionFollowUp, SuggestionRating

TITLE = "关于优化科研项目经费管理的建议"
BODY = "建议简化科研经费报销流程，减少科研人员的事务性负担。"
ANSWER = "感谢您的建议，我们将认真研究并推动落实。"


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def people(make_leader, make_member, make_staff):
    return {
        "author": make_member(username="author"),
        "other": make_member(username="other"),
        "staff": make_staff(username="staff"),
        "leader_a": make_leader(username="leader_a", real_name="甲领导"),
        "leader_b": make_leader(username="leader_b", real_name="乙领导"),
    }


class Log:
    """What an action left behind: new notifications and audit rows since the last look."""

    def __init__(self):
        self.notified = 0
        self.audited = 0

    def notifications(self):
        rows = Notification.query.order_by(Notification.id).all()[self.notified:]
        self.notified += len(rows)
        return [(n.kind, n.user_id) for n in rows]

    def notification_rows(self):
        rows = Notification.query.order_by(Notification.id).all()[self.notified:]
        self.notified += len(rows)
        return rows

    def audits(self):
        rows = AuditLog.query.order_by(AuditLog.id).all()[self.audited:]
        self.audited += len(rows)
        return [(a.action, a.object_id, a.reason) for a in rows]


def timeline(suggestion):
    return [e.kind for e in SuggestionEvent.query.filter_by(suggestion_id=suggestion.id)
            .order_by(SuggestionEvent.created_at, SuggestionEvent.id)]


def category_id():
    return services.categories()[0].id


# --- the whole lifecycle --------------------------------------------------------------------------

def test_whole_lifecycle(app, db, people, suggestion_lists, clock):
    author, staff = people["author"], people["staff"]
    a, b = people["leader_a"], people["leader_b"]
    supporter = people["other"]
    log = Log()

    # Submitted on Wednesday 2026-09-23, 09:00 in Shanghai.
    clock.set("2026-09-23 01:00")
    s = services.submit(author, f"  {TITLE}  ", BODY, category_id(), a.id, "public")
    assert (s.state, s.title, s.addressee_id, s.author_id) == ("submitted", TITLE, a.id, author.id)
    assert s.created_at == datetime(2026, 9, 23, 1, 0)
    assert s.screen_due_date == date(2026, 9, 29)   # Thu 24, (Fri 25 Mid-Autumn), Mon 28, Tue 29
    assert s.due_date is None and s.assigned_leader_id is None
    assert timeline(s) == ["submitted"]
    assert log.notifications() == [] and log.audits() == []
    # Not published before screening (先审后发): nobody co-signs it yet.
    with pytest.raises(NotFound):
        services.support(supporter, s)

    # Accepted at 01:30 on Thursday the 24th in Shanghai (still Wednesday in UTC): the deadline
    # counts from the local date, and the addressee is assigned at once.
    clock.set("2026-09-23 17:30")
    services.accept(staff, s, note="请尽快办理")
    assert s.state == "assigned"
    assert s.accepted_at == s.screened_at == datetime(2026, 9, 23, 17, 30)
    assert s.screened_by_id == staff.id
    assert s.due_date == date(2026, 10, 22)          # 15 working days after Sep 24
    assert s.long_due_date == date(2026, 11, 12)     # 30 working days after Sep 24
    assert s.assigned_leader_id == a.id and s.assigned_at == clock.now
    assert timeline(s) == ["submitted", "accepted", "assigned"]
    assert "2026-10-22" in s.events[1].note and "请尽快办理" in s.events[1].note
    assert s.events[2].subject_id == a.id and s.events[2].actor_id == staff.id
    assert log.notifications() == [("suggestion.accepted", author.id), ("suggestion.assigned", a.id),
                                   ("suggestion.assigned", author.id)]
    assert log.audits() == [("suggestion.accept", s.id, None), ("suggestion.assigned", s.id, None)]
    # Published now: co-signing opens.
    assert services.support(supporter, s) is True
    log.notifications()

    # Leader A saves a draft: nothing is published, the state does not move, nobody is told.
    clock.set("2026-09-28 02:00")
    draft = services.save_answer(a, s, "草稿", publish=False)
    assert draft.is_draft and s.published_answer is None and s.state == "assigned"
    assert s.answered_at is None
    assert timeline(s) == ["submitted", "accepted", "assigned"]
    assert log.notifications() == [] and log.audits() == []

    # A reminder went out to A; staff then reassign to B: A's draft is dropped, the reminder
    # flag is reset, and both leaders and the author are told.
    assert services.send_reminders(on=date(2026, 10, 20)) == 1
    assert s.reminded_at is not None
    assert log.notifications() == [("suggestion.reminder", a.id)]
    clock.set("2026-09-28 03:00")
    services.assign(staff, s, b.id, note="调整分工")
    assert s.assigned_leader_id == b.id and s.state == "assigned" and s.assigned_at == clock.now
    assert s.reminded_at is None
    assert s.answer is None and LeaderAnswer.query.count() == 0
    assert s.due_date == date(2026, 10, 22)          # the deadline is kept
    assert timeline(s)[-1] == "reassigned"
    assert (s.events[-1].subject_id, s.events[-1].note) == (b.id, "调整分工")
    assert log.notifications() == [("suggestion.assigned", b.id), ("suggestion.assigned", author.id),
                                   ("suggestion.reassigned", a.id)]
    assert log.audits() == [("suggestion.reassigned", s.id, "调整分工")]

    # A may no longer answer.
    with pytest.raises(PermissionDenied):
        services.save_answer(a, s, ANSWER)

    # B drafts, then publishes.
    services.save_answer(b, s, "先写个草稿", publish=False)
    assert s.state == "assigned" and s.published_answer is None
    clock.set("2026-10-09 06:00")
    answer = services.save_answer(b, s, ANSWER)
    assert s.state == "answered" and s.answered_at == clock.now
    assert (answer.body, answer.leader_id, answer.published_at) == (ANSWER, b.id, clock.now)
    assert s.published_answer is answer and LeaderAnswer.query.count() == 1
    assert timeline(s)[-1] == "answered"
    assert log.notifications() == [("suggestion.answered", author.id), ("suggestion.answered", supporter.id)]
    assert log.audits() == []

    clock.set("2026-10-10 06:00")
    follow_up = services.ask_follow_up(author, s, "请问具体何时落实？")
    assert follow_up.is_pending and s.state == "answered"
    assert log.notifications() == [("suggestion.follow_up", b.id)]

    clock.set("2026-10-12 06:00")
    services.answer_follow_up(b, s, "预计明年一月出台细则。")
    assert not s.follow_up.is_pending
    assert (s.follow_up.answer, s.follow_up.answered_by_id, s.follow_up.answered_at) == \
        ("预计明年一月出台细则。", b.id, clock.now)
    assert log.notifications() == [("suggestion.follow_up_answered", author.id)]

    clock.set("2026-10-13 06:00")
    rating = services.rate(author, s, "satisfied", "  答复及时  ")
    assert (rating.value, rating.comment, rating.leader_id) == ("satisfied", "答复及时", b.id)
    assert s.state == "closed" and s.closed_at == clock.now
    assert s.events[-1].note == "满意"
    assert log.notifications() == [("suggestion.rated", b.id)]
    assert log.audits() == []

    db.session.expire_all()
    assert timeline(db.session.get(Suggestion, s.id)) == [
        "submitted", "accepted", "assigned", "reassigned", "answered", "follow_up", "follow_up_answered", "rated"]
    actors = [e.actor_id for e in db.session.get(Suggestion, s.id).events]
    assert actors == [author.id, staff.id, staff.id, staff.id, b.id, author.id, b.id, author.id]


def test_accept_without_addressee_waits_for_assignment(people, suggestion_lists, clock):
    log = Log()
    s = services.submit(people["author"], TITLE, BODY, category_id())
    log.notifications()
    services.accept(people["staff"], s)
    assert s.state == "accepted" and s.assigned_leader_id is None
    assert timeline(s) == ["submitted", "accepted"]
    assert log.notifications() == [("suggestion.accepted", people["author"].id)]
    services.assign(people["staff"], s, people["leader_b"].id)
    assert s.state == "assigned" and timeline(s)[-1] == "assigned"
    assert log.notifications() == [("suggestion.assigned", people["leader_b"].id),
                                   ("suggestion.assigned", people["author"].id)]


def test_accept_can_name_another_leader_than_the_addressee(people, suggestion_lists, clock):
    s = services.submit(people["author"], TITLE, BODY, category_id(), people["leader_a"].id)
    services.accept(people["staff"], s, leader_id=people["leader_b"].id)
    assert s.assigned_leader_id == people["leader_b"].id and s.addressee_id == people["leader_a"].id


def test_accept_with_an_unverified_leader_named_is_refused(db, people, make_leader, suggestion_lists, clock):
    pretender = make_leader(username="pretender", verified=False)
    s = services.submit(people["author"], TITLE, BODY, category_id())
    db.session.commit()
    with pytest.raises(ValidationError) as exc:
        services.accept(people["staff"], s, leader_id=pretender.id)
    assert "leader_id" in exc.value.fields
    db.session.rollback()
    assert db.session.get(Suggestion, s.id).state == "submitted"


def test_accept_with_an_addressee_no_longer_verified_leaves_it_unassigned(db, people, suggestion_lists, clock):
    s = services.submit(people["author"], TITLE, BODY, category_id(), people["leader_a"].id)
    people["leader_a"].verified_at = None
    db.session.commit()
    services.accept(people["staff"], s)
    assert s.state == "accepted" and s.assigned_leader_id is None


def test_not_accepted_with_reason_and_note(db, people, suggestion_lists, clock):
    log = Log()
    author, staff = people["author"], people["staff"]
    s = services.submit(author, TITLE, BODY, category_id())
    reason = suggestion_lists["reasons"][4]   # a matter before the courts
    clock.set("2026-09-24 02:00")
    services.refuse(staff, s, reason_id=reason.id, note="请通过司法途径解决")
    assert s.state == "not_accepted"
    assert (s.screening_reason_id, s.screening_note, s.screened_by_id, s.screened_at) == \
        (reason.id, "请通过司法途径解决", staff.id, clock.now)
    assert s.due_date is None and s.accepted_at is None
    assert timeline(s) == ["submitted", "not_accepted"]
    assert s.events[-1].note == f"{reason.title}：请通过司法途径解决"
    [note] = log.notification_rows()
    assert (note.kind, note.user_id) == ("suggestion.not_accepted", author.id)
    assert reason.title in note.body and "请通过司法途径解决" in note.body
    assert log.audits() == [("suggestion.not_accept", s.id, f"{reason.title} 请通过司法途径解决")]


@pytest.mark.parametrize("reason", ["none", "bogus", "inactive"])
def test_not_accepted_needs_an_active_reason(db, people, suggestion_lists, clock, reason):
    s = services.submit(people["author"], TITLE, BODY, category_id())
    if reason == "inactive":
        r = suggestion_lists["reasons"][0]
        services.save_screening_reason(people["staff"], r.title, reason_id=r.id, active=False)
        reason_id = r.id
    else:
        reason_id = {"none": None, "bogus": 99999}[reason]
    db.session.commit()
    with pytest.raises(ValidationError) as exc:
        services.refuse(people["staff"], s, reason_id=reason_id)
    assert list(exc.value.fields) == ["reason_id"]
    db.session.rollback()
    assert db.session.get(Suggestion, s.id).state == "submitted"
    assert timeline(s) == ["submitted"]


def test_screening_note_too_long(people, suggestion_lists, clock):
    s = services.submit(people["author"], TITLE, BODY, category_id())
    with pytest.raises(ValidationError) as exc:
        services.accept(people["staff"], s, note="长" * (services.NOTE_MAX + 1))
    assert "note" in exc.value.fields


def test_staff_close(people, make_suggestion, clock):
    log = Log()
    s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"],
                        state="answered")
    log.notifications(), log.audits()
    clock.set("2026-12-01 02:00")
    services.close(people["staff"], s, note="建议人长期未评价")
    assert s.state == "closed" and s.closed_at == clock.now and s.rating is None
    assert timeline(s)[-1] == "closed" and s.events[-1].note == "建议人长期未评价"
    assert log.audits() == [("suggestion.close", s.id, "建议人长期未评价")]
    assert log.notifications() == []


def test_submit_validation_reports_every_field(people, suggestion_lists, make_leader):
    unverified = make_leader(username="unverified", verified=False)
    with pytest.raises(ValidationError) as exc:
        services.submit(people["author"], "短", "太短", 99999, unverified.id, "secret")
    assert set(exc.value.fields) == {"title", "body", "category_id", "addressee_id", "visibility"}
    assert Suggestion.query.count() == 0


def test_submit_title_and_body_limits(people, suggestion_lists):
    ok = services.submit(people["author"], "五个字标题", "十个字的正文内容呀呀", category_id())
    assert ok.state == "submitted"
    for title, body, field in [("四个字呀", BODY, "title"), ("题" * 121, BODY, "title"),
                               (TITLE, "九个字的正文内容呀", "body"), (TITLE, "   ", "body")]:
        with pytest.raises(ValidationError) as exc:
            services.submit(people["other"], title, body, category_id())
        assert list(exc.value.fields) == [field]


# --- every illegal transition -----------------------------------------------------------------------

STATES = ["submitted", "not_accepted", "accepted", "assigned", "answered", "answered_follow_up_pending",
          "answered_follow_up_answered", "closed_rated", "closed_by_staff"]
ACTIONS = ["screen_accept", "screen_reject", "assign", "answer_draft", "answer", "follow_up",
           "answer_follow_up", "rate", "close"]

ALLOWED = {
    ("submitted", "screen_accept"), ("submitted", "screen_reject"),
    ("accepted", "assign"),
    ("assigned", "assign"), ("assigned", "answer_draft"), ("assigned", "answer"),
    ("answered", "follow_up"), ("answered", "rate"), ("answered", "close"),
    ("answered_follow_up_pending", "answer_follow_up"),
    ("answered_follow_up_answered", "rate"), ("answered_follow_up_answered", "close"),
}

ILLEGAL = "illegal_transition"
# Before assignment nobody is the assigned leader, so answering is refused as a permission
# (the would-be leader is neither a party nor assigned), not as a transition.
UNASSIGNED = {"submitted", "not_accepted", "accepted"}


def expected_refusal(state, action):
    if action in ("screen_accept", "screen_reject", "assign"):
        return Conflict, ILLEGAL
    if action in ("answer", "answer_draft", "answer_follow_up"):
        if state in ("submitted", "not_accepted"):
            # Not accepted (yet): not public (先审后发), and the leader is no party to it.
            return NotFound, "not_found"
        if state in UNASSIGNED:
            return PermissionDenied, "forbidden"
        return Conflict, ILLEGAL
    if action == "follow_up":
        if state.startswith("answered_follow_up"):
            return Conflict, "already_asked"
        return Conflict, ILLEGAL
    if action == "rate":
        return {"answered_follow_up_pending": (Conflict, "follow_up_pending"),
                "closed_rated": (Conflict, "already_rated")}.get(state, (Conflict, ILLEGAL))
    if action == "close":
        if state == "answered_follow_up_pending":
            return Conflict, "follow_up_pending"
        return Conflict, ILLEGAL
    raise AssertionError(action)


REFUSED = [(state, action) for state in STATES for action in ACTIONS if (state, action) not in ALLOWED]


def test_transition_table_is_complete():
    assert len(REFUSED) + len(ALLOWED) == len(STATES) * len(ACTIONS) == 81
    assert ALLOWED <= {(s, a) for s in STATES for a in ACTIONS}


@pytest.fixture
def in_state(db, people, make_suggestion):
    """in_state(name) → a suggestion by `author` in one of STATES, leader A assigned from
    assignment on."""

    def build(name):
        base = name.split("_follow_up")[0] if name.startswith("answered") else name
        base = "closed" if name == "closed_rated" else "answered" if name == "closed_by_staff" else base
        s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"], state=base)
        if name.startswith("answered_follow_up"):
            services.ask_follow_up(people["author"], s, "请问何时落实？")
            if name == "answered_follow_up_answered":
                services.answer_follow_up(people["leader_a"], s, "下月落实。")
        if name == "closed_by_staff":
            services.close(people["staff"], s)
        db.session.commit()
        return s

    return build


def perform(action, s, people, suggestion_lists):
    if action == "screen_accept":
        return services.accept(people["staff"], s)
    if action == "screen_reject":
        return services.refuse(people["staff"], s, reason_id=suggestion_lists["reasons"][0].id)
    if action == "assign":
        return services.assign(people["staff"], s, people["leader_b"].id)
    if action == "answer_draft":
        return services.save_answer(people["leader_a"], s, "草稿", publish=False)
    if action == "answer":
        return services.save_answer(people["leader_a"], s, ANSWER)
    if action == "follow_up":
        return services.ask_follow_up(people["author"], s, "还想再问一个问题。")
    if action == "answer_follow_up":
        return services.answer_follow_up(people["leader_a"], s, "这是对追问的答复。")
    if action == "rate":
        return services.rate(people["author"], s, "basically")
    if action == "close":
        return services.close(people["staff"], s)
    raise AssertionError(action)


def snapshot(db, suggestion_id):
    s = db.session.get(Suggestion, suggestion_id)
    return {
        "state": s.state, "leader": s.assigned_leader_id, "due": s.due_date, "closed_at": s.closed_at,
        "events": SuggestionEvent.query.filter_by(suggestion_id=suggestion_id).count(),
        "notifications": Notification.query.count(), "audit": AuditLog.query.count(),
        "answers": [(a.body, a.published_at) for a in LeaderAnswer.query.order_by(LeaderAnswer.id)],
        "follow_ups": [(f.question, f.answer) for f in SuggestionFollowUp.query.order_by(SuggestionFollowUp.id)],
        "ratings": SuggestionRating.query.count(),
    }


@pytest.mark.parametrize("state, action", REFUSED)
def test_illegal_transition_is_refused_and_changes_nothing(db, people, suggestion_lists, in_state, state, action):
    s = in_state(state)
    before = snapshot(db, s.id)
    exc_type, code = expected_refusal(state, action)
    with pytest.raises(exc_type) as exc:
        perform(action, s, people, suggestion_lists)
    assert type(exc.value) is exc_type
    assert exc.value.code == code
    assert s.state == before["state"]          # not even changed in memory
    db.session.rollback()
    db.session.expire_all()
    assert snapshot(db, s.id) == before


@pytest.mark.parametrize("state, action", sorted(ALLOWED))
def test_allowed_transition_succeeds(db, people, suggestion_lists, in_state, state, action):
    s = in_state(state)
    before = snapshot(db, s.id)
    perform(action, s, people, suggestion_lists)
    db.session.expire_all()
    after = snapshot(db, s.id)
    assert after != before
    expected_state = {"screen_accept": "accepted", "screen_reject": "not_accepted", "assign": "assigned",
                      "answer_draft": "assigned", "answer": "answered", "follow_up": "answered",
                      "answer_follow_up": "answered", "rate": "closed", "close": "closed"}[action]
    assert after["state"] == expected_state


def test_assign_to_the_same_leader_is_refused(db, people, in_state):
    s = in_state("assigned")
    with pytest.raises(Conflict) as exc:
        services.assign(people["staff"], s, people["leader_a"].id)
    assert exc.value.code == "same_leader"
    db.session.rollback()
    assert timeline(s).count("reassigned") == 0


def test_rating_twice_is_refused(db, people, in_state):
    s = in_state("answered")
    services.rate(people["author"], s, "unsatisfied", "没解决问题")
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.rate(people["author"], s, "satisfied")
    assert exc.value.code == "already_rated"
    db.session.rollback()
    [rating] = SuggestionRating.query.all()
    assert (rating.value, rating.comment) == ("unsatisfied", "没解决问题")


def test_rating_value_must_be_known(db, people, in_state):
    s = in_state("answered")
    for value in ("", None, "great", "满意"):
        with pytest.raises(ValidationError) as exc:
            services.rate(people["author"], s, value)
        assert list(exc.value.fields) == ["value"]
    with pytest.raises(ValidationError) as exc:
        services.rate(people["author"], s, "satisfied", "长" * (services.COMMENT_MAX + 1))
    assert list(exc.value.fields) == ["comment"]
    db.session.rollback()
    assert db.session.get(Suggestion, s.id).state == "answered" and SuggestionRating.query.count() == 0


def test_publishing_needs_a_real_answer_but_a_draft_may_be_short(people, in_state):
    s = in_state("assigned")
    with pytest.raises(ValidationError) as exc:
        services.save_answer(people["leader_a"], s, "太短了")
    assert list(exc.value.fields) == ["body"]
    assert services.save_answer(people["leader_a"], s, "短", publish=False).is_draft
    with pytest.raises(ValidationError):
        services.save_answer(people["leader_a"], s, "  ", publish=False)


# --- permission edges -------------------------------------------------------------------------------

@pytest.mark.parametrize("visibility, error", [("public", PermissionDenied), ("private", NotFound)])
def test_another_verified_leader_cannot_answer(db, people, make_suggestion, visibility, error):
    s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"],
                        state="assigned", visibility=visibility)
    with pytest.raises(error):
        services.save_answer(people["leader_b"], s, ANSWER)
    with pytest.raises(error):
        services.save_answer(people["leader_b"], s, "草稿", publish=False)
    db.session.rollback()
    assert db.session.get(Suggestion, s.id).state == "assigned" and LeaderAnswer.query.count() == 0


def test_unverified_leader_can_be_neither_addressed_nor_assigned_nor_answer(db, people, make_leader,
                                                                             make_suggestion):
    pretender = make_leader(username="pretender", verified=False)
    with pytest.raises(ValidationError) as exc:
        services.submit(people["author"], TITLE, BODY, category_id(), pretender.id)
    assert list(exc.value.fields) == ["addressee_id"]
    s = make_suggestion(author=people["author"], staff=people["staff"], state="accepted")
    with pytest.raises(ValidationError) as exc:
        services.assign(people["staff"], s, pretender.id)
    assert list(exc.value.fields) == ["leader_id"]
    # A leader assigned while verified, whose verification is then withdrawn, cannot answer.
    services.assign(people["staff"], s, people["leader_a"].id)
    people["leader_a"].verified_at = None
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.save_answer(people["leader_a"], s, ANSWER)
    assert not services.can_answer(people["leader_a"], s)


def test_suspended_or_non_leader_cannot_be_assigned(db, people, make_leader, make_member, make_suggestion):
    from webapp.core.db import utcnow

    suspended = make_leader(username="suspended", suspended_at=utcnow())
    verified_member = make_member(username="vmember", verified=True)
    s = make_suggestion(author=people["author"], staff=people["staff"], state="accepted")
    for target in (suspended.id, verified_member.id, 99999, "abc", None):
        with pytest.raises(ValidationError):
            services.assign(people["staff"], s, target)
    assert db.session.get(Suggestion, s.id).state == "accepted"


@pytest.mark.parametrize("action", ["screen", "assign", "hide", "unhide", "hide_answer", "close",
                                    "save_category", "save_reason", "staff_queue"])
def test_member_and_leader_cannot_do_staff_work(db, people, make_suggestion, action):
    s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"],
                        state="answered")
    calls = {
        "screen": lambda u: services.accept(u, s),
        "assign": lambda u: services.assign(u, s, people["leader_b"].id),
        "hide": lambda u: services.hide(u, s, "理由"),
        "unhide": lambda u: services.unhide(u, s),
        "hide_answer": lambda u: services.hide_answer(u, s, "理由"),
        "close": lambda u: services.close(u, s),
        "save_category": lambda u: services.save_category(u, "新分类"),
        "save_reason": lambda u: services.save_screening_reason(u, "新理由"),
        "staff_queue": lambda u: services.staff_queue(u, "all"),
    }
    before = snapshot(db, s.id)
    for user in (people["author"], people["other"], people["leader_a"]):
        with pytest.raises(PermissionDenied):
            calls[action](user)
    from webapp.accounts.models import AnonymousUser

    for anonymous in (None, AnonymousUser()):
        with pytest.raises(AuthenticationRequired):
            calls[action](anonymous)
    db.session.rollback()
    assert snapshot(db, s.id) == before


@pytest.mark.parametrize("visibility, error", [("public", PermissionDenied), ("private", NotFound)])
def test_non_author_cannot_rate_or_follow_up(db, people, make_suggestion, visibility, error):
    s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"],
                        state="answered", visibility=visibility)
    for user in (people["other"], people["leader_b"]):
        with pytest.raises(error):
            services.rate(user, s, "satisfied")
        with pytest.raises(error):
            services.ask_follow_up(user, s, "我也想追问一下。")
    # Staff and the assigned leader see it, but are not its author.
    for user in (people["staff"], people["leader_a"]):
        with pytest.raises(PermissionDenied):
            services.rate(user, s, "satisfied")
        with pytest.raises(PermissionDenied):
            services.ask_follow_up(user, s, "我也想追问一下。")
    with pytest.raises(AuthenticationRequired):
        services.rate(None, s, "satisfied")
    db.session.rollback()
    assert db.session.get(Suggestion, s.id).state == "answered"
    assert SuggestionRating.query.count() == 0 and SuggestionFollowUp.query.count() == 0


def test_only_the_assigned_leader_answers_the_follow_up(db, people, in_state):
    s = in_state("answered_follow_up_pending")
    for user, error in ((people["leader_b"], PermissionDenied), (people["author"], PermissionDenied),
                        (people["staff"], PermissionDenied), (None, AuthenticationRequired)):
        with pytest.raises(error):
            services.answer_follow_up(user, s, "这是对追问的答复。")
    db.session.rollback()
    assert SuggestionFollowUp.query.one().is_pending


# --- who sees what ----------------------------------------------------------------------------------

def visible_ids(viewer, **filters):
    return {s.id for s in services.list_suggestions(viewer, **filters)}


def test_private_suggestion_is_seen_only_by_its_parties(db, people, make_admin, make_leader, make_suggestion):
    a, b = people["leader_a"], people["leader_b"]
    private = make_suggestion(author=people["author"], staff=people["staff"], addressee=a, state="submitted",
                              visibility="private", title="不公开的建议标题")
    public = make_suggestion(author=people["author"], staff=people["staff"], state="accepted")
    admin = make_admin(username="admin")
    for viewer in (people["author"], a, people["staff"], admin):
        assert services.get_suggestion(private.id, viewer) is private
        assert private.id in visible_ids(viewer)
    for viewer in (people["other"], b, None):
        with pytest.raises(NotFound):
            services.get_suggestion(private.id, viewer)
        assert visible_ids(viewer) == {public.id}
        assert visible_ids(viewer, leader_id=a.id) == set()
        assert visible_ids(viewer, answered=False) == {public.id}
    # Staff accept and assign it to B: B now sees it, A still does as addressee.
    services.accept(people["staff"], private, leader_id=b.id)
    assert services.get_suggestion(private.id, b) is private and private.id in visible_ids(b)
    assert services.get_suggestion(private.id, a) is private
    # Reassigned to a third leader, B loses sight of it.
    c = make_leader(username="leader_c")
    services.assign(people["staff"], private, c.id)
    with pytest.raises(NotFound):
        services.get_suggestion(private.id, b)
    assert private.id not in visible_ids(b) and private.id in visible_ids(c)


def test_get_suggestion_with_a_bad_id(people):
    for bad in (None, "abc", 99999):
        with pytest.raises(NotFound):
            services.get_suggestion(bad, people["staff"])


def test_private_answers_never_appear_in_leader_listings_but_are_counted(db, app, monkeypatch, people,
                                                                          make_suggestion):
    monkeypatch.setitem(app.config, "SUGGESTION_STATS_MIN_SAMPLE", 1)
    a = people["leader_a"]
    private = make_suggestion(author=people["author"], staff=people["staff"], leader=a, state="closed",
                              visibility="private", title="不公开的建议标题", answer="不公开的答复内容，请勿外传。")
    public = make_suggestion(author=people["author"], staff=people["staff"], leader=a, state="answered")
    latest = services.latest_answers(a)
    assert [s.id for s in latest] == [public.id]
    assert all(s.title != private.title and s.answer.body != private.answer.body for s in latest)
    stats = services.leader_stats(a)
    assert (stats["received"], stats["answered"], stats["rated"]) == (2, 2, 1)
    assert stats["satisfaction"]["satisfied"] == 1
    assert set(stats) >= {"received", "answered", "response_rate"}
    assert not any(isinstance(v, str) and "不公开" in v for v in stats.values())
    assert private.id not in visible_ids(people["other"], leader_id=a.id)
    assert visible_ids(people["other"], leader_id=a.id) == {public.id}


def test_hidden_public_suggestion_vanishes_for_the_public_only(db, people, make_suggestion):
    s = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"],
                        state="assigned")
    services.hide(people["staff"], s, "含不实信息")
    for viewer in (people["other"], people["leader_b"], None):
        with pytest.raises(NotFound):
            services.get_suggestion(s.id, viewer)
        assert s.id not in visible_ids(viewer)
    for viewer in (people["author"], people["leader_a"], people["staff"]):
        assert services.get_suggestion(s.id, viewer) is s
        assert s.id in visible_ids(viewer)
    services.unhide(people["staff"], s)
    assert services.get_suggestion(s.id, None) is s and s.id in visible_ids(None)


def test_not_accepted_public_suggestion_is_seen_only_by_the_parties(people, make_suggestion):
    s = make_suggestion(author=people["author"], staff=people["staff"], addressee=people["leader_a"],
                        state="not_accepted")
    for viewer in (people["other"], people["leader_b"], None):
        with pytest.raises(NotFound):
            services.get_suggestion(s.id, viewer)
        assert s.id not in visible_ids(viewer)
    for viewer in (people["author"], people["leader_a"], people["staff"]):
        assert services.get_suggestion(s.id, viewer) is s
        assert s.id in visible_ids(viewer)


def test_list_filters_and_sorts(db, people, make_suggestion, suggestion_lists, clock):
    cats = suggestion_lists["categories"]
    clock.set("2026-11-02 01:00")
    old = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_a"],
                          state="answered", category=cats[1])
    clock.set("2026-11-03 01:00")
    waiting = make_suggestion(author=people["author"], staff=people["staff"], leader=people["leader_b"],
                              state="assigned")
    clock.set("2026-11-04 01:00")
    new = make_suggestion(author=people["other"], staff=people["staff"], state="accepted")
    services.support(people["other"], waiting)
    viewer = people["leader_b"]
    ids = lambda **kw: [s.id for s in services.list_suggestions(viewer, **kw)]
    assert ids() == [new.id, waiting.id, old.id]
    assert ids(sort="supported") == [waiting.id, new.id, old.id]
    assert ids(sort="waiting") == [waiting.id, new.id, old.id]
    assert ids(category_id=cats[1].id) == [old.id]
    assert ids(state="assigned") == [waiting.id]
    assert ids(answered=True) == [old.id]
    assert ids(answered=False) == [new.id, waiting.id]
    assert ids(leader_id=people["leader_a"].id) == [old.id]
    assert ids(author_id=people["other"].id) == [new.id]
    assert ids(mine=True) == []
    assert [s.id for s in services.list_suggestions(people["other"], mine=True)] == [new.id]
    with pytest.raises(AuthenticationRequired):
        services.list_suggestions(None, mine=True).all()
    with pytest.raises(ValidationError) as exc:
        services.list_suggestions(viewer, state="nonsense")
    assert "state" in exc.value.fields
    with pytest.raises(ValidationError) as exc:
        services.list_suggestions(viewer, sort="random")
    assert "sort" in exc.value.fields
