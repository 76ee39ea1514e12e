"""A co-signature and its count commit together, or not at all, on SQLite as on PostgreSQL.

pysqlite (Python < 3.12) emits no BEGIN before a SAVEPOINT, so `begin_nested()` around the
support row started a transaction of its own and RELEASE committed the row alone: a failure
at the count UPDATE then left the row without the count, and the retry said "already
supported" for good. webapp.core.db now runs SQLite connections in driver autocommit and
emits BEGIN itself, so savepoints nest in the action's transaction.

Each test runs on an app of its own (a fresh SQLite file, or the PostgreSQL test database
with real commits), never inside the test harness's rolled-back transaction — whose
savepoints would hide exactly this.
"""
import os

import pytest
from sqlalchemy import event

pytestmark = pytest.mark.real_commits


class InjectedFault(Exception):
    pass


@pytest.fixture
def real_app(app, tmp_path):
    """An app whose transactions really commit: a new SQLite database, or PostgreSQL's."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.extensions import db

    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        yield app
        return
    own = create_app({**{k: app.config[k] for k in ("UPLOAD_DIR", "INDEX_DIR", "MAIL_OUTBOX_DIR",
                                                     "PASSWORD_HASH_METHOD", "SECRET_KEY", "RATELIMIT_PREFIX")},
                      "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'own.db'}"})
    with own.app_context():
        upgrade()
        yield own
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def cosigning(real_app, make_member, make_suggestion, db):
    """(member, suggestion accepted and collecting signatures) on `real_app`."""
    db.session.commit()  # the default categories the fixtures made, for the other app context to see
    with real_app.app_context():
        member = make_member("cosigner")
        s = make_suggestion(state="accepted")
        return member.id, s.id


def fail_at_count_update(engine):
    def check(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE SUGGESTIONS SET SUPPORT_COUNT"):
            raise InjectedFault("the count UPDATE failed")

    event.listen(engine, "before_cursor_execute", check)
    return lambda: event.remove(engine, "before_cursor_execute", check)


def state_of(suggestion_id, user_id):
    """(support rows of the user, support_count) as another session reads them."""
    from webapp.extensions import db
    from webapp.suggestions.models import Suggestion, SuggestionSupport

    db.session.remove()
    rows = SuggestionSupport.query.filter_by(suggestion_id=suggestion_id, user_id=user_id).count()
    return rows, db.session.get(Suggestion, suggestion_id).support_count


def test_a_failed_count_update_takes_the_support_row_with_it(real_app, cosigning):
    from webapp.accounts.models import User
    from webapp.core.uow import unit_of_work
    from webapp.extensions import db
    from webapp.suggestions import services
    from webapp.suggestions.models import Suggestion

    member_id, suggestion_id = cosigning
    with real_app.app_context():
        before = state_of(suggestion_id, member_id)
        assert before == (0, 0)
        restore = fail_at_count_update(db.engine)
        try:
            with pytest.raises(InjectedFault), unit_of_work():
                services.support(db.session.get(User, member_id), db.session.get(Suggestion, suggestion_id))
        finally:
            restore()
        assert state_of(suggestion_id, member_id) == (0, 0), "the support row was committed without its count"

        # The retry goes through, once.
        with unit_of_work():
            assert services.support(db.session.get(User, member_id), db.session.get(Suggestion, suggestion_id))
        assert state_of(suggestion_id, member_id) == (1, 1)
        with unit_of_work():
            assert not services.support(db.session.get(User, member_id), db.session.get(Suggestion, suggestion_id))
        assert state_of(suggestion_id, member_id) == (1, 1)


def test_the_same_through_the_api(real_app, cosigning, api_token):
    from webapp.accounts.models import User
    from webapp.extensions import db

    member_id, suggestion_id = cosigning
    with real_app.app_context():
        token = api_token(db.session.get(User, member_id))
        client = real_app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        restore = fail_at_count_update(db.engine)
        try:
            with pytest.raises(InjectedFault):
                client.post(f"/api/v1/suggestions/{suggestion_id}/support", headers=headers)
        finally:
            restore()
        assert state_of(suggestion_id, member_id) == (0, 0)
        resp = client.post(f"/api/v1/suggestions/{suggestion_id}/support", headers=headers)
        assert resp.status_code in (200, 201) and resp.get_json()["support_count"] == 1
        assert state_of(suggestion_id, member_id) == (1, 1)


def test_sqlite_connections_run_in_driver_autocommit_with_our_begin(real_app):
    """The recipe is the app's, not the test harness's: any SQLite engine it makes has it."""
    from webapp.extensions import db

    with real_app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as conn:
            assert conn.connection.driver_connection.isolation_level is None
            conn.exec_driver_sql("SELECT 1")
            assert not conn.connection.driver_connection.in_transaction  # reads start none
            conn.exec_driver_sql("SAVEPOINT probe")
            assert conn.connection.driver_connection.in_transaction
            conn.exec_driver_sql("RELEASE SAVEPOINT probe")
            assert conn.connection.driver_connection.in_transaction  # still the outer one
            conn.rollback()
            assert not conn.connection.driver_connection.in_transaction
