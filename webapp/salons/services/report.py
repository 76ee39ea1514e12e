"""The staff report for a period: salons by discipline, registrations and attendance, and
the share of hosts and speakers under 45 (the one-third target for young scientists).

Ages come from the optional, private birth year on the profile and appear only in these
aggregates; a guest speaker or a member without a birth year counts as unknown.
"""
import csv
import io
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func

from webapp.core.permissions import require_staff
from webapp.core.timeutil import local_zone
from webapp.extensions import db
from webapp.salons.models import RegistrationStatus, Salon, SalonRegistration, SalonState

YOUNG_AGE = 45
COLUMNS = [("discipline", "学科"), ("salons", "沙龙场次"), ("registered", "报名人数"), ("attended", "出席人数"),
           ("people", "主持人和主讲人（人次）"), ("young", "其中 45 岁以下"), ("unknown", "年龄未知"),
           ("young_share", "45 岁以下占比")]


def _utc_start(day):
    return datetime.combine(day, time(0, 0), tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def _share(young, people):
    return round(young / people, 4) if people else None


def report(user, start_date, end_date):
    """Rows by discipline and the total, for salons approved and starting between the two
    local dates (inclusive)."""
    require_staff(user)
    start, end = _utc_start(start_date), _utc_start(end_date + timedelta(days=1))
    salons = (Salon.query.filter(Salon.state == SalonState.approved.value, Salon.starts_at >= start,
                                 Salon.starts_at < end).order_by(Salon.discipline, Salon.starts_at).all())
    ids = [s.id for s in salons]
    counts = {}
    if ids:
        rows = (db.session.query(SalonRegistration.salon_id, func.count(SalonRegistration.id),
                                 func.sum(db.case((SalonRegistration.attended.is_(True), 1), else_=0)))
                .filter(SalonRegistration.salon_id.in_(ids),
                        SalonRegistration.status == RegistrationStatus.registered.value)
                .group_by(SalonRegistration.salon_id))
        counts = {sid: (n, int(a or 0)) for sid, n, a in rows}
    by = {}
    for salon in salons:
        row = by.setdefault(salon.discipline, {"discipline": salon.discipline, "salons": 0, "registered": 0,
                                               "attended": 0, "people": 0, "young": 0, "unknown": 0})
        row["salons"] += 1
        n, a = counts.get(salon.id, (0, 0))
        row["registered"] += n
        row["attended"] += a
        year = salon.starts_at.year
        people = [salon.host] + [s.user for s in salon.speakers if s.user_id != salon.host_id]
        for person in people:
            row["people"] += 1
            birth = getattr(person, "birth_year", None) if person is not None else None
            if birth is None:
                row["unknown"] += 1
            elif year - birth < YOUNG_AGE:
                row["young"] += 1
    rows = sorted(by.values(), key=lambda r: (-r["salons"], r["discipline"]))
    total = {"discipline": "合计", **{k: sum(r[k] for r in rows) for k in
                                    ("salons", "registered", "attended", "people", "young", "unknown")}}
    for row in [*rows, total]:
        row["young_share"] = _share(row["young"], row["people"])
    return {"from": start_date, "to": end_date, "rows": rows, "total": total, "target": 1 / 3}


def report_csv(data):
    """The report as CSV, UTF-8 with a BOM so that Excel shows the Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for _, title in COLUMNS])
    for row in [*data["rows"], data["total"]]:
        values = [row[key] for key, _ in COLUMNS]
        share = row["young_share"]
        values[-1] = "" if share is None else f"{share * 100:.1f}%"
        writer.writerow(values)
    return "\ufeff" + out.getvalue()
