"""The schema comes only from migrations: an empty database upgraded to head matches the
models exactly (no pending autogenerate diff), and downgrades back to empty.

Runs on SQLite always, and on PostgreSQL in a throwaway database when DATABASE_URL
points at PostgreSQL (as in CI).
"""
import os
import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

# Other apps on other databases: db.session must be theirs, not the test transaction's.
pytestmark = pytest.mark.real_commits


def _app_for(url, tmp_path):
    from webapp import create_app

    return create_app({
        "TESTING": True, "SECRET_KEY": "migrations-test", "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_DIR": str(tmp_path / "u"), "INDEX_DIR": str(tmp_path / "i"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "o"), "REDIS_URL": "",
    })


def _upgrade_compare_downgrade(url, tmp_path):
    from webapp.extensions import db

    app = _app_for(url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "user_roles", "api_tokens", "verification_requests", "notifications",
                "audit_log"} <= tables
        downgrade(revision="base")
        left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert left == set(), f"downgrade left tables behind: {left}"
        db.session.remove()
        db.engine.dispose()


def test_sqlite_empty_database_upgrades_to_head_without_diff(tmp_path):
    _upgrade_compare_downgrade(f"sqlite:///{tmp_path / 'migrate.db'}", tmp_path)


@pytest.mark.postgres
def test_postgresql_empty_database_upgrades_to_head_without_diff(tmp_path):
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("DATABASE_URL is not PostgreSQL (CI runs this on PostgreSQL)")
    name = f"test_migrations_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        _upgrade_compare_downgrade(url, tmp_path)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_every_migration_file_is_named_by_date_and_purpose():
    import re
    from pathlib import Path

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    files = [p.name for p in versions.glob("*.py")]
    assert files, "no migrations found"
    for name in files:
        assert re.match(r"^\d{8}_\d{4}_[a-z0-9_]+_[0-9a-f]{12}\.py$", name), name
