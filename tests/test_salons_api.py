"""The salons API, the capacity under 50 concurrent registrations, and the private birth year."""
import threading
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from tests.salon_helpers import local, make_room, make_salon  # noqa: F401  (fixtures)

API = "/api/v1"


def body(start="2026-11-01T14:00:00+08:00", end="2026-11-01T16:00:00+08:00", **kw):
    data = {"title": "青年学者沙龙：蛋白质结构预测", "discipline": "生命科学",
            "description": "交流蛋白质结构预测模型在药物设计中的应用。", "format": "hybrid",
            "address": "科技馆三楼", "online_url": "https://meeting.example.cn/j/9", "capacity": 2,
            "requires_approval": False, "start": start, "end": end,
            "registration_deadline": "2026-10-31T12:00:00+08:00",
            "speakers": [{"name": "王教授", "affiliation": "某大学"}]}
    data.update(kw)
    return data


def test_propose_file_review_register_cancel(app, db, client, clock, make_member, make_staff, auth_headers):
    clock.set_day(date(2026, 10, 1))
    host, staff = make_member(), make_staff()
    a, b, c = make_member(), make_member(), make_member()
    h = auth_headers(host)
    resp = client.post(f"{API}/salons", json=body(speakers=[{"user_id": a.id}]), headers=h)
    assert resp.status_code == 201, resp.get_json()
    salon = resp.get_json()
    assert salon["state"] == "draft" and salon["start"] == "2026-11-01T06:00:00Z"
    assert salon["speakers"] == [{"user_id": a.id, "name": a.display_name, "affiliation": ""}]
    assert salon["places_left"] == 2 and salon["my_registration"] is None
    url = f"{API}/salons/{salon['id']}"
    assert client.get(url).status_code == 404  # not public before approval
    assert client.post(f"{url}/file", headers=auth_headers(a)).status_code == 404  # not visible to a
    assert client.post(f"{url}/file", headers=h).get_json()["state"] == "filed"
    assert client.post(f"{url}/review", json={"decision": "approve"}, headers=h).status_code == 403
    bad = client.post(f"{url}/review", json={"decision": "maybe"}, headers=auth_headers(staff))
    assert bad.status_code == 422 and "decision" in bad.get_json()["error"]["fields"]
    approved = client.post(f"{url}/review", json={"decision": "approve", "comment": "同意"}, headers=auth_headers(staff))
    assert approved.get_json()["state"] == "approved"
    assert client.get(url).status_code == 200
    answers = [client.post(f"{url}/registration", headers=auth_headers(x)) for x in (a, b, c)]
    assert [r.status_code for r in answers] == [201, 201, 201]
    assert [r.get_json() for r in answers][2] == {"status": "waiting", "status_title": "候补中", "position": 1}
    again = client.post(f"{url}/registration", headers=auth_headers(a))
    assert again.status_code == 200 and again.get_json()["status"] == "registered"
    seen = client.get(url, headers=auth_headers(c)).get_json()
    assert seen["places_left"] == 0 and seen["waiting_count"] == 1 and seen["my_registration"]["position"] == 1
    cancelled = client.delete(f"{url}/registration", headers=auth_headers(a))
    assert cancelled.get_json() == {"status": "cancelled", "status_title": "已取消", "position": None}
    assert client.get(url, headers=auth_headers(c)).get_json()["my_registration"]["status"] == "registered"


def test_the_filing_rule_is_a_422_naming_start(app, db, client, clock, make_member, auth_headers):
    clock.set_day(date(2026, 10, 1))
    h = auth_headers(make_member())
    salon = client.post(f"{API}/salons", headers=h, json=body(
        start="2026-10-10T14:00:00+08:00", end="2026-10-10T16:00:00+08:00",
        registration_deadline="2026-10-09T12:00:00+08:00")).get_json()
    resp = client.post(f"{API}/salons/{salon['id']}/file", headers=h)
    assert resp.status_code == 422
    assert "2026-10-11" in resp.get_json()["error"]["fields"]["start"]


def test_bad_fields_at_once(app, db, client, clock, make_member, auth_headers):
    clock.set_day(date(2026, 10, 1))
    h = auth_headers(make_member())
    resp = client.post(f"{API}/salons", headers=h, json=body(start="2026-11-01T14:00:00", format="paper",
                                                             capacity="many", discipline="炼金术"))
    fields = resp.get_json()["error"]["fields"]
    assert resp.status_code == 422 and {"start", "format", "capacity", "discipline"} <= set(fields)
    resp = client.post(f"{API}/salons", headers=h, json=body(end="2026-11-01T13:00:00+08:00", online_url="ftp://x"))
    fields = resp.get_json()["error"]["fields"]
    assert resp.status_code == 422 and {"end", "online_url"} <= set(fields)


def test_ics_and_private_feed_endpoints(app, db, client, clock, make_member, make_salon, auth_headers):
    from webapp.salons import services

    clock.set_day(date(2026, 10, 1))
    me = make_member()
    salon = make_salon(start=local(date(2026, 11, 1), 14))
    services.register(me, salon)
    resp = client.get(f"{API}/salons/{salon.id}/ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(resp.data).walk("VEVENT")
    assert event.decoded("dtstart").replace(tzinfo=None) == datetime(2026, 11, 1, 6, 0)
    assert client.get(f"{API}/me/calendar.ics?token=nope").status_code == 404
    token = services.feed_token(me, create=True)
    db.session.commit()
    feed = client.get(f"{API}/me/calendar.ics?token={token}")
    assert feed.status_code == 200 and len(Calendar.from_ical(feed.data).walk("VEVENT")) == 1


def test_report_json_csv_and_staff_only(app, db, client, clock, make_member, make_staff, make_salon, auth_headers):
    clock.set_day(date(2026, 10, 1))
    make_salon(host=make_member(birth_year=1990), start=local(date(2026, 11, 1)))
    h = auth_headers(make_staff())
    resp = client.get(f"{API}/salons/report?from=2026-10-01&to=2026-12-31", headers=h)
    data = resp.get_json()
    assert resp.status_code == 200 and data["total"]["salons"] == 1 and data["total"]["young_share"] == 1.0
    csv = client.get(f"{API}/salons/report?from=2026-10-01&to=2026-12-31&format=csv", headers=h)
    assert csv.mimetype == "text/csv" and csv.data.startswith("\ufeff学科".encode())
    assert client.get(f"{API}/salons/report?from=2026-10-01&to=2026-12-31",
                      headers=auth_headers(make_member())).status_code == 403
    assert client.get(f"{API}/salons/report?from=x&to=2026-12-31", headers=h).status_code == 422


def test_birth_year_is_private(app, db, client, make_member, auth_headers):
    me = make_member("birthy")
    h = auth_headers(me)
    resp = client.patch(f"{API}/me", json={"birth_year": 1990}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["birth_year"] == 1990
    assert resp.get_json()["email_notifications"] is True  # not given: unchanged
    assert client.patch(f"{API}/me", json={"birth_year": 1800}, headers=h).status_code == 422
    assert "birth_year" not in client.get(f"{API}/users/birthy").get_json()
    assert "1990" not in client.get("/u/birthy").get_data(as_text=True)
    assert client.patch(f"{API}/me", json={"birth_year": None}, headers=h).get_json()["birth_year"] is None


@pytest.mark.real_commits
def test_capacity_holds_under_50_concurrent_registrations(app, make_member, make_salon, api_token):
    """50 members register at once for 10 places, each a real request on its own thread and
    connection: exactly 10 registered and 40 waiting, whatever the database."""
    from webapp.extensions import db
    from webapp.salons.models import SalonRegistration

    salon = make_salon(capacity=10, start=datetime.now() + timedelta(days=30))
    salon_id = salon.id
    headers = [{"Authorization": f"Bearer {api_token(make_member())}"} for _ in range(50)]
    db.session.commit()
    barrier = threading.Barrier(len(headers))
    statuses, errors = [], []

    def register(h):
        client = app.test_client()
        barrier.wait()
        try:
            resp = client.post(f"{API}/salons/{salon_id}/registration", headers=h)
            statuses.append((resp.status_code, resp.get_json()["status"]))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(repr(exc))

    threads = [threading.Thread(target=register, args=(h,)) for h in headers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sorted(statuses).count((201, "registered")) == 10
    assert sorted(statuses).count((201, "waiting")) == 40
    db.session.expire_all()
    rows = SalonRegistration.query.filter_by(salon_id=salon_id).all()
    assert sum(r.status == "registered" for r in rows) == 10 and sum(r.status == "waiting" for r in rows) == 40
    fresh = db.session.get(type(salon), salon_id)
    assert (fresh.registered_count, fresh.waiting_count) == (10, 40)
