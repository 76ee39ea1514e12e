"""CLI: `flask seed-demo` (idempotent, development only) and `flask create-admin`."""

from tests.conftest import DEMO_PASSWORD

DEMO_USERS = {"admin", "staff", "leader", "leader2", "leader3", "leader4", "editor", "reviewer",
              "member", "member2", "member3", "member4", "member5", "member6", "member7", "member8",
              # review's demo reviewers (webapp/review/demo.py)
              "reviewer2", "reviewer3", "reviewer4", "reviewer5", "reviewer6"}


def extra_demo_usernames():
    """Demo users defined by content files (the forum corpus' scientists)."""
    from pathlib import Path

    import yaml

    content = Path(__file__).resolve().parent.parent / "content"
    names = set()
    for path in content.glob("*/users.yaml"):
        names |= {entry["username"] for entry in yaml.safe_load(path.read_text(encoding="utf-8"))}
    return names


def test_seed_demo_creates_demo_accounts_once(app, db):
    from webapp.accounts.models import User

    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    # The accounts seeder's people, plus the scientists other capabilities' demo content brings.
    usernames = {u.username for u in User.query.all()}
    assert DEMO_USERS <= usernames
    assert usernames - DEMO_USERS == extra_demo_usernames()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "nothing to do" in second.output
    assert User.query.count() == len(usernames)

    leader = User.query.filter_by(username="leader").one()
    assert leader.is_verified_leader and leader.position and leader.real_name == "李建国"
    assert User.query.filter_by(username="admin").one().is_admin
    assert User.query.filter_by(username="staff").one().is_staff
    assert not User.query.filter_by(username="member").one().is_staff
    for user in User.query.all():
        assert user.check_password(DEMO_PASSWORD)

    from pathlib import Path

    from webapp.accounts.models import VerificationRequest

    queue = VerificationRequest.query.all()
    assert [(r.user.username, r.state) for r in queue] == [("member2", "pending")]
    proof = Path(app.config["UPLOAD_DIR"]) / "proofs" / queue[0].proof_key
    assert proof.exists() and queue[0].proof_mime == "image/png"


def test_seed_demo_refuses_production(app, db):
    from webapp.accounts.models import User

    app.config["APP_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.config["APP_ENV"] = "testing"
    assert result.exit_code != 0
    assert "production" in result.output
    assert User.query.count() == 0


def test_create_admin_prompts_for_password(app, db):
    from webapp.accounts.models import User
    from webapp.core.models import AuditLog

    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "boss"], input="boss@example.org\nStrong-Passw0rd-9\nStrong-Passw0rd-9\n")
    assert result.exit_code == 0, result.output
    boss = User.query.filter_by(username="boss").one()
    assert boss.is_admin and boss.check_password("Strong-Passw0rd-9")
    assert AuditLog.query.filter_by(action="role.grant", object_id=boss.id).count() == 1


def test_create_admin_rejects_weak_password_and_writes_nothing(app, db):
    from webapp.accounts.models import User

    result = app.test_cli_runner().invoke(args=["create-admin", "weak"], input="weak@example.org\nshort\nshort\n")
    assert result.exit_code != 0
    assert "密码" in result.output
    assert User.query.filter_by(username="weak").first() is None


def test_create_admin_promotes_existing_user(app, db, make_user):
    user = make_user("existing")
    result = app.test_cli_runner().invoke(args=["create-admin", "existing"],
                                          input="e@example.org\nWhatever-Pass-1\nWhatever-Pass-1\n")
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.is_admin
