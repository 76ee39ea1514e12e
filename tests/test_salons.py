"""Salons: the filing rule, rooms, registration and the waiting list, after the salon,
iCalendar, reminders, the report, and the search and chat contracts."""
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from tests.salon_helpers import local, make_room, make_salon  # noqa: F401  (fixtures)
from webapp.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


@pytest.fixture
def svc(app):
    from webapp.salons import services

    return services


def _propose(svc, host, start, hours=2, **kw):
    kw.setdefault("address", "科技馆三楼报告厅")
    return svc.propose(host, "青年学者沙龙：量子计算", "物理学", "介绍量子纠错码的最新进展与实验挑战。", "offline", 20,
                       start, start + timedelta(hours=hours), start - timedelta(hours=1), **kw)


# ---------------------------------------------------------------- filing (报备)

def test_filing_rule_at_its_boundary_dates(app, db, clock, make_member, svc):
    host = make_member()
    clock.set_day(date(2026, 10, 1))  # 10:00 in Shanghai
    earliest = date(2026, 10, 11)
    assert svc.earliest_start_date() == earliest
    on_time = _propose(svc, host, local(earliest, 0, 30))  # 00:30 local is still the 11th (16:30 UTC the 10th)
    assert svc.file_salon(host, on_time) == []
    assert on_time.state == "filed"
    too_late = _propose(svc, host, local(date(2026, 10, 10), 23, 30))
    with pytest.raises(ValidationError) as exc:
        svc.file_salon(host, too_late)
    assert "2026-10-11" in exc.value.fields["start"] and "10 天" in exc.value.fields["start"]
    assert too_late.state == "draft"


def test_filing_days_is_a_setting(app, db, clock, make_member, svc, monkeypatch):
    monkeypatch.setitem(app.config, "SALON_FILE_DAYS_BEFORE", 3)
    host = make_member()
    clock.set_day(date(2026, 10, 1))
    salon = _propose(svc, host, local(date(2026, 10, 4)))
    svc.file_salon(host, salon)
    assert salon.state == "filed"


def test_staff_return_then_host_edits_and_refiles_then_approve(app, db, clock, make_member, make_staff, svc):
    from webapp.core.models import AuditLog
    from webapp.notifications.models import Notification

    host, staff = make_member(), make_staff()
    clock.set_day(date(2026, 10, 1))
    salon = _propose(svc, host, local(date(2026, 10, 20)))
    svc.file_salon(host, salon)
    with pytest.raises(ValidationError):
        svc.send_back(staff, salon, "")
    svc.review(staff, salon, "return", "请补充主讲人信息")
    assert salon.state == "returned" and salon.review_comment == "请补充主讲人信息"
    with pytest.raises(Conflict):
        svc.approve(staff, salon)
    svc.edit(host, salon, title="青年学者沙龙：量子纠错码")
    svc.file_salon(host, salon)
    svc.review(staff, salon, "approve")
    assert salon.state == "approved" and len(salon.checkin_code) == 6
    actions = [a for (a,) in db.session.query(AuditLog.action).filter_by(object_type="salon", object_id=salon.id)]
    assert actions == ["salon.file", "salon.return", "salon.file", "salon.approve"]
    kinds = {n.kind for n in Notification.query.filter_by(user_id=host.id)}
    assert {"salon.returned", "salon.approved"} <= kinds
    with pytest.raises(Conflict):
        svc.edit(host, salon, title="改不了")


def test_only_approved_salons_are_public(app, db, clock, make_member, make_staff, make_salon, svc):
    host, other, staff = make_member(), make_member(), make_staff()
    clock.set_day(date(2026, 10, 1))
    for state in ("draft", "filed", "returned", "cancelled"):
        salon = make_salon(host=host, state=state, start=local(date(2026, 11, 1)))
        with pytest.raises(NotFound):
            svc.get_salon(salon.id, other)
        assert svc.get_salon(salon.id, staff) is salon
        if state != "cancelled":
            assert svc.get_salon(salon.id, host) is salon
    public = make_salon(host=host, start=local(date(2026, 11, 2)))
    assert svc.get_salon(public.id, None) is public
    from webapp.salons.services.listing import list_salons

    assert [s.id for s in list_salons(other, when="all")] == [public.id]


# ---------------------------------------------------------------- rooms

def test_room_conflicts_touching_allowed_overlapping_refused(app, db, clock, make_member, make_staff, make_room,
                                                             make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    room = make_room(capacity=40)
    first = make_salon(room=room, start=local(date(2026, 11, 3), 14), hours=2, title="第一场：量子材料")
    after = make_salon(room=room, start=local(date(2026, 11, 3), 16), hours=2, title="第二场：紧接着")
    before = make_salon(room=room, start=local(date(2026, 11, 3), 12), hours=2, title="第零场：紧挨着之前")
    assert {first.state, after.state, before.state} == {"approved"}
    host = make_member()
    clash = _propose(svc, host, local(date(2026, 11, 3), 15), room_id=room.id, address="")
    with pytest.raises(ValidationError) as exc:
        svc.file_salon(host, clash)
    assert "第一场：量子材料" in exc.value.fields["room_id"]
    other_room = make_room()
    elsewhere = _propose(svc, host, local(date(2026, 11, 3), 15), room_id=other_room.id, address="")
    svc.file_salon(host, elsewhere)
    assert elsewhere.state == "filed"


def test_approval_rechecks_the_room(app, db, clock, make_member, make_staff, make_room, svc):
    clock.set_day(date(2026, 10, 1))
    room, staff = make_room(), make_staff()
    a, b = make_member(), make_member()
    sa = _propose(svc, a, local(date(2026, 11, 5), 9), room_id=room.id, address="")
    sb = _propose(svc, b, local(date(2026, 11, 5), 10), room_id=room.id, address="")
    svc.file_salon(a, sa)
    svc.file_salon(b, sb)  # neither approved yet: both may file
    svc.approve(staff, sa)
    with pytest.raises(ValidationError) as exc:
        svc.approve(staff, sb)
    assert sa.title in exc.value.fields["room_id"] and sb.state == "filed"


def test_capacity_above_the_room_is_refused(app, db, clock, make_member, make_room, svc):
    clock.set_day(date(2026, 10, 1))
    room = make_room(capacity=10)
    with pytest.raises(ValidationError) as exc:
        _propose(svc, make_member(), local(date(2026, 11, 5)), room_id=room.id, address="")
    assert "10 人" in exc.value.fields["capacity"]


def test_a_speaker_booked_twice_gets_a_warning(app, db, clock, make_member, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    speaker = make_member(display_name="李研究员")
    make_salon(start=local(date(2026, 11, 7), 14), speakers=[{"user_id": speaker.id}], title="上午的沙龙主题")
    host = make_member()
    salon = _propose(svc, host, local(date(2026, 11, 7), 15), speakers=[{"user_id": speaker.id}])
    warnings = svc.file_salon(host, salon)
    assert warnings and "李研究员" in warnings[0] and "上午的沙龙主题" in warnings[0]
    assert salon.state == "filed"  # a warning, not a refusal


# ---------------------------------------------------------------- registration

def test_waiting_list_in_order_and_promotion_on_cancel(app, db, clock, make_member, make_salon, svc):
    from webapp.notifications.models import Notification

    clock.set_day(date(2026, 10, 1))
    salon = make_salon(capacity=2, start=local(date(2026, 11, 1)))
    u = [make_member() for _ in range(4)]
    regs = [svc.register(x, salon) for x in u]
    assert [r.status for r in regs] == ["registered", "registered", "waiting", "waiting"]
    assert (salon.registered_count, salon.waiting_count, salon.places_left) == (2, 2, 0)
    assert [svc.waiting_position(r) for r in regs] == [None, None, 1, 2]
    assert svc.register(u[0], salon) is regs[0]  # again: nothing changes
    svc.cancel_registration(u[0], salon)
    assert regs[2].status == "registered" and svc.waiting_position(regs[3]) == 1
    assert (salon.registered_count, salon.waiting_count) == (2, 1)
    assert Notification.query.filter_by(user_id=u[2].id, kind="salon.promoted").count() == 1
    svc.cancel_registration(u[3], salon)  # leaving the waiting list frees nothing
    assert (salon.registered_count, salon.waiting_count) == (2, 0)
    with pytest.raises(Conflict):
        svc.cancel_registration(u[3], salon)
    again = svc.register(u[0], salon)  # back, at the end of the list
    assert again.status == "waiting" and svc.waiting_position(again) == 1


def test_registration_closes_at_the_deadline(app, db, clock, make_member, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    start = local(date(2026, 11, 1), 14)
    salon = make_salon(start=start, deadline=start - timedelta(days=1))
    clock.set(start - timedelta(days=1, seconds=1))
    assert svc.register(make_member(), salon).status == "registered"
    clock.set(start - timedelta(days=1))
    with pytest.raises(Conflict) as exc:
        svc.register(make_member(), salon)
    assert exc.value.code == "registration_closed"


def test_host_approval_mode(app, db, clock, make_member, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    host = make_member()
    salon = make_salon(host=host, capacity=1, requires_approval=True, start=local(date(2026, 11, 1)))
    a, b, c = make_member(), make_member(), make_member()
    ra, rb, rc = (svc.register(x, salon) for x in (a, b, c))
    assert {ra.status, rb.status, rc.status} == {"pending"} and salon.pending_count == 3
    with pytest.raises(PermissionDenied):
        svc.decide_registration(a, salon, ra.id, True)  # only the host
    svc.decide_registration(host, salon, ra.id, True)
    svc.decide_registration(host, salon, rb.id, True)
    svc.decide_registration(host, salon, rc.id, False)
    assert (ra.status, rb.status, rc.status) == ("registered", "waiting", "cancelled")
    assert (salon.registered_count, salon.waiting_count, salon.pending_count) == (1, 1, 0)


def test_the_host_does_not_register_for_their_own_salon(app, db, clock, make_member, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    host = make_member()
    salon = make_salon(host=host, start=local(date(2026, 11, 1)))
    with pytest.raises(Conflict):
        svc.register(host, salon)


# ---------------------------------------------------------------- after the salon

def test_check_in_attendance_minutes_and_late_filing(app, db, clock, make_member, make_staff, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    host = make_member()
    start = local(date(2026, 11, 1), 14)
    salon = make_salon(host=host, start=start, hours=2)
    a, b, c = make_member(), make_member(), make_member()
    for x in (a, b, c):
        svc.register(x, salon)
    clock.set(start - timedelta(hours=2))
    with pytest.raises(Conflict):
        svc.check_in(a, salon, salon.checkin_code)  # too early
    clock.set(start + timedelta(minutes=5))
    with pytest.raises(ValidationError):
        svc.check_in(a, salon, "000000" if salon.checkin_code != "000000" else "111111")
    svc.check_in(a, salon, salon.checkin_code)
    svc.set_attendance(host, salon, [r.id for r in svc.registrations(salon) if r.user_id in (a.id, b.id)])
    assert svc.attendance_count(salon) == 2
    with pytest.raises(Conflict):
        svc.file_report(host, salon)  # not ended yet
    clock.set(start + timedelta(days=11))
    staff = make_staff()
    assert [s.id for s, _, late in svc.late_reports(staff)] == [salon.id]
    with pytest.raises(ValidationError):
        svc.file_report(host, salon)  # no minutes yet
    svc.save_minutes(host, salon, "讨论了量子纠错的三个方向，形成两条合作意向。")
    svc.file_report(host, salon)
    assert svc.is_report_late(salon) and svc.late_reports(staff) == []
    with pytest.raises(Conflict):
        svc.save_minutes(host, salon, "已经报备，不能再改了。")


def test_slides_are_pdf_only_and_materials_only_for_those_allowed(app, db, clock, make_member, make_staff,
                                                                 make_salon, svc):
    import io

    from tests.pdf_samples import launch_pdf, valid_pdf
    from webapp.salons.services import rules

    clock.set_day(date(2026, 10, 1))
    host = make_member()
    start = local(date(2026, 11, 1), 14)
    salon = make_salon(host=host, start=start)
    attendee, stranger = make_member(), make_member()
    svc.register(attendee, salon)
    clock.set(start + timedelta(hours=3))
    with pytest.raises(ValidationError):
        svc.upload_slides(host, salon, io.BytesIO(b"\x89PNG not a pdf"))
    with pytest.raises(ValidationError):
        svc.upload_slides(host, salon, io.BytesIO(launch_pdf()))
    svc.upload_slides(host, salon, io.BytesIO(valid_pdf()))
    assert salon.slides_key.endswith(".pdf")
    assert rules.can_see_materials(host, salon) and rules.can_see_materials(attendee, salon)
    assert rules.can_see_materials(make_staff(), salon)
    assert not rules.can_see_materials(stranger, salon) and not rules.can_see_materials(None, salon)


def test_reminders_24_hours_before_are_sent_once(app, db, clock, make_member, make_salon, svc):
    from webapp.notifications.models import Notification

    clock.set_day(date(2026, 10, 1))
    start = local(date(2026, 11, 1), 14)
    salon = make_salon(capacity=1, start=start)
    a, b = make_member(), make_member()
    svc.register(a, salon)
    svc.register(b, salon)  # waiting: no reminder
    clock.set(start - timedelta(hours=25))
    assert svc.send_reminders() == (0, 0)
    clock.set(start - timedelta(hours=23))
    assert svc.send_reminders() == (1, 0)
    assert svc.send_reminders() == (0, 0)
    assert Notification.query.filter_by(kind="salon.reminder").count() == 1
    assert Notification.query.filter_by(user_id=a.id, kind="salon.reminder").count() == 1


def test_the_host_is_reminded_once_of_the_filing_after_the_salon(app, db, clock, make_member, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    host = make_member()
    start = local(date(2026, 11, 1), 14)
    make_salon(host=host, start=start, hours=2)
    clock.set(start + timedelta(days=3))
    assert svc.send_reminders() == (0, 0)  # due in 9 days
    clock.set(start + timedelta(days=8))
    assert svc.send_reminders() == (0, 1)
    assert svc.send_reminders() == (0, 0)


# ---------------------------------------------------------------- iCalendar

def _check_rfc5545(data):
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert "VERSION:2.0" in unfolded and "PRODID:" in unfolded
    return unfolded


def test_the_ics_parses_back_with_the_right_utc_times(app, db, clock, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    start = local(date(2026, 11, 1), 14)  # 06:00 UTC
    salon = make_salon(start=start, hours=3, title="一个很长的标题：" + "二维材料拓扑物态" * 6)
    data = svc.salon_ics(salon)
    text = _check_rfc5545(data)
    assert "DTSTART:20261101T060000Z" in text and "DTEND:20261101T090000Z" in text
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    assert event.decoded("dtstart").replace(tzinfo=None) == start
    assert event.decoded("dtend").replace(tzinfo=None) == datetime(2026, 11, 1, 9, 0)
    assert str(event["uid"]).startswith(f"salon-{salon.id}@") and "dtstamp" in event
    assert str(event["summary"]) == salon.title


def test_the_private_feed_lists_my_salons_and_its_token_is_revocable(app, db, clock, make_member, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    me = make_member()
    mine = make_salon(start=local(date(2026, 11, 1)), title="我报名的沙龙")
    make_salon(start=local(date(2026, 11, 2)), title="别人的沙龙")
    svc.register(me, mine)
    token = svc.feed_token(me, create=True)
    assert svc.user_for_feed_token(token) is me
    cal = Calendar.from_ical(svc.feed_ics(me))
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["我报名的沙龙"]
    new = svc.reset_feed_token(me)
    assert new != token and svc.user_for_feed_token(token) is None and svc.user_for_feed_token(new) is me
    svc.revoke_feed_token(me)
    assert svc.user_for_feed_token(new) is None


# ---------------------------------------------------------------- the report

def test_report_figures_on_a_fixture(app, db, clock, make_member, make_staff, make_salon, svc):
    clock.set_day(date(2026, 10, 1))
    young_host = make_member(birth_year=1990)      # 36 in 2026
    old_host = make_member(birth_year=1970)        # 56
    unknown = make_member()                        # no birth year
    young_speaker = make_member(birth_year=1985)   # 41
    s1 = make_salon(host=young_host, start=local(date(2026, 11, 1)), discipline="物理学", capacity=3,
                    speakers=[{"user_id": young_speaker.id}, {"name": "嘉宾甲", "affiliation": "某大学"}])
    make_salon(host=old_host, start=local(date(2026, 11, 8)), discipline="物理学",
                    speakers=[{"user_id": unknown.id}])
    s3 = make_salon(host=old_host, start=local(date(2026, 11, 15)), discipline="化学")
    make_salon(host=young_host, start=local(date(2027, 1, 15)), discipline="化学")  # outside the period
    make_salon(host=young_host, start=local(date(2026, 11, 20)), discipline="化学", state="filed")  # not approved
    people = [make_member() for _ in range(4)]
    for p in people:
        svc.register(p, s1)  # 3 registered, 1 waiting
    svc.register(people[0], s3)
    clock.set(s1.starts_at + timedelta(minutes=10))
    svc.check_in(people[0], s1, s1.checkin_code)
    svc.check_in(people[1], s1, s1.checkin_code)
    staff = make_staff()
    data = svc.report(staff, date(2026, 10, 1), date(2026, 12, 31))
    rows = {r["discipline"]: r for r in data["rows"]}
    assert rows["物理学"] == {"discipline": "物理学", "salons": 2, "registered": 3, "attended": 2, "people": 5,
                           "young": 2, "unknown": 2, "young_share": 0.4}
    assert rows["化学"] == {"discipline": "化学", "salons": 1, "registered": 1, "attended": 0, "people": 1,
                          "young": 0, "unknown": 0, "young_share": 0.0}
    assert data["total"]["salons"] == 3 and data["total"]["people"] == 6 and data["total"]["young"] == 2
    csv_text = svc.report_csv(data)
    assert csv_text.startswith("\ufeff学科,") and "物理学,2,3,2,5,2,2,40.0%" in csv_text
    assert csv_text.splitlines()[-1].startswith("合计,3,")
    with pytest.raises(PermissionDenied):
        svc.report(young_host, date(2026, 10, 1), date(2026, 12, 31))


# ---------------------------------------------------------------- contracts: search and chat

def test_search_document_only_for_approved_salons(app, db, clock, make_salon):
    from flask import current_app

    from webapp.salons.search import salon_document, search_sources

    clock.set_day(date(2026, 10, 1))
    with current_app.test_request_context():
        for i, state in enumerate(("draft", "filed", "returned", "cancelled")):
            assert salon_document(make_salon(state=state, start=local(date(2026, 11, 1 + i)))) is None
        doc = salon_document(make_salon(start=local(date(2026, 11, 9)), speakers=[{"name": "王教授", "affiliation": "某大学"}]))
    assert doc["url"].startswith("/salons/") and doc["discipline"] == "物理学" and "王教授" in doc["body"]
    assert "<" not in doc["body"] and isinstance(doc["created_at"], datetime) and doc["created_at"].tzinfo is None
    (source,) = search_sources()
    assert source["type"] == "salon" and [s.state for s in source["all"]()] == ["approved"]


def test_chat_room_for_host_speakers_registrants_and_staff(app, db, clock, make_member, make_staff, make_salon):
    from webapp.salons import services
    from webapp.salons.chat import chat_rooms

    clock.set_day(date(2026, 10, 1))
    host, speaker, registered, waiting, stranger = (make_member() for _ in range(5))
    salon = make_salon(host=host, capacity=1, start=local(date(2026, 11, 1)), speakers=[{"user_id": speaker.id}])
    services.register(registered, salon)
    services.register(waiting, salon)
    (room,) = chat_rooms()
    assert room["kind"] == "salon" and room["load"](salon.id) is salon and room["load"]("x") is None
    for user in (host, speaker, registered, make_staff()):
        assert room["can_read"](user, salon) and room["can_post"](user, salon)
    for user in (waiting, stranger, None):
        assert not room["can_read"](user, salon)
    assert room["rooms_for"](registered) == [salon] and room["rooms_for"](stranger) == []


def test_visibility_sql_and_predicate_agree(app, db, clock, make_member, make_staff, make_salon):
    from webapp.salons.models import Salon
    from webapp.salons.services import rules
    from webapp.salons.services.listing import visible_filter

    clock.set_day(date(2026, 10, 1))
    host = make_member()
    for i, state in enumerate(("draft", "filed", "returned", "approved", "cancelled")):
        make_salon(host=host, state=state, start=local(date(2026, 11, 1 + i)))
    for viewer in (None, host, make_member(), make_staff()):
        sql = {s.id for s in Salon.query.filter(visible_filter(viewer))}
        py = {s.id for s in Salon.query if rules.is_visible_to(viewer, s)}
        assert sql == py
