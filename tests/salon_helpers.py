"""Helpers for the salons tests: a salon factory driving the real services."""
from datetime import UTC, datetime, time, timedelta

import pytest


def local(day, hour=14, minute=0):
    """Naive UTC of a wall-clock time in Asia/Shanghai."""
    from zoneinfo import ZoneInfo

    moment = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Asia/Shanghai"))
    return moment.astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def make_room(app):
    from webapp.extensions import db
    from webapp.salons.models import SalonRoom

    counter = {"n": 0}

    def factory(name=None, capacity=50):
        counter["n"] += 1
        room = SalonRoom(name=name or f"会议室{counter['n']}", capacity=capacity, address="科协大楼")
        db.session.add(room)
        db.session.commit()
        return room

    return factory


@pytest.fixture
def make_salon(app, make_member, make_staff):
    """make_salon(host=..., start=<naive UTC>, hours=2, state="approved", capacity=10, room=...) → a Salon,
    proposed and filed 20 days before its start (so the filing rule holds) through the services."""
    from webapp.core.timeutil import clock_at
    from webapp.extensions import db
    from webapp.salons import services

    people = {}

    def factory(host=None, start=None, hours=2, state="approved", capacity=10, room=None, title=None,
                requires_approval=False, deadline=None, speakers=(), discipline="物理学", fmt="offline"):
        if host is None:
            people.setdefault("host", make_member())
            host = people["host"]
        if "staff" not in people:
            people["staff"] = make_staff()
        start = start or datetime(2026, 12, 20, 6, 0)
        end = start + timedelta(hours=hours)
        proposed = start - timedelta(days=20)
        with clock_at(proposed):
            salon = services.propose(
                host, title or "二维材料的拓扑物态研讨", discipline, "围绕二维材料中的拓扑物态展开讨论。", fmt, capacity,
                start, end, deadline or start - timedelta(hours=2), room_id=getattr(room, "id", None),
                address="" if room else "科技馆三楼报告厅",
                online_url="https://meeting.example.cn/j/1" if fmt != "offline" else "",
                requires_approval=requires_approval, speakers=list(speakers))
            if state != "draft":
                services.file_salon(host, salon)
            if state == "approved":
                services.approve(people["staff"], salon)
            elif state == "returned":
                services.send_back(people["staff"], salon, "请补充议程")
            elif state == "cancelled":
                services.cancel(host, salon)
        db.session.commit()
        return salon

    factory.people = people
    return factory


def salon_pages_world(host, staff, member):
    """Salons for the page tests, on the real clock: an upcoming approved one (the member
    registered), a filed one, a draft, and one that ended an hour ago (the host's after-salon
    forms). Returns their ids by name."""
    from webapp.core.db import utcnow
    from webapp.core.timeutil import clock_at
    from webapp.extensions import db
    from webapp.salons import services

    now = utcnow().replace(second=0, microsecond=0)
    made = {}
    for name, start, state in (("salon", now + timedelta(days=20), "approved"),
                               ("salon_filed", now + timedelta(days=25), "filed"),
                               ("salon_draft", now + timedelta(days=30), "draft"),
                               ("salon_past", now - timedelta(hours=3), "approved")):
        with clock_at(start - timedelta(days=20)):
            salon = services.propose(host, f"青年学者沙龙：{name}", "物理学", "围绕二维材料中的拓扑物态展开讨论。", "offline",
                                     10, start, start + timedelta(hours=2), start - timedelta(hours=2),
                                     address="科技馆三楼报告厅", speakers=[{"name": "王教授", "affiliation": "某大学"}])
            if state != "draft":
                services.file_salon(host, salon)
            if state == "approved":
                services.approve(staff, salon)
                services.register(member, salon)
        made[name] = salon.id
    db.session.commit()
    return made
