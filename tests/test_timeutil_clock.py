"""core.timeutil.clock_at: the clock hook the demo seeder drives the services with."""
from datetime import UTC, datetime, timedelta


def test_clock_at_sets_utcnow_inside_the_block_only():
    from webapp.core.db import utcnow
    from webapp.core.timeutil import clock_at

    before = utcnow()
    moment = datetime(2026, 6, 1, 2, 30)
    with clock_at(moment):
        assert utcnow() == moment
        with clock_at(datetime(2026, 6, 2, 10, 0, tzinfo=UTC)):
            assert utcnow() == datetime(2026, 6, 2, 10, 0)  # aware values are stored naive UTC
        assert utcnow() == moment
    assert abs(utcnow() - before) < timedelta(seconds=5)


def test_services_write_the_clock_time(app, db, make_suggestion, make_staff):
    from webapp.core.models import AuditLog
    from webapp.core.timeutil import clock_at
    from webapp.notifications.models import Notification
    from webapp.suggestions import services

    s = make_suggestion(state="submitted")
    moment = datetime(2026, 6, 1, 2, 30)
    with clock_at(moment):
        services.accept(make_staff("clock_staff"), s)
    assert s.accepted_at == moment and s.events[-1].created_at == moment
    assert AuditLog.query.filter_by(action="suggestion.accept").one().created_at == moment
    assert Notification.query.filter_by(kind="suggestion.accepted").one().created_at == moment
