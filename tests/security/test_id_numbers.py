"""Issue 10, finding 9: a stored resident ID number keeps only its first and last character
in clear, is hashed with a slow KDF (scrypt) under its own key (IDNUMBER_KEY, required in
production, never SECRET_KEY there), and the same number is refused on a second account."""
import hashlib

import pytest

from tests.staff_helpers import ID_NUMBER
from tests.test_idnumber import _png


def test_the_mask_keeps_only_the_first_and_last_character():
    from webapp.core import idnumber

    assert idnumber.mask(ID_NUMBER) == "1****************X"
    assert idnumber.mask("110105194912310021") == "1****************1"


def test_the_hash_is_scrypt_under_its_own_key(app):
    from webapp.core import idnumber

    key = app.config["IDNUMBER_KEY"]
    assert key and key != app.config["SECRET_KEY"]
    expected = hashlib.scrypt(ID_NUMBER.encode(), salt=key.encode(), n=idnumber.SCRYPT_N, r=idnumber.SCRYPT_R,
                              p=idnumber.SCRYPT_P, dklen=32).hex()
    assert idnumber.digest(ID_NUMBER.lower(), key) == expected
    assert idnumber.SCRYPT_N >= 2 ** 14  # costly to guess: ~16 MiB and tens of ms per try
    assert idnumber.digest(ID_NUMBER, key + "x") != expected


def test_a_stored_request_holds_the_new_mask_and_the_keyed_scrypt_hash(app, make_user, db):
    from webapp.accounts import services
    from webapp.core import idnumber

    req = services.apply_for_verification(make_user("zhang"), "张三", "某省科协", "副主席", _png(), id_number=ID_NUMBER)
    assert req.id_number_masked == "1****************X"
    assert req.id_number_hash == idnumber.digest(ID_NUMBER, app.config["IDNUMBER_KEY"])


def test_the_same_number_is_refused_on_a_second_account(app, make_user, make_staff, db):
    from webapp.accounts import services
    from webapp.core.errors import ValidationError

    first = make_user("first")
    req = services.apply_for_verification(first, "张三", "某省科协", "副主席", _png(), id_number=ID_NUMBER)
    services.approve_verification(make_staff("wang"), req)
    db.session.commit()
    with pytest.raises(ValidationError) as caught:
        services.apply_for_verification(make_user("second"), "张三", "某省科协", "副主席", _png(),
                                        id_number=ID_NUMBER.lower())
    assert "其他账号" in caught.value.fields["id_number"]
    # The owner may apply again (e.g. after a change of position).
    services.apply_for_verification(first, "张三", "某省科协", "主席", _png(), id_number=ID_NUMBER)


@pytest.fixture
def production_config(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "APP_ENV", "REDIS_URL", "DATABASE_URL", "IDNUMBER_KEY"):
        monkeypatch.delenv(name, raising=False)
    return {
        "APP_ENV": "production", "SECRET_KEY": "s" * 40,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"), "INDEX_DIR": str(tmp_path / "index"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "REDIS_URL": "",
    }


@pytest.mark.parametrize("key", [None, "", "short", "same-as-secret"])
def test_production_refuses_to_start_without_its_own_idnumber_key(production_config, key):
    from webapp import create_app
    from webapp.config import ConfigError

    if key == "same-as-secret":
        key = production_config["SECRET_KEY"]
    if key is not None:
        production_config["IDNUMBER_KEY"] = key
    with pytest.raises(ConfigError, match="IDNUMBER_KEY"):
        create_app(production_config)


def test_production_starts_with_its_own_idnumber_key(production_config):
    from webapp import create_app

    production_config["IDNUMBER_KEY"] = "k" * 40
    app = create_app(production_config)
    assert app.config["IDNUMBER_KEY"] == "k" * 40


def test_outside_production_the_key_is_never_secret_key_itself(monkeypatch):
    from webapp.config import load_config

    monkeypatch.delenv("IDNUMBER_KEY", raising=False)
    config = load_config()
    assert config["IDNUMBER_KEY"] and config["IDNUMBER_KEY"] != config["SECRET_KEY"]
    monkeypatch.setenv("IDNUMBER_KEY", "from-the-environment-0123456789")
    assert load_config()["IDNUMBER_KEY"] == "from-the-environment-0123456789"


@pytest.mark.real_commits
def test_the_migration_cuts_old_masks_down_and_drops_old_fast_hashes(tmp_path):
    """Rows stored before: masked first 6 + last 4, HMAC-SHA256 hash. The number itself was never
    stored, so the new hash cannot be computed: the old one goes, the mask is cut down."""
    from flask_migrate import upgrade

    from tests.test_migrations import _app_for
    from webapp.extensions import db

    app = _app_for(f"sqlite:///{tmp_path / 'old.db'}", tmp_path)
    with app.app_context():
        upgrade(revision="f4f8dad6fa65")
        with db.engine.begin() as conn:
            conn.execute(db.text(
                "INSERT INTO users (id, username, email, password_hash, display_name, institution, discipline_tags,"
                " bio, created_at, session_version) VALUES (1, 'old', 'old@example.org', 'x', '老用户', '', '[]', '',"
                " '2026-01-01 00:00:00', 1)"))
            for rid, masked in ((1, "110105********002X"), (2, None)):
                conn.execute(db.text(
                    "INSERT INTO verification_requests (id, user_id, real_name, organisation, position,"
                    " id_number_masked, id_number_hash, proof_key, proof_mime, state, created_at) VALUES"
                    " (:id, 1, '张三', '某省科协', '副主席', :masked, :hash, 'p.pdf', 'application/pdf', 'approved',"
                    " '2026-01-01 00:00:00')"), {"id": rid, "masked": masked, "hash": "ab" * 32 if masked else None})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(db.text(
                "SELECT id, id_number_masked, id_number_hash FROM verification_requests ORDER BY id")).all()
            terms = conn.execute(db.text("SELECT terms_accepted_at FROM users")).scalar()
        assert [tuple(r) for r in rows] == [(1, "1****************X", None), (2, None, None)]
        assert terms is None
        db.session.remove()
        db.engine.dispose()
