"""Salon pages: the proposal form and its filing error, registering from the page, the
host's after-salon forms, staff pages and the CSV, the private birth year on the profile."""
import io
from datetime import date, timedelta

from tests.pdf_samples import valid_pdf
from tests.salon_helpers import local, make_room, make_salon  # noqa: F401  (fixtures)
from tests.staff_helpers import html, signed_in  # noqa: F401  (fixture)


def form(start, end, deadline, action="file", **kw):
    data = {"title": "青年学者沙龙：蛋白质设计", "discipline": "生命科学", "description": "交流蛋白质从头设计的方法与应用。",
            "format": "offline", "room_id": "", "address": "科技馆三楼", "online_url": "", "capacity": "30",
            "start": start, "end": end, "registration_deadline": deadline, "speakers": "王教授，某大学\n",
            "action": action}
    data.update(kw)
    return data


def test_the_form_names_the_earliest_start_date(app, db, clock, make_member, signed_in, post_form):
    from webapp.salons.models import Salon

    clock.set_day(date(2026, 10, 1))
    client = signed_in(make_member())
    page = html(client.get("/salons/new"))
    assert "2026-10-11" in page
    resp = post_form(client, "/salons/new", form("2026-10-10T14:00", "2026-10-10T16:00", "2026-10-09T12:00"))
    assert resp.status_code == 422
    text = html(resp)
    assert "开始日期最早为 2026-10-11" in text and 'aria-invalid="true"' in text and "error-summary" in text
    assert Salon.query.count() == 0  # one transaction: the draft is rolled back with the refused filing
    resp = post_form(client, "/salons/new", form("2026-10-11T14:00", "2026-10-11T16:00", "2026-10-10T12:00"))
    assert resp.status_code == 302
    (salon,) = Salon.query.all()
    assert salon.state == "filed" and salon.starts_at.hour == 6  # 14:00 in Shanghai is 06:00 UTC
    assert [(s.name, s.affiliation) for s in salon.speakers] == [("王教授", "某大学")]


def test_bad_values_are_form_errors_not_500s(app, db, clock, make_member, signed_in, post_form):
    clock.set_day(date(2026, 10, 1))
    client = signed_in(make_member())
    resp = post_form(client, "/salons/new", form("yesterday", "", "", capacity="many", format="x", discipline="z",
                                                 speakers="@nobody"))
    assert resp.status_code == 422
    assert html(resp).count('aria-invalid="true"') >= 2


def test_register_and_cancel_from_the_page(app, db, clock, make_member, make_salon, signed_in, post_form):
    clock.set_day(date(2026, 10, 1))
    salon = make_salon(capacity=1, start=local(date(2026, 11, 1)))
    first, second = signed_in(make_member()), signed_in(make_member())
    post_form(first, f"/salons/{salon.id}/register")
    resp = post_form(second, f"/salons/{salon.id}/register", follow_redirects=True)
    assert "候补名单（第 1 位）" in html(resp)
    post_form(first, f"/salons/{salon.id}/unregister")
    assert "我的状态：<strong>已报名</strong>" in html(second.get(f"/salons/{salon.id}"))
    mine = html(second.get("/salons/mine"))
    assert salon.title in mine.split('id="list-attending"', 1)[1]


def test_host_records_attendance_uploads_slides_and_files(app, db, clock, make_member, make_salon, signed_in,
                                                          post_form):
    clock.set_day(date(2026, 10, 1))
    host, attendee, stranger = make_member(), make_member(), make_member()
    start = local(date(2026, 11, 1), 14)
    salon = make_salon(host=host, start=start)
    from webapp.salons import services

    reg = services.register(attendee, salon)
    db.session.commit()
    clock.set(start + timedelta(hours=3))
    h = signed_in(host)
    assert salon.checkin_code in html(h.get(f"/salons/{salon.id}"))
    post_form(h, f"/salons/{salon.id}/attendance", {"attended": str(reg.id)})
    post_form(h, f"/salons/{salon.id}/minutes", {"minutes": "讨论了蛋白质设计的三个方向。"})
    post_form(h, f"/salons/{salon.id}/slides", {"slides": (io.BytesIO(valid_pdf()), "slides.pdf")},
              content_type="multipart/form-data")
    post_form(h, f"/salons/{salon.id}/report")
    db.session.refresh(salon)
    assert salon.report_filed_at is not None and reg.attended
    assert signed_in(attendee).get(f"/salons/{salon.id}/slides.pdf").status_code == 200
    assert signed_in(stranger).get(f"/salons/{salon.id}/slides.pdf").status_code == 403
    assert "讨论了蛋白质设计" not in html(signed_in(stranger).get(f"/salons/{salon.id}"))


def test_staff_queue_report_and_csv(app, db, clock, make_member, make_staff, make_salon, signed_in):
    clock.set_day(date(2026, 10, 1))
    filed = make_salon(state="filed", start=local(date(2026, 11, 1)), title="待审核的量子沙龙")
    make_salon(start=local(date(2026, 11, 2)), host=make_member(birth_year=1992))
    staff = signed_in(make_staff())
    assert filed.title in html(staff.get("/admin/salons/"))
    report = html(staff.get("/admin/salons/report?start=2026-10-01&end=2026-12-31"))
    assert 'data-discipline="物理学"' in report and "100.0%" in report
    csv = staff.get("/admin/salons/report.csv?start=2026-10-01&end=2026-12-31")
    assert csv.mimetype == "text/csv" and csv.data.startswith(b"\xef\xbb\xbf")
    assert signed_in(make_member()).get("/admin/salons/report").status_code == 403


def test_rooms_are_managed_by_staff(app, db, make_staff, signed_in, post_form):
    from webapp.salons.models import SalonRoom

    staff = signed_in(make_staff())
    resp = post_form(staff, "/admin/salons/rooms", {"name": "第三会议室", "address": "5 楼", "capacity": "24",
                                                    "active": "y"})
    assert resp.status_code == 302 and SalonRoom.query.filter_by(name="第三会议室", capacity=24).count() == 1
    resp = post_form(staff, "/admin/salons/rooms", {"name": "第三会议室", "capacity": "24"})
    assert resp.status_code == 422 and "已有同名场地" in html(resp)


def test_birth_year_on_the_profile_form_stays_private(app, db, make_member, signed_in, post_form):
    me = make_member("by_owner", display_name="年份主人")
    client = signed_in(me)
    resp = post_form(client, "/account/profile", {"display_name": "年份主人", "birth_year": "1991"})
    assert resp.status_code == 302
    db.session.refresh(me)
    assert me.birth_year == 1991
    assert 'value="1991"' in html(client.get("/account/profile"))
    assert "1991" not in html(client.get("/u/by_owner"))
    resp = post_form(client, "/account/profile", {"display_name": "年份主人", "birth_year": "abc"})
    assert resp.status_code == 422
